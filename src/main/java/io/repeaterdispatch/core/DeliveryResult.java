package io.repeaterdispatch.core;

import java.time.Duration;
import java.time.Instant;

/**
 * What one attempt to send one record produced.
 *
 * @param outcome    SUCCEEDED, EMPTY, FAILED (retryable) or INVALID_PAYLOAD (not retried)
 * @param httpStatus null when no response arrived (timeout, connection error)
 * @param message    response excerpt or error, short
 * @param retryAfter the endpoint's Retry-After on 429/503, else null
 * @param failure    why no answer arrived; null when the endpoint answered
 * @param disable    the answer asks to disable the repeater (410 Gone, webhook-delivery: disable); null if not
 */
public record DeliveryResult(long recordId, RecordState outcome, Integer httpStatus, String message,
                             Instant attemptedAt, long durationMs, Duration retryAfter, FailureKind failure,
                             DisableSignal disable) {

    /** An attempt that asks nothing of its repeater. */
    public DeliveryResult(long recordId, RecordState outcome, Integer httpStatus, String message,
                          Instant attemptedAt, long durationMs, Duration retryAfter, FailureKind failure) {
        this(recordId, outcome, httpStatus, message, attemptedAt, durationMs, retryAfter, failure, null);
    }

    /** An attempt the endpoint answered. */
    public DeliveryResult(long recordId, RecordState outcome, Integer httpStatus, String message,
                          Instant attemptedAt, long durationMs, Duration retryAfter) {
        this(recordId, outcome, httpStatus, message, attemptedAt, durationMs, retryAfter, null);
    }

    /**
     * The endpoint said "too many requests" (429): the sender is too fast, the record is not at
     * fault. It slows the repeater down instead of backing it off, and does not count toward the
     * record's maximum attempts.
     */
    public boolean throttled() {
        return httpStatus != null && httpStatus == 429;
    }

    /** The endpoint is overloaded (429 or 503): fewer requests at once will help. */
    public boolean overloaded() {
        return httpStatus != null && (httpStatus == 429 || httpStatus == 503);
    }

    /** No answer within the request's timeout (it held its slot for the whole timeout). */
    public boolean timedOut() {
        return failure == FailureKind.TIMEOUT;
    }
}
