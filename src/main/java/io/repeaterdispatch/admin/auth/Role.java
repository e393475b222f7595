package io.repeaterdispatch.admin.auth;

import java.util.Locale;

/** What a token may do: {@code read} calls GET routes only, {@code admin} calls everything. */
public enum Role {
    READ, ADMIN;

    public boolean mayCall(String httpMethod) {
        return this == ADMIN || httpMethod.equals("GET") || httpMethod.equals("HEAD");
    }

    static Role parse(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "read" -> READ;
            case "admin" -> ADMIN;
            default -> throw new IllegalArgumentException("role must be read or admin");
        };
    }
}
