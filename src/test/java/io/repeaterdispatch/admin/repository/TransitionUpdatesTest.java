package io.repeaterdispatch.admin.repository;

import io.repeaterdispatch.admin.model.RecordTransition;
import io.repeaterdispatch.core.RecordState;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each transition's states and the one UPDATE it becomes, without a database. */
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
    void updatesClearTheClaimAndGuardOnTheStatesTheyApplyTo() {
        assertEquals("update RepeatRecordEntity r set r.state = 8, r.nextCheck = null, r.claimToken = null, r.updatedAt = :now"
                + " where r.id = :id and r.state in (1, 2)", TransitionUpdates.update(RecordTransition.CANCEL, "r.id = :id"));
        assertEquals("update RepeatRecordEntity r set r.attemptCount = 0, r.state = 1, r.nextCheck = :now, r.claimToken = null,"
                + " r.updatedAt = :now where r.id = :id and r.state in (4, 16)", TransitionUpdates.update(RecordTransition.RESEND, "r.id = :id"));
        String requeue = TransitionUpdates.update(RecordTransition.REQUEUE, "r.id = :id");
        assertTrue(requeue.contains("r.attemptCount = case when r.state = 2 then r.attemptCount else 0 end"), "a failed record keeps its count: " + requeue);
        assertTrue(requeue.endsWith("(r.state in (8, 32) or (r.state = 2 and (r.claimToken is null or r.nextCheck <= :now)))"),
                "a failed record held by a sender is not requeued: " + requeue);
    }
}
