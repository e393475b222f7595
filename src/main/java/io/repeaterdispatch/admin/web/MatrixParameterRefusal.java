package io.repeaterdispatch.admin.web;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The API has no matrix parameters, but JAX-RS matching drops them: {@code DELETE
 * /api/v1/repeaters/1;DROP} deleted repeater 1 (found by the fuzz run). A raw ';' in an /api path
 * names no resource: 404. Runs after authentication, so callers without a token still get 401.
 */
public class MatrixParameterRefusal {

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION + 100)
    public Response refuse(HttpServerRequest request) {
        // the path as received: the request context's URI has the matrix parameters removed already
        String raw = request.path();
        if (raw == null || raw.indexOf(';') < 0 || !(raw.equals("/api") || raw.startsWith("/api/"))) {
            return null;
        }
        return Problems.response(404, "Not Found", "no such resource: ';' (a matrix parameter) is not part of this API", null);
    }
}
