package io.repeaterdispatch.admin.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body over {@code quarkus.http.limits.max-body-size} is refused by the HTTP layer before
 * RESTEasy sees it, with an empty 413. This route runs first and gives a request that declares
 * such a length the problem+json answer every other error has, without reading the body. (A
 * chunked body without a length still meets the HTTP layer's plain 413.)
 */
@ApplicationScoped
public class BodyLimitProblems {

    private static final String BODY = "{\"type\":\"about:blank\",\"title\":\"Payload Too Large\",\"status\":413,"
            + "\"detail\":\"request body exceeds %d bytes (quarkus.http.limits.max-body-size)\"}";

    private final long limit;

    public BodyLimitProblems(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            if (declaredLength(ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH)) <= limit) {
                ctx.next();
                return;
            }
            ctx.response().setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problems.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close") // the body is left unread
                    .end(BODY.formatted(limit));
        });
    }

    private static long declaredLength(String header) {
        try {
            return header == null ? 0 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0; // the HTTP layer answers malformed lengths itself
        }
    }
}
