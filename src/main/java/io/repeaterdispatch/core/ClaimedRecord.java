package io.repeaterdispatch.core;

/**
 * A record leased to one sender; attemptCount is the count before this attempt.
 *
 * @param traceparent the W3C traceparent it was enqueued with ({@link TraceParent}), or null: its
 *                    deliveries continue that trace
 */
public record ClaimedRecord(long id, String payloadId, String payload, String contentType, int attemptCount, String traceparent) {

    /** A record enqueued outside any trace. */
    public ClaimedRecord(long id, String payloadId, String payload, String contentType, int attemptCount) {
        this(id, payloadId, payload, contentType, attemptCount, null);
    }

    @Override
    public String toString() {
        return "ClaimedRecord[id=" + id + ", payloadId=" + payloadId + ", attempts=" + attemptCount + "]";
    }
}
