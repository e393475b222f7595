package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DeliveryResult;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Repeaters whose last batch was slow in this process: a request took at least
 * {@code dispatch.slow.threshold} or timed out. Their turns take slots from the slow share
 * ({@link DeliverySlots#tryAcquireSlow}), so endpoints that hang hold at most that share and the
 * rest stays with repeaters that answer. One fast batch clears the mark. Per process: another
 * replica learns it from its own first slow batch. Holds at most one id per repeater.
 */
@ApplicationScoped
public class SlowRepeaters {

    private final long thresholdMs;
    private final Set<Long> slow = ConcurrentHashMap.newKeySet();

    public SlowRepeaters(DispatchConfig config) {
        this.thresholdMs = config.slow().threshold().toMillis();
    }

    public boolean isSlow(long repeaterId) {
        return slow.contains(repeaterId);
    }

    void batchFinished(long repeaterId, List<DeliveryResult> results) {
        if (results.stream().anyMatch(this::slow)) {
            slow.add(repeaterId);
        } else {
            slow.remove(repeaterId);
        }
    }

    private boolean slow(DeliveryResult result) {
        // A timeout held its slot for the repeater's whole timeout, however short that is.
        return result.durationMs() >= thresholdMs || result.timedOut();
    }
}
