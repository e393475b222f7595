package io.repeaterdispatch.store;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RecordState;

import java.time.Instant;

/**
 * One attempt and the state its record moves to (FAILED may become CANCELLED, or wait until
 * nextCheck). {@code counted} is false for an attempt that does not count toward the maximum
 * number of attempts (the endpoint throttled it); it is still recorded among the attempts.
 */
public record RecordResult(DeliveryResult attempt, RecordState newState, Instant nextCheck, boolean counted) {

    public RecordResult(DeliveryResult attempt, RecordState newState, Instant nextCheck) {
        this(attempt, newState, nextCheck, true);
    }
}
