package io.repeaterdispatch.admin.service;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code Idempotency-Key} of an enqueue: 1-255 printable ASCII characters (space to tilde),
 * scoped to the repeater (enqueue) or the domain (fan-out) it is sent to. What it does:
 * RecordService.enqueue, FanOutService.publish and docs/api.md.
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

    /**
     * The key was used with another body within the window: 422, nothing queued.
     *
     * @param other what differed ("records", "events")
     * @param scope what the key is scoped to ("repeater 3", "domain acme")
     */
    static ApiException reused(String other, String scope, Duration window) {
        return new ApiException(422, "Unprocessable Content", "this " + HEADER + " was used with other " + other + " for " + scope
                + " within the last " + window.toString().substring(2).toLowerCase(Locale.ROOT)
                + " (admin.idempotency.window): nothing was queued; send a new request with a new key", null);
    }
}
