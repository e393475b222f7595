package io.repeaterdispatch.admin.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Page cursors: the last key of a page, base64url-encoded so clients treat it as opaque. */
public final class Cursor {

    private static final String PREFIX = "k:";

    private Cursor() {
    }

    static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + key).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the key, or null if the cursor is not one of ours */
    public static String decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            return raw.startsWith(PREFIX) ? raw.substring(PREFIX.length()) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
