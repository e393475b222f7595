package io.repeaterdispatch.core;

/**
 * How much remote time (the sum of its requests' durations) a domain may spend per minute and per
 * hour window, in milliseconds; 0 means no bound for that window.
 */
public record DomainBudget(long perMinuteMs, long perHourMs) {

    public static final DomainBudget NONE = new DomainBudget(0, 0);
}
