package io.repeaterdispatch.core;

/**
 * CDI event an admin service fires after a commit that changed a repeater's rate limit or a
 * domain's budget: this replica's dispatch re-reads its limits at once (others within
 * {@code dispatch.limits.refresh}).
 */
public record LimitsChanged(String reason) {
}
