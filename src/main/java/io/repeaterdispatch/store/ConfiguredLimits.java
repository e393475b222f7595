package io.repeaterdispatch.store;

import io.repeaterdispatch.core.RateLimit;

import java.util.Map;

/**
 * The limits operators set: repeaters with a rate, and domains whose budget differs from the
 * defaults (each window in ms, null where the default applies).
 */
public record ConfiguredLimits(Map<Long, RateLimit> rates, Map<String, BudgetOverride> budgets) {

    public static final ConfiguredLimits NONE = new ConfiguredLimits(Map.of(), Map.of());

    public record BudgetOverride(Long perMinuteMs, Long perHourMs) {
    }
}
