package io.repeaterdispatch.store;

/**
 * The dispatch backlog at one moment.
 *
 * @param dueRecords         queued records whose next check has come (not leased), any repeater
 * @param readyRepeaters     repeaters the per-repeater loop could take now (its ready query, capped)
 * @param backedOffRepeaters active repeaters waiting out a backoff
 * @param disabledRepeaters  repeaters the service disabled, not resumed yet (docs/api.md, "Disabled endpoints")
 */
public record Backlog(long dueRecords, long readyRepeaters, long backedOffRepeaters, long disabledRepeaters) {
}
