package io.repeaterdispatch.store;

import java.time.Instant;

/** The repeater's backoff state after a batch: either a further step of backoff or a reset. */
public record RepeaterUpdate(long repeaterId, boolean backedOff, Instant nextAttemptAt, Instant lastAttemptAt) {
}
