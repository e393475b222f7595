package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.admin.entity.AttemptEntity;
import io.repeaterdispatch.admin.entity.RepeatRecordEntity;
import io.repeaterdispatch.core.RecordState;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** Records as the API shows them: summaries in lists, the full record with its attempts alone. */
public final class RecordViews {

    public record AttemptView(long id, String state, Integer httpStatus, String message, int durationMs, Instant at) {
    }

    public record RecordSummary(long id, long repeaterId, String domain, String payloadId,
                                @Schema(description = "the event type a fan-out queued it for; null: enqueued per repeater", nullable = true)
                                String eventType, String state,
                                int attemptCount, Instant nextCheck, Instant registeredAt, Instant updatedAt) {
    }

    public record RecordView(long id, long repeaterId, String domain, String payloadId,
                             @Schema(description = "the event type a fan-out queued it for; null: enqueued per repeater", nullable = true)
                             String eventType, String contentType, String state,
                             int stateCode, int attemptCount, Instant nextCheck, Instant registeredAt, Instant updatedAt,
                             List<AttemptView> attempts) {
    }

    private RecordViews() {
    }

    static RecordSummary summary(RepeatRecordEntity r) {
        return new RecordSummary(r.id, r.repeaterId, r.domain, r.payloadId, r.eventType, RecordState.of(r.state).apiName(), r.attemptCount,
                r.nextCheck, r.registeredAt, r.updatedAt);
    }

    static RecordView view(RepeatRecordEntity r, List<AttemptEntity> attempts) {
        return new RecordView(r.id, r.repeaterId, r.domain, r.payloadId, r.eventType, r.contentType, RecordState.of(r.state).apiName(), r.state,
                r.attemptCount, r.nextCheck, r.registeredAt, r.updatedAt,
                attempts.stream().map(a -> new AttemptView(a.id, RecordState.of(a.state).apiName(), a.httpStatus, a.message,
                        a.durationMs, a.createdAt)).toList());
    }
}
