package io.repeaterdispatch.core;

/** A record leased to one sender; attemptCount is the count before this attempt. */
public record ClaimedRecord(long id, String payloadId, String payload, String contentType, int attemptCount) {

    @Override
    public String toString() {
        return "ClaimedRecord[id=" + id + ", payloadId=" + payloadId + ", attempts=" + attemptCount + "]";
    }
}
