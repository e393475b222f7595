package io.repeaterdispatch.delivery;

import java.util.Arrays;

/** Repeat record states; the codes are the seed system's (powers of two) and are stored as such. */
public enum RecordState {
    PENDING(1),
    FAILED(2),
    SUCCEEDED(4),
    CANCELLED(8),
    EMPTY(16),
    INVALID_PAYLOAD(32);

    public final short code;

    RecordState(int code) {
        this.code = (short) code;
    }

    /** Success as far as the repeater's health goes: the endpoint answered and accepted or rejected the payload. */
    public boolean endpointResponded() {
        return this == SUCCEEDED || this == EMPTY || this == INVALID_PAYLOAD;
    }

    public static RecordState of(int code) {
        return Arrays.stream(values()).filter(s -> s.code == code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown record state " + code));
    }
}
