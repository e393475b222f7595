package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.lock.RepeaterLock;
import io.repeaterdispatch.store.ClaimRelease;
import io.repeaterdispatch.store.Lease;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * Shutdown of both dispatch paths: stop taking new work, give the deliveries in flight
 * {@code dispatch.shutdown-grace} to finish and record their outcomes, then abandon the rest:
 * their records are handed back (due at once, instead of when their lease ends) and their
 * repeaters' locks released, so another replica can take over right away.
 * An abandoned request may still reach its endpoint: delivery is at-least-once, and the record's
 * Idempotency-Key stays the same on the next attempt.
 *
 * <p>Runs on the thread that stops Quarkus (blocking is fine there), in the ShutdownEvent, which
 * Quarkus fires before it closes the reactive pool, the Redis client, the HTTP client and Vert.x.
 */
@ApplicationScoped
public class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);
    /** Bound of each hand-back step (one UPDATE, one Redis round of deletes), so shutdown always ends. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(5);
    /** Longest the hand-back after the grace can take (both steps); k8s' termination grace must cover it. */
    public static final Duration HAND_BACK_BOUND = STEP_TIMEOUT.multipliedBy(2);

    /**
     * @param finished        records whose outcome was written during the grace
     * @param abandoned       records still in flight when the grace ended
     * @param recordsReleased abandoned records handed back (due now); fewer if some finished meanwhile
     * @param locksReleased   repeater locks deleted because their batch was abandoned
     */
    public record Report(long finished, int abandoned, int recordsReleased, int locksReleased) {
    }

    private final RepeaterDispatchLoop loop;
    private final LegacyRecordDispatcher legacy;
    private final DeliverySlots slots;
    private final HeldClaims held;
    private final ClaimRelease claimRelease;
    private final RepeaterLock lock;
    private final DispatchClock clock;
    private final LeaseHeartbeat heartbeat;
    private final Duration grace;
    private volatile boolean stopped;
    private Report report;

    public ShutdownDrain(RepeaterDispatchLoop loop, LegacyRecordDispatcher legacy, DeliverySlots slots, HeldClaims held,
                         ClaimRelease claimRelease, RepeaterLock lock, DispatchClock clock, LeaseHeartbeat heartbeat,
                         DispatchConfig config) {
        this.loop = loop;
        this.legacy = legacy;
        this.slots = slots;
        this.held = held;
        this.claimRelease = claimRelease;
        this.lock = lock;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.grace = config.shutdownGrace();
    }

    /** True once dispatch has stopped taking new work. */
    public boolean stopped() {
        return stopped;
    }

    /** Stops both paths and drains them; at most grace + {@link #HAND_BACK_BOUND}. Runs once; later calls return its report. */
    public synchronized Report drain() {
        if (report != null) {
            return report;
        }
        loop.stop();
        legacy.stop();
        stopped = true;
        long endedBefore = held.recordsEnded();
        if (busy()) {
            LOG.infof("shutdown: stopped taking batches; waiting up to %s for %d records in flight", grace, held.records());
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (busy() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // The grace's requests kept their leases; the abandoned ones are handed back below.
        heartbeat.stop();
        List<Lease> abandoned = held.snapshot();
        long finished = held.recordsEnded() - endedBefore;
        int recordsReleased = abandoned.isEmpty() ? 0 : handBack("records", claimRelease.release(abandoned, clock.now()));
        int locksReleased = lock.held() == 0 ? 0 : handBack("locks", lock.releaseAll());
        report = new Report(finished, abandoned.size(), recordsReleased, locksReleased);
        if (abandoned.isEmpty() && locksReleased == 0) {
            LOG.infof("shutdown: finished %d, abandoned 0", finished);
        } else {
            LOG.warnf("shutdown: finished %d, abandoned %d after %s: %d records due again now, %d repeater locks released",
                    finished, abandoned.size(), grace, recordsReleased, locksReleased);
        }
        return report;
    }

    private boolean busy() {
        return slots.inFlight() > 0 || loop.activeTurns() > 0 || held.records() > 0;
    }

    /** A failed hand-back is only logged: those records come back when their lease ends, those locks when their TTL does. */
    private int handBack(String what, Uni<Integer> step) {
        try {
            return step.await().atMost(STEP_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("shutdown: could not hand back %s (%s); they come back by themselves when their lease or TTL ends",
                    what, e.toString());
            return 0;
        }
    }
}
