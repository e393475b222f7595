package io.repeaterdispatch.admin.repository;

import io.repeaterdispatch.admin.model.RecordTransition;
import io.repeaterdispatch.core.RecordState;

import java.util.EnumSet;

import static io.repeaterdispatch.core.RecordState.CANCELLED;
import static io.repeaterdispatch.core.RecordState.EMPTY;
import static io.repeaterdispatch.core.RecordState.FAILED;
import static io.repeaterdispatch.core.RecordState.INVALID_PAYLOAD;
import static io.repeaterdispatch.core.RecordState.PENDING;
import static io.repeaterdispatch.core.RecordState.SUCCEEDED;

/**
 * Each record transition as one SQL statement over the queue ({@code repeat_record}) and history
 * ({@code repeat_record_history}), so a bulk change is one statement: a record that leaves the
 * queue moves to history with its id (delete and insert together), one that is queued again moves
 * back. Each statement answers how many records it changed. A queued record's claim token is
 * cleared (or its row gone), so a dispatcher still holding it cannot overwrite the operator's
 * decision; a failed record that a dispatcher holds right now is not requeued: that would send it
 * twice at once.
 */
final class TransitionUpdates {

    private static final String TO_HISTORY = """
            INSERT INTO repeat_record_history (id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
                                               attempt_count, finished_at, event_type, traceparent)
            SELECT id, domain, repeater_id, payload_id, payload, content_type, %d, registered_at, attempt_count, :now, event_type,
                   traceparent
              FROM moved""";

    private static final String TO_QUEUE = """
            INSERT INTO repeat_record (id, domain, repeater_id, payload_id, payload, content_type, state, registered_at, next_check,
                                       attempt_count, updated_at, event_type, traceparent)
            SELECT id, domain, repeater_id, payload_id, payload, content_type, %d, registered_at, :now, 0, :now, event_type,
                   traceparent
              FROM moved""";

    private TransitionUpdates() {
    }

    /**
     * The statement taking the records matching {@code filter} (SQL over alias r, columns common to
     * queue and history) through the transition; it selects the number changed.
     */
    static String statement(RecordTransition transition, String filter) {
        return switch (transition) {
            case CANCEL -> """
                    WITH moved AS (
                        DELETE FROM repeat_record r WHERE %s AND r.state IN (%s) RETURNING r.*
                    ), archived AS (
                    %s
                        RETURNING 1
                    )
                    SELECT count(*) FROM archived""".formatted(filter, states(PENDING, FAILED), TO_HISTORY.formatted(CANCELLED.code));
            case REQUEUE -> """
                    WITH failed AS (
                        UPDATE repeat_record r SET next_check = :now, claim_token = NULL, lease_until = NULL, updated_at = :now
                         WHERE %s AND r.state = %d AND (r.claim_token IS NULL OR r.lease_until <= :now)
                        RETURNING 1
                    ), moved AS (
                        DELETE FROM repeat_record_history r WHERE %s AND r.state IN (%s) RETURNING r.*
                    ), queued AS (
                    %s
                        RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM failed) + (SELECT count(*) FROM queued)"""
                    .formatted(filter, FAILED.code, filter, states(CANCELLED, INVALID_PAYLOAD), TO_QUEUE.formatted(FAILED.code));
            case RESEND -> """
                    WITH moved AS (
                        DELETE FROM repeat_record_history r WHERE %s AND r.state IN (%s) RETURNING r.*
                    ), queued AS (
                    %s
                        RETURNING 1
                    )
                    SELECT count(*) FROM queued""".formatted(filter, states(SUCCEEDED, EMPTY), TO_QUEUE.formatted(PENDING.code));
        };
    }

    private static String states(RecordState first, RecordState... rest) {
        return RecordState.sqlList(EnumSet.of(first, rest));
    }
}
