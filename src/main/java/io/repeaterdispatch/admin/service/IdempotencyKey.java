package io.repeaterdispatch.admin.service;

import java.util.List;

/**
 * The {@code Idempotency-Key} of an enqueue: 1-255 printable ASCII characters (space to tilde),
 * scoped to the repeater it is sent to. What it does: RecordService.enqueue and docs/api.md.
 */
public final class IdempotencyKey {

    public static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 255;

    private IdempotencyKey() {
    }

    /** The key itself if it is one; else a 400 naming the header (the value is not echoed: it may be anything). */
    static String check(String key) {
        if (key.isEmpty() || key.length() > MAX_LENGTH || !key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw ApiException.invalid(List.of(new ApiException.FieldError(HEADER,
                    "must be 1-" + MAX_LENGTH + " printable ASCII characters (space to ~)")));
        }
        return key;
    }

    /** More than one key for one request names no single request: 400. */
    public static ApiException several(int count) {
        return ApiException.invalid(List.of(new ApiException.FieldError(HEADER, "send one " + HEADER + " header, not " + count)));
    }
}
