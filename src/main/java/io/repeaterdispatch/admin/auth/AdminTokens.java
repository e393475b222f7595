package io.repeaterdispatch.admin.auth;

import io.repeaterdispatch.config.AdminConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured API tokens. Each entry of {@code admin.tokens} is {@code name:role:secret}, where
 * secret is {@code sha256:<64 hex digits>} (preferred: configuration then never holds the token
 * itself) or the token in clear (handy for development). Only SHA-256 digests are kept in memory,
 * and a presented token is compared against every digest in constant time, so timing reveals
 * neither which token matched nor how much of one.
 */
@ApplicationScoped
public class AdminTokens {

    /** Who called: the token's configured name (what the audit trail records) and its role. */
    public record Caller(String name, Role role) {
    }

    private record Entry(Caller caller, byte[] digest) {
    }

    private static final Logger LOG = Logger.getLogger(AdminTokens.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-fA-F]{64}");

    private final List<Entry> entries;

    public AdminTokens(AdminConfig config) {
        this.entries = parse(config.tokens().orElse(List.of()));
        if (entries.isEmpty()) {
            LOG.warn("no API token configured (admin.tokens / REPEATER_ADMIN_TOKENS): every /api call will be refused");
        }
    }

    /** The caller a presented token belongs to, if any. Looks at every entry, match or not. */
    public Optional<Caller> identify(String presented) {
        byte[] digest = sha256(presented);
        Caller found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest, digest)) {
                found = entry.caller;
            }
        }
        return Optional.ofNullable(found);
    }

    static List<Entry> parse(List<String> specs) {
        List<Entry> parsed = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String spec = specs.get(i).strip();
            if (spec.isEmpty()) {
                continue;
            }
            // Messages name the entry by position and name only: the spec may hold a token in clear.
            String[] parts = spec.split(":", 3);
            if (parts.length != 3 || !NAME.matcher(parts[0]).matches()) {
                throw new IllegalStateException("admin.tokens entry " + (i + 1) + " is not name:role:secret "
                        + "(name: 1-64 letters, digits, '.', '_' or '-')");
            }
            String name = parts[0];
            if (!names.add(name)) {
                throw new IllegalStateException("admin.tokens: the name '" + name + "' is used twice");
            }
            Role role;
            try {
                role = Role.parse(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("admin.tokens entry '" + name + "': " + e.getMessage());
            }
            parsed.add(new Entry(new Caller(name, role), digestOf(name, parts[2])));
        }
        return List.copyOf(parsed);
    }

    private static byte[] digestOf(String name, String secret) {
        if (secret.startsWith("sha256:")) {
            String hex = secret.substring("sha256:".length());
            if (!HEX_DIGEST.matcher(hex).matches()) {
                throw new IllegalStateException("admin.tokens entry '" + name + "': sha256: must be followed by 64 hex digits");
            }
            return HexFormat.of().parseHex(hex.toLowerCase());
        }
        if (secret.length() < 8) {
            throw new IllegalStateException("admin.tokens entry '" + name + "': a token needs at least 8 characters");
        }
        return sha256(secret);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
