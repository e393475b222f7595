package io.repeaterdispatch.admin;

import io.repeaterdispatch.config.AdminConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Every /api route needs {@code Authorization: Bearer <token>} with a configured token. Runs before
 * route matching, so unknown /api paths answer 401 too and reveal nothing. Tokens are compared as
 * SHA-256 digests with a constant-time compare: timing tells neither content nor length.
 */
public class BearerTokenFilter {

    private static final Logger LOG = Logger.getLogger(BearerTokenFilter.class);
    private static final String PREFIX = "Bearer ";

    private final List<byte[]> tokenDigests;

    public BearerTokenFilter(AdminConfig config) {
        this.tokenDigests = config.tokens().orElse(List.of()).stream()
                .filter(t -> !t.isBlank()).map(BearerTokenFilter::sha256).toList();
        if (tokenDigests.isEmpty()) {
            LOG.warn("no admin token configured (admin.tokens / REPEATER_ADMIN_TOKEN): every /api call will be refused");
        }
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getPath();
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) && known(header.substring(PREFIX.length()).trim())) {
            return null;
        }
        Response problem = Problems.response(401, "Unauthorized",
                header == null ? "missing Authorization: Bearer <token> header" : "invalid bearer token", null);
        return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private boolean known(String token) {
        byte[] digest = sha256(token);
        boolean match = false;
        for (byte[] candidate : tokenDigests) {
            match |= MessageDigest.isEqual(candidate, digest);
        }
        return match;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
