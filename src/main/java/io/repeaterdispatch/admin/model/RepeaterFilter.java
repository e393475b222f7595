package io.repeaterdispatch.admin.model;

/**
 * Which repeaters a list shows; null fields do not filter. Deleted ones only when {@code deleted} is true.
 *
 * @param disabled true: only those the service disabled (docs/api.md, "Disabled endpoints"); false: all others
 */
public record RepeaterFilter(String domain, Boolean paused, Boolean backedOff, boolean deleted, Boolean disabled) {

    public RepeaterFilter(String domain, Boolean paused, Boolean backedOff, boolean deleted) {
        this(domain, paused, backedOff, deleted, null);
    }
}
