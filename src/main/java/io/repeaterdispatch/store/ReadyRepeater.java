package io.repeaterdispatch.store;

/** A repeater the ready query found: active, not backed off, with at least one due queued record. */
public record ReadyRepeater(long id, String domain, int batchSize) {
}
