package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.delivery.DeliveryResult;
import io.repeaterdispatch.delivery.HttpSender;
import io.repeaterdispatch.lock.RepeaterLock;
import io.repeaterdispatch.store.Claim;
import io.repeaterdispatch.store.ClaimedRecord;
import io.repeaterdispatch.store.ReadyRepeater;
import io.repeaterdispatch.store.RecordClaims;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One turn of one repeater: under its lock, claim its oldest due records (at most the slots
 * granted), send them all in parallel, record every outcome and the repeater's backoff in one
 * statement.
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
    private final OutcomeRecorder recorder;
    private final DeliverySlots slots;
    private final DispatchEvents events;
    private final DispatchClock clock;
    private final DispatchConfig config;

    public RepeaterBatchRunner(RepeaterLock lock, RecordClaims claims, HttpSender sender, OutcomeRecorder recorder,
                               DeliverySlots slots, DispatchEvents events, DispatchClock clock, DispatchConfig config) {
        this.lock = lock;
        this.claims = claims;
        this.sender = sender;
        this.recorder = recorder;
        this.slots = slots;
        this.events = events;
        this.clock = clock;
        this.config = config;
    }

    /** Runs a turn holding {@code granted} slots; every slot is returned by the time the Uni ends. It never fails. */
    public Uni<Report> run(ReadyRepeater repeater, int granted) {
        AtomicInteger held = new AtomicInteger(granted);
        return lock.runExclusive(repeater.id(), () -> claimSendRecord(repeater, held))
                .map(done -> done.orElseGet(() -> {
                    events.lockSkipped(repeater.id());
                    return Report.NOTHING;
                }))
                .onFailure().recoverWithItem(error -> {
                    LOG.warnf("repeater %d (%s): batch aborted: %s", repeater.id(), repeater.domain(), error.toString());
                    return Report.NOTHING;
                })
                .eventually(() -> slots.release(held.getAndSet(0)));
    }

    private Uni<Report> claimSendRecord(ReadyRepeater repeater, AtomicInteger slotsHeld) {
        long started = System.nanoTime();
        int limit = slotsHeld.get();
        return claims.claimBatch(repeater.id(), clock.now(), limit, config.claimLease(), config.processRepeatersDefault())
                .flatMap(found -> {
                    int claimed = found.map(c -> c.records().size()).orElse(0);
                    slotsHeld.addAndGet(claimed - limit);
                    slots.release(limit - claimed);
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(Report.NOTHING);
                    }
                    Claim claim = found.get();
                    return sendAll(claim, slotsHeld)
                            .flatMap(results -> recorder.record(claim, results, DispatchListener.Path.REPEATER)
                                    .invoke(update -> events.batchFinished(repeater.id(), results, update.backedOff(), System.nanoTime() - started)))
                            .map(update -> new Report(claimed, update.backedOff(), !update.backedOff() && claim.more()));
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
}
