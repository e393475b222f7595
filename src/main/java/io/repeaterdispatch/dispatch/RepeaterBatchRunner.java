package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.delivery.DeliveryResult;
import io.repeaterdispatch.delivery.HttpSender;
import io.repeaterdispatch.lock.RepeaterLock;
import io.repeaterdispatch.store.Claim;
import io.repeaterdispatch.store.ClaimedRecord;
import io.repeaterdispatch.store.ReadyRepeater;
import io.repeaterdispatch.store.RecordClaims;
import io.repeaterdispatch.store.RecordResult;
import io.repeaterdispatch.store.RepeaterUpdate;
import io.repeaterdispatch.store.ResultWriter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One turn of one repeater: lock it, claim its oldest due records (at most the slots granted),
 * send them all in parallel, write every outcome and the repeater's backoff in one statement,
 * unlock. The lock is extended while the batch runs, and released whatever happens.
 */
@ApplicationScoped
public class RepeaterBatchRunner {

    private static final Logger LOG = Logger.getLogger(RepeaterBatchRunner.class);

    /** How a turn ended; {@code mayHaveMore} puts the repeater straight back into the rotation. */
    public record Report(int claimed, boolean backedOff, boolean mayHaveMore) {
        static final Report NOTHING = new Report(0, false, false);
    }

    private final RepeaterLock lock;
    private final RecordClaims claims;
    private final HttpSender sender;
    private final ResultWriter writer;
    private final RecordRetryPolicy retryPolicy;
    private final RepeaterBackoffPolicy backoffPolicy;
    private final DeliverySlots slots;
    private final DispatchEvents events;
    private final DispatchClock clock;
    private final DispatchConfig config;
    private final Vertx vertx;

    public RepeaterBatchRunner(RepeaterLock lock, RecordClaims claims, HttpSender sender, ResultWriter writer,
                               RecordRetryPolicy retryPolicy, RepeaterBackoffPolicy backoffPolicy, DeliverySlots slots,
                               DispatchEvents events, DispatchClock clock, DispatchConfig config, Vertx vertx) {
        this.lock = lock;
        this.claims = claims;
        this.sender = sender;
        this.writer = writer;
        this.retryPolicy = retryPolicy;
        this.backoffPolicy = backoffPolicy;
        this.slots = slots;
        this.events = events;
        this.clock = clock;
        this.config = config;
        this.vertx = vertx;
    }

    /** Runs a turn holding {@code granted} slots; every slot is returned by the time the Uni ends. It never fails. */
    public Uni<Report> run(ReadyRepeater repeater, int granted) {
        AtomicInteger held = new AtomicInteger(granted);
        return lock.tryAcquire(repeater.id())
                .flatMap(acquired -> acquired.isEmpty() ? skipLocked(repeater) : runLocked(repeater, acquired.get(), held))
                .onFailure().recoverWithItem(error -> {
                    LOG.warnf("repeater %d (%s): batch aborted: %s", repeater.id(), repeater.domain(), error.toString());
                    return Report.NOTHING;
                })
                .eventually(() -> slots.release(held.getAndSet(0)));
    }

    private Uni<Report> skipLocked(ReadyRepeater repeater) {
        events.lockSkipped(repeater.id());
        return Uni.createFrom().item(Report.NOTHING);
    }

    private Uni<Report> runLocked(ReadyRepeater repeater, RepeaterLock.Held held, AtomicInteger slotsHeld) {
        long started = System.nanoTime();
        long every = Math.max(1, lock.ttlMs() / 3);
        long watchdog = vertx.setPeriodic(every, t -> lock.extend(held).subscribe().with(
                stillOurs -> {
                    if (!stillOurs) {
                        LOG.warnf("repeater %d: lock lost while its batch was running", repeater.id());
                    }
                },
                error -> LOG.warnf("repeater %d: lock extension failed: %s", repeater.id(), error.toString())));
        int limit = slotsHeld.get();
        return claims.claimBatch(repeater.id(), clock.now(), limit, config.claimLease(), config.processRepeatersDefault())
                .flatMap(claim -> {
                    int claimed = claim.map(c -> c.records().size()).orElse(0);
                    int unused = limit - claimed;
                    slotsHeld.addAndGet(-unused);
                    slots.release(unused);
                    if (claimed == 0) {
                        return Uni.createFrom().item(Report.NOTHING);
                    }
                    return sendAll(claim.get(), slotsHeld)
                            .flatMap(results -> record(claim.get(), results, started))
                            .map(backedOff -> new Report(claimed, backedOff, !backedOff && claim.get().more()));
                })
                .eventually(() -> {
                    vertx.cancelTimer(watchdog);
                    return lock.release(held).onFailure().recoverWithNull();
                });
    }

    /** All records at once; each frees its slot as soon as its answer is in. */
    private Uni<List<DeliveryResult>> sendAll(Claim claim, AtomicInteger slotsHeld) {
        List<Uni<DeliveryResult>> sends = new ArrayList<>(claim.records().size());
        for (ClaimedRecord record : claim.records()) {
            sends.add(sender.send(claim.endpoint(), record).invoke(() -> {
                slotsHeld.decrementAndGet();
                slots.release(1);
            }));
        }
        return Uni.join().all(sends).andFailFast();
    }

    /** @return whether the repeater was backed off */
    private Uni<Boolean> record(Claim claim, List<DeliveryResult> results, long started) {
        Instant now = clock.now();
        List<RecordResult> outcomes = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            outcomes.add(retryPolicy.next(claim.records().get(i), results.get(i), now));
        }
        RepeaterUpdate update = backoffPolicy.after(claim.endpoint().repeaterId(), claim.lastAttemptAt(), results, now);
        return writer.write(claim.token(), outcomes, update, now).map(written -> {
            if (written < results.size()) {
                LOG.warnf("repeater %d: %d of %d results not written (lease taken over)",
                        claim.endpoint().repeaterId(), results.size() - written, results.size());
            }
            results.forEach(r -> events.attemptRecorded(DispatchListener.Path.REPEATER, r));
            if (update.backedOff()) {
                LOG.infof("repeater %d (%s): all %d attempts failed, backed off until %s",
                        claim.endpoint().repeaterId(), claim.endpoint().domain(), results.size(), update.nextAttemptAt());
            }
            events.batchFinished(claim.endpoint().repeaterId(), results, update.backedOff(), System.nanoTime() - started);
            return update.backedOff();
        });
    }
}
