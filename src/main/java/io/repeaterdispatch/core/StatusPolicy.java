package io.repeaterdispatch.core;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A repeater's own reading of some HTTP status codes, over the default classification
 * (delivery.OutcomeClassifier): a code in {@code retry} is a retryable failure, a code in
 * {@code invalidPayload} an invalid payload (not retried). Stored in repeater.retry_status_codes
 * and repeater.invalid_status_codes (migrations/V12). The admin API keeps every code within
 * 300-599 and in one list only; should a code be in both anyway (a row edited by hand), retry
 * wins: a record retried in vain costs less than one dropped.
 *
 * @param retry          codes that are a retryable failure for this repeater, sorted
 * @param invalidPayload codes that are an invalid payload for this repeater, sorted
 */
public record StatusPolicy(Set<Integer> retry, Set<Integer> invalidPayload) {

    /** No code of its own: the default classification throughout. */
    public static final StatusPolicy EMPTY = new StatusPolicy(Set.of(), Set.of());

    public StatusPolicy {
        retry = sorted(retry);
        invalidPayload = sorted(invalidPayload);
    }

    /** The policy of these codes ({@link #EMPTY} when both are empty); null elements are left out. */
    public static StatusPolicy of(Collection<? extends Number> retry, Collection<? extends Number> invalidPayload) {
        if (retry.isEmpty() && invalidPayload.isEmpty()) {
            return EMPTY;
        }
        return new StatusPolicy(ints(retry), ints(invalidPayload));
    }

    public boolean isEmpty() {
        return retry.isEmpty() && invalidPayload.isEmpty();
    }

    /** Whether this repeater retries {@code status} whatever the default says. */
    public boolean retries(int status) {
        return retry.contains(status);
    }

    /** Whether this repeater takes {@code status} as an invalid payload whatever the default says. */
    public boolean rejectsPayload(int status) {
        return invalidPayload.contains(status);
    }

    private static Set<Integer> ints(Collection<? extends Number> codes) {
        Set<Integer> ints = new TreeSet<>();
        codes.stream().filter(Objects::nonNull).forEach(code -> ints.add(code.intValue()));
        return ints;
    }

    private static Set<Integer> sorted(Set<Integer> codes) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(codes));
    }
}
