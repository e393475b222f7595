package io.repeaterdispatch.admin;

import io.repeaterdispatch.delivery.RecordState;

import java.util.EnumSet;
import java.util.Set;

import static io.repeaterdispatch.delivery.RecordState.CANCELLED;
import static io.repeaterdispatch.delivery.RecordState.EMPTY;
import static io.repeaterdispatch.delivery.RecordState.FAILED;
import static io.repeaterdispatch.delivery.RecordState.INVALID_PAYLOAD;
import static io.repeaterdispatch.delivery.RecordState.PENDING;
import static io.repeaterdispatch.delivery.RecordState.SUCCEEDED;

/**
 * What an operator can do to records, as one HQL update each so a bulk change is one statement.
 * Semantics follow the seed: requeue gives a cancelled or rejected record a fresh set of tries
 * (and makes a failed one due now); resend sends a delivered record again; cancel stops a queued
 * one. Each clears the claim token, so a dispatcher still holding the record cannot overwrite the
 * operator's decision. A failed record that a dispatcher holds right now is not requeued: that
 * would send it twice at once.
 */
enum RecordTransition {

    REQUEUE("requeue", EnumSet.of(FAILED, CANCELLED, INVALID_PAYLOAD), """
            r.attemptCount = case when r.state = 2 then r.attemptCount else 0 end,
            r.state = 2, r.nextCheck = :now, r.claimToken = null, r.updatedAt = :now
            """, "(r.state in (8, 32) or (r.state = 2 and (r.claimToken is null or r.nextCheck <= :now)))"),

    RESEND("resend", EnumSet.of(SUCCEEDED, EMPTY), """
            r.attemptCount = 0, r.state = 1, r.nextCheck = :now, r.claimToken = null, r.updatedAt = :now
            """, "r.state in (4, 16)"),

    CANCEL("cancel", EnumSet.of(PENDING, FAILED), """
            r.state = 8, r.nextCheck = null, r.claimToken = null, r.updatedAt = :now
            """, "r.state in (1, 2)");

    final String verb;
    final Set<RecordState> from;
    private final String set;
    private final String guard;

    RecordTransition(String verb, Set<RecordState> from, String set, String guard) {
        this.verb = verb;
        this.from = from;
        this.set = set;
        this.guard = guard;
    }

    /** An update of the records matching {@code filter} (HQL over alias r) that this transition applies to. */
    String update(String filter) {
        return "update RepeatRecordEntity r set " + set.strip() + " where " + filter + " and " + guard;
    }

    /** Whether a record in this state can take the transition at all (it may still be busy). */
    boolean appliesTo(RecordState state) {
        return from.contains(state);
    }

    /** Sends records to the dispatcher, so it should look for work. */
    boolean queues() {
        return this != CANCEL;
    }
}
