package io.repeaterdispatch.admin.web;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on the web console's responses: everything served outside {@code /api} and
 * {@code /q} (the console is static files under META-INF/resources: {@code /}, {@code /index.html},
 * {@code /console/*}). The policy allows scripts, styles and requests from the service's own origin
 * only, no inline script or style, no plugins, no framing. {@code /q/swagger-ui} keeps its own needs
 * (it uses inline script), and the JSON API needs none of this.
 */
@ApplicationScoped
public class ConsoleHeaders {

    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
            if (isConsole(ctx.normalizedPath())) {
                ctx.response().headers()
                        .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                        .set("X-Content-Type-Options", "nosniff")
                        .set("Referrer-Policy", "no-referrer")
                        .set("X-Frame-Options", "DENY");
            }
            ctx.next();
        });
    }

    static boolean isConsole(String path) {
        return path != null && !path.equals("/api") && !path.startsWith("/api/") && !path.equals("/q") && !path.startsWith("/q/");
    }
}
