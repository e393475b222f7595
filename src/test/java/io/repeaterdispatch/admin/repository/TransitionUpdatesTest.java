package io.repeaterdispatch.admin.repository;

import io.repeaterdispatch.admin.model.RecordTransition;
import io.repeaterdispatch.core.RecordState;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each transition's states and the one statement it becomes, without a database. */
class TransitionUpdatesTest {

    @Test
    void eachTransitionAppliesToTheSeedsStates() {
        assertEquals(EnumSet.of(RecordState.FAILED, RecordState.CANCELLED, RecordState.INVALID_PAYLOAD), RecordTransition.REQUEUE.from);
        assertEquals(EnumSet.of(RecordState.SUCCEEDED, RecordState.EMPTY), RecordTransition.RESEND.from);
        assertEquals(RecordState.QUEUED, RecordTransition.CANCEL.from);
        assertTrue(RecordTransition.REQUEUE.queues() && RecordTransition.RESEND.queues());
        assertFalse(RecordTransition.CANCEL.queues(), "a cancel queues nothing, so it wakes no one");
    }

    @Test
    void eachStatementMovesRecordsBetweenQueueAndHistoryGuardedByTheStatesItAppliesTo() {
        String cancel = TransitionUpdates.statement(RecordTransition.CANCEL, "r.id = :id");
        assertTrue(cancel.contains("DELETE FROM repeat_record r WHERE r.id = :id AND r.state IN (1, 2)"), cancel);
        assertTrue(cancel.contains("INSERT INTO repeat_record_history") && cancel.contains("content_type, 8, registered_at"),
                "cancelled into history: " + cancel);

        String resend = TransitionUpdates.statement(RecordTransition.RESEND, "r.id = :id");
        assertTrue(resend.contains("DELETE FROM repeat_record_history r WHERE r.id = :id AND r.state IN (4, 16)"), resend);
        assertTrue(resend.contains("INSERT INTO repeat_record (") && resend.contains("content_type, 1, registered_at, :now, 0, :now"),
                "back in the queue as pending with a fresh count: " + resend);

        String requeue = TransitionUpdates.statement(RecordTransition.REQUEUE, "r.id = :id");
        assertTrue(requeue.contains("WHERE r.id = :id AND r.state = 2 AND (r.claim_token IS NULL OR r.lease_until <= :now)"),
                "a failed record held by a sender is not requeued: " + requeue);
        assertFalse(requeue.contains("attempt_count = "), "a failed record keeps its count: " + requeue);
        assertTrue(requeue.contains("DELETE FROM repeat_record_history r WHERE r.id = :id AND r.state IN (8, 32)")
                && requeue.contains("content_type, 2, registered_at, :now, 0, :now"), "cancelled and invalid come back failed: " + requeue);
    }
}
