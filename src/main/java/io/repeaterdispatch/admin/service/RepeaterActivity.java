package io.repeaterdispatch.admin.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

/**
 * What a repeater's endpoint did lately: its delivery attempts of the last hour by outcome, and the
 * latest of them. Read from the attempts of the records the repeater touched in that hour (queued
 * records written since, records finished since), the newest {@code RepeaterRepository.ACTIVITY_CAP}
 * of each kind: {@code complete} is false when a busier repeater went past that, and the counts are
 * then a lower bound.
 */
public record RepeaterActivity(long repeaterId,
                               @Schema(description = "start of the window: an hour before now") Instant since,
                               @Schema(description = "attempts since `since` by outcome: failed, succeeded, empty, invalid_payload (zero included)")
                               Map<String, Long> attempts,
                               @Schema(description = "the latest attempt in the window; null: none", nullable = true) LastAttempt lastAttempt,
                               @Schema(description = "false: the repeater touched more records in the hour than are read, "
                                       + "and the counts are a lower bound") boolean complete) {

    public record LastAttempt(@Schema(description = "failed, succeeded, empty or invalid_payload") String state,
                              @Schema(description = "null: no answer (connection error, timeout)", nullable = true) Integer httpStatus,
                              Instant at) {
    }
}
