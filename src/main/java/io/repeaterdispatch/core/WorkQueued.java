package io.repeaterdispatch.core;

/**
 * Fired (as a CDI event) after a commit that may have made work due now: records enqueued or
 * requeued, a repeater resumed or changed, a domain's flag flipped. Dispatch observes it and looks
 * for work at once; the admin side never needs to know who listens.
 *
 * @param reason what happened, for debugging
 */
public record WorkQueued(String reason) {
}
