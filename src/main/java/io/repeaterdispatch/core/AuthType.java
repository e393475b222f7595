package io.repeaterdispatch.core;

import java.util.Locale;
import java.util.Optional;

/** How the sender authenticates to an endpoint; {@link #column()} is the spelling in repeater.auth_type and the API. */
public enum AuthType {
    NONE, BASIC, BEARER;

    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named {@code name} as the API and the column spell it (null means none), or empty if there is none such. */
    public static Optional<AuthType> parse(String name) {
        if (name == null) {
            return Optional.of(NONE);
        }
        for (AuthType type : values()) {
            if (type.column().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** A stored value; the column's CHECK constraint admits only these. */
    public static AuthType ofColumn(String value) {
        return parse(value).orElseThrow(() -> new IllegalArgumentException("unknown auth type " + value));
    }
}
