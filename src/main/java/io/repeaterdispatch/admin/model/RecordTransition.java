package io.repeaterdispatch.admin.model;

import io.repeaterdispatch.core.RecordState;

import java.util.EnumSet;
import java.util.Set;

import static io.repeaterdispatch.core.RecordState.CANCELLED;
import static io.repeaterdispatch.core.RecordState.EMPTY;
import static io.repeaterdispatch.core.RecordState.FAILED;
import static io.repeaterdispatch.core.RecordState.INVALID_PAYLOAD;
import static io.repeaterdispatch.core.RecordState.PENDING;
import static io.repeaterdispatch.core.RecordState.SUCCEEDED;

/**
 * What an operator can do to records. Semantics follow the seed: requeue gives a cancelled or
 * rejected record a fresh set of tries (and makes a failed one due now); resend sends a delivered
 * record again; cancel stops a queued one. Each is one UPDATE (admin.repository.TransitionUpdates).
 */
public enum RecordTransition {

    REQUEUE("requeue", EnumSet.of(FAILED, CANCELLED, INVALID_PAYLOAD)),
    RESEND("resend", EnumSet.of(SUCCEEDED, EMPTY)),
    CANCEL("cancel", EnumSet.of(PENDING, FAILED));

    public final String verb;
    public final Set<RecordState> from;

    RecordTransition(String verb, Set<RecordState> from) {
        this.verb = verb;
        this.from = from;
    }

    /** Whether a record in this state can take the transition at all (it may still be busy). */
    public boolean appliesTo(RecordState state) {
        return from.contains(state);
    }

    /** Sends records to the dispatcher, so it should look for work. */
    public boolean queues() {
        return this != CANCEL;
    }
}
