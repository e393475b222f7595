package io.repeaterdispatch.store;

/** A repeater the ready query found: active, not backed off, with a due queued record (or, rarely, one that was due: its claim then finds nothing and corrects the row). */
public record ReadyRepeater(long id, String domain, int batchSize) {
}
