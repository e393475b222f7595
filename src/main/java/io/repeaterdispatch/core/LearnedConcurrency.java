package io.repeaterdispatch.core;

import io.smallrye.mutiny.Uni;

/** A repeater's adaptive concurrency as the dispatch side learned it (kept in Redis, shared by every replica). */
public interface LearnedConcurrency {

    /** The concurrency learned for the repeater, or null when nothing is learned: it runs at its batch size. */
    Uni<Integer> of(long repeaterId);
}
