package io.repeaterdispatch.lock;

/** Redis' answer to a {@link TurnRequest}. */
public sealed interface TurnAdmission {

    /**
     * The lock is ours; send at most {@code granted} records (the repeater's concurrency is
     * {@code concurrency}); {@code reservedMs} of the domain's budget is held for the turn.
     */
    record Admitted(int granted, int concurrency, long reservedMs) implements TurnAdmission {
    }

    /** Another batch, of this replica or another, holds the repeater's lock. */
    record Locked() implements TurnAdmission {
    }

    /** The domain spent its budget of remote time; its window frees in {@code waitMs}. */
    record OverBudget(long waitMs) implements TurnAdmission {
    }

    /** The repeater is at its rate (configured, or learned from 429s): ask again in {@code waitMs}. */
    record MustWait(long waitMs) implements TurnAdmission {
    }
}
