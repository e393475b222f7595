package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.delivery.DeliveryResult;
import io.repeaterdispatch.store.ReadyRepeater;

import java.util.List;

/** Dispatch events; feeds the metrics and lets tests wait on what happened instead of sleeping. */
public interface DispatchListener {

    enum Path { REPEATER, LEGACY }

    default void readyRefreshed(int readyRepeaters) {
    }

    /** The rotation picked this repeater for a turn (before its lock and claim). */
    default void turnStarted(ReadyRepeater repeater, int slots) {
    }

    default void lockSkipped(long repeaterId) {
    }

    /** A per-repeater batch was sent and recorded. */
    default void batchFinished(long repeaterId, List<DeliveryResult> results, boolean backedOff, long nanos) {
    }

    /** One attempt was recorded, on either path. */
    default void attemptRecorded(Path path, DeliveryResult result) {
    }
}
