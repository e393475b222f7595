package io.repeaterdispatch.admin.model;

/** Which repeaters a list shows; null fields do not filter. Deleted ones only when {@code deleted} is true. */
public record RepeaterFilter(String domain, Boolean paused, Boolean backedOff, boolean deleted) {
}
