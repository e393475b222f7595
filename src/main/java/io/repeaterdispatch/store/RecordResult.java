package io.repeaterdispatch.store;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RecordState;

import java.time.Instant;

/** One attempt and the state its record moves to (FAILED may become CANCELLED, or wait until nextCheck). */
public record RecordResult(DeliveryResult attempt, RecordState newState, Instant nextCheck) {
}
