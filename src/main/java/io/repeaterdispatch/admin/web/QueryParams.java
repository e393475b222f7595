package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.service.ApiException;
import io.repeaterdispatch.admin.service.Cursor;
import io.repeaterdispatch.admin.service.RepeaterValidator;
import io.repeaterdispatch.core.RecordState;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads query parameters (and filter fields) by hand, collecting every problem, so a bad value
 * is a 400 naming the field instead of JAX-RS' default (a 404 for unconvertible query params).
 */
final class QueryParams {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    private final List<ApiException.FieldError> errors = new ArrayList<>();

    int limit(String raw) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.strip());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.add(new ApiException.FieldError("limit", "a whole number between 1 and " + MAX_LIMIT));
        return DEFAULT_LIMIT;
    }

    /** @return the cursor's id, or Long.MAX_VALUE / 0 (per {@code descending}) for the first page */
    long idCursor(String raw, boolean descending) {
        String key = key(raw);
        if (key == null) {
            return descending ? Long.MAX_VALUE : 0;
        }
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            errors.add(new ApiException.FieldError("cursor", "not a cursor this list returned"));
            return 0;
        }
    }

    /** @return the cursor's key, or "" for the first page */
    String textCursor(String raw) {
        String key = key(raw);
        return key == null ? "" : key;
    }

    private String key(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        String key = Cursor.decode(raw);
        // a NUL (or any control character) is no key of ours, and PostgreSQL refuses NUL in text
        if (key == null || RepeaterValidator.hasControl(key)) {
            errors.add(new ApiException.FieldError("cursor", "not a cursor this list returned"));
            return null;
        }
        return key;
    }

    Boolean bool(String raw, String field) {
        if (raw == null) {
            return null;
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                errors.add(new ApiException.FieldError(field, "true or false"));
                yield null;
            }
        };
    }

    Instant instant(String raw, String field) {
        if (raw == null) {
            return null;
        }
        try {
            Instant instant = Instant.parse(raw.strip());
            // Java reads years up to ±1,000,000,000; PostgreSQL stores 4713 BC to 294276 AD and the
            // driver's microsecond count overflows long before Java's limit: keep to four-digit years
            if (!instant.isBefore(EARLIEST) && instant.isBefore(LATEST)) {
                return instant;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.add(new ApiException.FieldError(field, "an ISO-8601 instant between years 0001 and 9999, such as 2026-01-31T12:00:00Z"));
        return null;
    }

    /** Comma-separated state names (as the API shows them); null when absent. */
    List<RecordState> states(String raw) {
        return raw == null ? null : states(Arrays.asList(raw.split(",")));
    }

    List<RecordState> states(List<String> names) {
        if (names == null) {
            return null;
        }
        List<RecordState> states = new ArrayList<>();
        for (String name : names) {
            try {
                states.add(RecordState.valueOf(name == null ? "" : name.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                errors.add(new ApiException.FieldError("state", "each one of " + Arrays.stream(RecordState.values())
                        .map(RecordState::apiName).toList()));
                return null;
            }
        }
        if (states.isEmpty()) {
            errors.add(new ApiException.FieldError("state", "at least one state"));
        }
        return states;
    }

    String text(String raw, String field, int maxLength) {
        if (raw != null && (raw.isEmpty() || raw.length() > maxLength || RepeaterValidator.hasControl(raw))) {
            errors.add(new ApiException.FieldError(field, "1-" + maxLength + " characters, no control characters"));
            return null;
        }
        return raw;
    }

    void invalid(String field, String message) {
        errors.add(new ApiException.FieldError(field, message));
    }

    /** Throws the 400 listing every problem seen, if any. */
    void check() {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }
}
