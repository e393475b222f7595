package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RepeaterDisabled;
import io.repeaterdispatch.store.ReadyRepeater;

import java.util.List;

/** Dispatch events; feeds the metrics and lets tests wait on what happened instead of sleeping. */
public interface DispatchListener {

    enum Path { REPEATER, LEGACY }

    /** The loop's ready query found this many repeaters. */
    default void readyRefreshed(int readyRepeaters) {
    }

    /** The rotation picked this repeater for a turn (before its lock and claim). */
    default void turnStarted(ReadyRepeater repeater, int slots) {
    }

    /** A turn took the repeater's lock (it may still find nothing to claim). */
    default void lockAcquired(long repeaterId) {
    }

    /** A turn found the repeater's lock held by another batch and skipped it. */
    default void lockSkipped(long repeaterId) {
    }

    /** A turn was refused because the repeater's domain spent its budget of remote time; its window frees in waitMs. */
    default void domainOverBudget(String domain, long waitMs) {
    }

    /** A turn was refused because the repeater is at its rate (configured, or learned from 429s). */
    default void rateLimited(long repeaterId, long waitMs) {
    }

    /** The repeater's adaptive concurrency changed after a turn. */
    default void concurrencyChanged(long repeaterId, String domain, int from, int to, int max) {
    }

    /** The loop held a repeater back because its domain holds its share of the slots while others wait. */
    default void domainShareReached(String domain) {
    }

    /** A delivery request is being sent, on either path. */
    default void requestStarted(Path path) {
    }

    /** A delivery request ended, however (answer, error, timeout, cancellation); its result may not be recorded yet. */
    default void requestEnded(Path path) {
    }

    /** A per-repeater batch was sent and recorded. */
    default void batchFinished(long repeaterId, List<DeliveryResult> results, boolean backedOff, long nanos) {
    }

    /** One attempt was recorded, on either path, for a repeater of {@code domain}. */
    default void attemptRecorded(Path path, long repeaterId, String domain, DeliveryResult result) {
    }

    /** A result write disabled a repeater (committed, audited); its operator notification, if any, is on its way. */
    default void repeaterDisabled(RepeaterDisabled disabled) {
    }
}
