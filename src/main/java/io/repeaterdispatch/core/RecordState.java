package io.repeaterdispatch.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Repeat record states; the codes are the seed system's (powers of two) and are stored as such.
 * SQL and HQL name them through this enum (see {@link #sqlList}), never as bare numbers.
 */
public enum RecordState {
    PENDING(1),
    FAILED(2),
    SUCCEEDED(4),
    CANCELLED(8),
    EMPTY(16),
    INVALID_PAYLOAD(32);

    /** States of a record still waiting to be sent: the queue (and the partial index repeat_record_queued_idx). */
    public static final Set<RecordState> QUEUED = Collections.unmodifiableSet(EnumSet.of(PENDING, FAILED));

    public final short code;

    RecordState(int code) {
        this.code = (short) code;
    }

    /** Success as far as the repeater's health goes: the endpoint answered and accepted or rejected the payload. */
    public boolean endpointResponded() {
        return this == SUCCEEDED || this == EMPTY || this == INVALID_PAYLOAD;
    }

    /** As the API shows it: {@code invalid_payload}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RecordState of(int code) {
        return Arrays.stream(values()).filter(s -> s.code == code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown record state " + code));
    }

    /** The codes as an SQL list, {@code 1, 2}, for IN (...) predicates that must match the partial indexes' literally. */
    public static String sqlList(Set<RecordState> states) {
        return states.stream().sorted().map(s -> Short.toString(s.code)).collect(Collectors.joining(", "));
    }

    public static List<String> apiNames() {
        return Arrays.stream(values()).map(RecordState::apiName).toList();
    }
}
