package io.repeaterdispatch.admin.repository;

import io.repeaterdispatch.admin.model.RecordTransition;
import io.repeaterdispatch.core.RecordState;

import static io.repeaterdispatch.core.RecordState.CANCELLED;
import static io.repeaterdispatch.core.RecordState.EMPTY;
import static io.repeaterdispatch.core.RecordState.FAILED;
import static io.repeaterdispatch.core.RecordState.INVALID_PAYLOAD;
import static io.repeaterdispatch.core.RecordState.PENDING;
import static io.repeaterdispatch.core.RecordState.SUCCEEDED;

/**
 * Each record transition as one HQL update, so a bulk change is one statement. Each clears the
 * claim token, so a dispatcher still holding the record cannot overwrite the operator's decision.
 * A failed record that a dispatcher holds right now is not requeued: that would send it twice at once.
 */
final class TransitionUpdates {

    private TransitionUpdates() {
    }

    /** An update of the records matching {@code filter} (HQL over alias r) that the transition applies to. */
    static String update(RecordTransition transition, String filter) {
        return "update RepeatRecordEntity r set " + set(transition) + " where " + filter + " and " + guard(transition);
    }

    private static String set(RecordTransition transition) {
        return switch (transition) {
            case REQUEUE -> "r.attemptCount = case when r.state = %1$d then r.attemptCount else 0 end, "
                    .formatted(FAILED.code) + "r.state = %d, r.nextCheck = :now, r.claimToken = null, r.updatedAt = :now"
                    .formatted(FAILED.code);
            case RESEND -> "r.attemptCount = 0, r.state = %d, r.nextCheck = :now, r.claimToken = null, r.updatedAt = :now"
                    .formatted(PENDING.code);
            case CANCEL -> "r.state = %d, r.nextCheck = null, r.claimToken = null, r.updatedAt = :now".formatted(CANCELLED.code);
        };
    }

    private static String guard(RecordTransition transition) {
        return switch (transition) {
            case REQUEUE -> "(r.state in (%d, %d) or (r.state = %d and (r.claimToken is null or r.nextCheck <= :now)))"
                    .formatted(CANCELLED.code, INVALID_PAYLOAD.code, FAILED.code);
            case RESEND -> "r.state in (%d, %d)".formatted(SUCCEEDED.code, EMPTY.code);
            case CANCEL -> "r.state in (%s)".formatted(RecordState.sqlList(RecordState.QUEUED));
        };
    }
}
