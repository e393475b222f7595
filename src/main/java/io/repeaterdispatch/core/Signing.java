package io.repeaterdispatch.core;

import java.time.Instant;
import java.util.List;

/**
 * How deliveries to a repeater are signed (Standard Webhooks, delivery.WebhookSignature), as read
 * by the claim that sends them. Holds secrets, so {@link #toString()} is written by hand.
 *
 * @param enabled            the repeater's {@code signing.enabled}
 * @param current            the secret to sign with; null for a repeater that has none yet (one
 *                           written before migrations/V15 or by an older replica: it sends unsigned
 *                           until the service has generated one)
 * @param previous           the secret rotated out, still sent until {@code previousValidUntil}; null if none
 * @param previousValidUntil end of the rotation overlap
 */
public record Signing(boolean enabled, SigningSecret current, SigningSecret previous, Instant previousValidUntil) {

    /** Signing turned off. */
    public static final Signing OFF = new Signing(false, null, null, null);

    /** The secrets to sign a delivery with at {@code now}: the current one first, then the previous one during its overlap. */
    public List<SigningSecret> secretsAt(Instant now) {
        if (!enabled || current == null) {
            return List.of();
        }
        if (previous != null && previousValidUntil != null && now.isBefore(previousValidUntil)) {
            return List.of(current, previous);
        }
        return List.of(current);
    }

    /** Signing is on but there is no secret to sign with yet. */
    public boolean missingSecret() {
        return enabled && current == null;
    }

    @Override
    public String toString() {
        return !enabled ? "Signing[off]" : current == null ? "Signing[on, no secret yet]"
                : "Signing[on" + (previous == null ? "" : ", previous until " + previousValidUntil) + "]";
    }
}
