package io.repeaterdispatch.admin.auth;

import io.repeaterdispatch.admin.web.Problems;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.security.Principal;
import java.util.Optional;

/**
 * Every /api route needs {@code Authorization: Bearer <token>} with a configured token: 401
 * without one, 403 when a read token calls a mutating route. Runs before route matching, so
 * unknown /api paths answer the same and reveal nothing. The caller becomes the request's
 * {@link SecurityContext} principal, which is what the audit trail records.
 */
public class BearerTokenFilter {

    private static final String PREFIX = "Bearer ";

    private final AdminTokens tokens;

    public BearerTokenFilter(AdminTokens tokens) {
        this.tokens = tokens;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getPath();
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        Optional<AdminTokens.Caller> caller = header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                ? tokens.identify(header.substring(PREFIX.length()).trim())
                : Optional.empty();
        if (caller.isEmpty()) {
            Response problem = Problems.response(401, "Unauthorized",
                    header == null ? "missing Authorization: Bearer <token> header" : "invalid bearer token", null);
            return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        if (!caller.get().role().mayCall(request.getMethod())) {
            return Problems.response(403, "Forbidden", "token '" + caller.get().name() + "' has the read role; "
                    + request.getMethod() + " needs the admin role", null);
        }
        request.setSecurityContext(new CallerContext(caller.get()));
        return null;
    }

    private record CallerContext(AdminTokens.Caller caller) implements SecurityContext {

        @Override
        public Principal getUserPrincipal() {
            return caller::name;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.role().name().equalsIgnoreCase(role);
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
