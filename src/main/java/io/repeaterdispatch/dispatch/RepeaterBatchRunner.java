package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.delivery.HttpSender;
import io.repeaterdispatch.lock.RepeaterLock;
import io.repeaterdispatch.store.Claim;
import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.store.ReadyRepeater;
import io.repeaterdispatch.store.ClaimGroups;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * One turn of one repeater: under its lock, claim its oldest due records (at most the slots
 * granted), send them all in parallel, record every outcome and the repeater's backoff in one
 * statement.
 *
 * <p>Log lines carry their ids as key=value pairs in the message (repeater=, domain=, record=), the
 * convention of every dispatch log line, rather than in the MDC: JBoss MDC is thread-local, and a
 * batch's steps run on whichever event loop the Redis, PostgreSQL and HTTP clients call back on,
 * interleaved with other batches on the same thread, so MDC values would leak onto other batches'
 * lines; Quarkus' Vert.x-context MDC only follows one duplicated context, which those clients'
 * callbacks do not all keep. Key=value survives both the text and the JSON format.
 */
@ApplicationScoped
public class RepeaterBatchRunner {

    private static final Logger LOG = Logger.getLogger(RepeaterBatchRunner.class);

    private final RepeaterLock lock;
    private final ClaimGroups claims;
    private final HttpSender sender;
    private final OutcomeRecorder recorder;
    private final DeliverySlots slots;
    private final DispatchEvents events;
    private final SlowRepeaters slow;
    private final DispatchClock clock;
    private final DispatchConfig config;
    private final HeldClaims held;

    public RepeaterBatchRunner(RepeaterLock lock, ClaimGroups claims, HttpSender sender, OutcomeRecorder recorder,
                               DeliverySlots slots, DispatchEvents events, SlowRepeaters slow, DispatchClock clock,
                               DispatchConfig config, HeldClaims held) {
        this.lock = lock;
        this.claims = claims;
        this.held = held;
        this.sender = sender;
        this.recorder = recorder;
        this.slots = slots;
        this.events = events;
        this.slow = slow;
        this.clock = clock;
        this.config = config;
    }

    /**
     * Runs a turn holding {@code granted} slots (taken from the slow share when {@code slowSlots});
     * every slot is returned by the time the Uni ends. It never fails, and emits true when the
     * repeater still has due records (it should go straight back into the rotation).
     */
    public Uni<Boolean> run(ReadyRepeater repeater, int granted, boolean slowSlots) {
        AtomicInteger held = new AtomicInteger(granted);
        IntConsumer release = slowSlots ? slots::releaseSlow : slots::release;
        return lock.runExclusive(repeater.id(), () -> {
                    events.lockAcquired(repeater.id());
                    return claimSendRecord(repeater, held, release);
                })
                .map(done -> done.orElseGet(() -> {
                    LOG.debugf("lock skipped repeater=%d domain=%s: another batch holds it", repeater.id(), repeater.domain());
                    events.lockSkipped(repeater.id());
                    return false;
                }))
                .onFailure().recoverWithItem(error -> {
                    if (error instanceof RepeaterLock.LockUnavailableException) {
                        // RedisAvailability logs the outage once; one line per turn would flood the log.
                        LOG.debugf("turn skipped repeater=%d domain=%s: %s", repeater.id(), repeater.domain(), error.getMessage());
                    } else {
                        LOG.warnf("batch aborted repeater=%d domain=%s error=%s", repeater.id(), repeater.domain(), error.toString());
                    }
                    return false;
                })
                .eventually(() -> release.accept(held.getAndSet(0)));
    }

    private Uni<Boolean> claimSendRecord(ReadyRepeater repeater, AtomicInteger slotsHeld, IntConsumer release) {
        long started = System.nanoTime();
        int limit = slotsHeld.get();
        return claims.claim(repeater.id(), limit, config.claimLease(), config.processRepeatersDefault())
                .flatMap(found -> {
                    int claimed = found.map(c -> c.records().size()).orElse(0);
                    slotsHeld.addAndGet(claimed - limit);
                    release.accept(limit - claimed);
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    Claim claim = found.get();
                    held.add(claim);
                    return sendAll(claim, slotsHeld, release)
                            .flatMap(results -> recorder.record(claim, results, DispatchListener.Path.REPEATER)
                                    .invoke(update -> finished(repeater, results, update.backedOff(), System.nanoTime() - started)))
                            .map(update -> !update.backedOff() && claim.more())
                            .onTermination().invoke(() -> held.remove(claim));
                });
    }

    private void finished(ReadyRepeater repeater, List<DeliveryResult> results, boolean backedOff, long nanos) {
        int succeeded = 0, failed = 0, invalid = 0;
        for (DeliveryResult result : results) {
            switch (result.outcome()) {
                case SUCCEEDED, EMPTY -> succeeded++;
                case INVALID_PAYLOAD -> invalid++;
                default -> failed++;
            }
        }
        LOG.infof("batch finished repeater=%d domain=%s records=%d succeeded=%d failed=%d invalid=%d backed_off=%s duration_ms=%d",
                repeater.id(), repeater.domain(), results.size(), succeeded, failed, invalid, backedOff, nanos / 1_000_000);
        slow.batchFinished(repeater.id(), results);
        events.batchFinished(repeater.id(), results, backedOff, nanos);
    }

    /** All records at once; each frees its slot as soon as its answer is in. */
    private Uni<List<DeliveryResult>> sendAll(Claim claim, AtomicInteger slotsHeld, IntConsumer release) {
        List<Uni<DeliveryResult>> sends = new ArrayList<>(claim.records().size());
        for (ClaimedRecord record : claim.records()) {
            sends.add(events.aroundRequest(DispatchListener.Path.REPEATER, sender.send(claim.endpoint(), record)).invoke(() -> {
                slotsHeld.decrementAndGet();
                release.accept(1);
            }));
        }
        return Uni.join().all(sends).andFailFast();
    }
}
