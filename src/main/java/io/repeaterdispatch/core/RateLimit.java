package io.repeaterdispatch.core;

/**
 * A repeater's configured request rate: at most {@code perSecond} requests a second on average,
 * {@code burst} at once after a quiet spell (a token bucket shared by every replica).
 */
public record RateLimit(double perSecond, int burst) {

    public RateLimit {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
    }

    /** The burst when none is given: one second's worth, at least one request. */
    public static int defaultBurst(double perSecond) {
        return (int) Math.max(1, Math.ceil(perSecond));
    }
}
