package io.repeaterdispatch.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * What one attempt to send one record produced.
 *
 * @param outcome    SUCCEEDED, EMPTY, FAILED (retryable) or INVALID_PAYLOAD (not retried)
 * @param httpStatus null when no response arrived (timeout, connection error)
 * @param message    response excerpt or error, short
 * @param retryAfter the endpoint's Retry-After on 429/503, else null
 */
public record DeliveryResult(long recordId, RecordState outcome, Integer httpStatus, String message,
                             Instant attemptedAt, long durationMs, Duration retryAfter) {

    /** How HttpSender's message starts when no answer came within the timeout. */
    static final String TIMEOUT = "timeout";

    /** No answer within the request's timeout (it held its slot for the whole timeout). */
    public boolean timedOut() {
        return httpStatus == null && message != null && message.startsWith(TIMEOUT);
    }
}
