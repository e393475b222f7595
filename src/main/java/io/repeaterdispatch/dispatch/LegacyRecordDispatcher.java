package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.delivery.HttpSender;
import io.repeaterdispatch.store.Claim;
import io.repeaterdispatch.store.RecordClaims;
import io.opentelemetry.api.trace.Span;
import io.repeaterdispatch.core.ClaimedRecord;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The legacy per-record path for domains whose flag is off, kept as the seed system's "current
 * approach": each due record is claimed, sent and recorded on its own, on its own retry schedule;
 * no repeater lock, no repeater backoff. It shares the process-wide delivery slots, and claims
 * through the same leases as the per-repeater loop, so flipping a domain's flag at any moment
 * neither loses nor doubles a record.
 */
@ApplicationScoped
public class LegacyRecordDispatcher {

    private static final Logger LOG = Logger.getLogger(LegacyRecordDispatcher.class);

    private final RecordClaims claims;
    private final HttpSender sender;
    private final OutcomeRecorder recorder;
    private final DeliverySlots slots;
    private final DispatchEvents events;
    private final DispatchClock clock;
    private final DispatchConfig config;
    private final HeldClaims held;
    private final DeliveryTracing tracing;
    private final AtomicBoolean polling = new AtomicBoolean();
    /** A nudge came while a poll was scanning (which may have missed what it was about): scan again after. */
    private final AtomicBoolean pollAgain = new AtomicBoolean();
    /** A poll found no free slot: the next freed slot polls (records are due and nothing else would look). */
    private final AtomicBoolean waitingForSlot = new AtomicBoolean();
    private volatile boolean running;

    public LegacyRecordDispatcher(RecordClaims claims, HttpSender sender, OutcomeRecorder recorder, DeliverySlots slots,
                                  DispatchEvents events, DispatchClock clock, DispatchConfig config, HeldClaims held,
                                  DeliveryTracing tracing) {
        this.claims = claims;
        this.tracing = tracing;
        this.held = held;
        this.sender = sender;
        this.recorder = recorder;
        this.slots = slots;
        this.events = events;
        this.clock = clock;
        this.config = config;
        slots.onFreed(() -> {
            if (waitingForSlot.compareAndSet(true, false)) {
                poll();
            }
        });
    }

    public void start() {
        running = true;
    }

    public void stop() {
        running = false;
    }

    /**
     * Scans for due records and sends them; polls again at once while pages come back full, after a
     * scan during which it was nudged again, and when a slot frees after a poll that found none.
     */
    public void poll() {
        pollAgain.set(true); // before the check: a poll ending meanwhile sees it (pollAgainIfAsked)
        if (!running || !polling.compareAndSet(false, true)) {
            return;
        }
        pollAgain.set(false);
        int granted = slots.tryAcquireUpTo(config.legacy().maxPerPoll());
        if (granted == 0) {
            waitingForSlot.set(true);
            polling.set(false);
            if (slots.free() > 0 && waitingForSlot.compareAndSet(true, false)) {
                pollAgain.set(true); // a slot freed before this poll was waiting for one
            }
            pollAgainIfAsked();
            return;
        }
        waitingForSlot.set(false);
        claims.dueLegacyRecords(clock.now(), config.processRepeatersDefault(), granted)
                .onFailure().invoke(error -> LOG.warnf("legacy scan failed error=%s", error.toString()))
                .onFailure().recoverWithItem(List.of())
                .subscribe().with(ids -> {
                    // released, so they wake the loop: while the scan held these slots, a repeater turn may have found
                    // none free and now waits for a freed slot to wake the loop (no tick will, for a while)
                    slots.release(granted - ids.size());
                    List<Uni<Void>> deliveries = new ArrayList<>(ids.size());
                    ids.forEach(id -> deliveries.add(deliver(id)));
                    polling.set(false);
                    if (ids.size() == granted && granted > 0) {
                        Uni.join().all(deliveries).andCollectFailures().subscribe().with(done -> poll(), error -> poll());
                    } else {
                        deliveries.forEach(d -> d.subscribe().with(ok -> { }));
                    }
                    pollAgainIfAsked();
                });
    }

    private void pollAgainIfAsked() {
        if (pollAgain.get()) {
            poll();
        }
    }

    /** One record, start to finish; holds one slot and never fails. */
    private Uni<Void> deliver(long recordId) {
        return claims.claimOne(recordId, clock.now(), config.claimLease())
                .flatMap(claim -> claim.isEmpty() ? Uni.createFrom().voidItem() : sendAndRecord(claim.get()))
                .onFailure().invoke(error -> LOG.warnf("legacy delivery failed record=%d error=%s", recordId, error.toString()))
                .onFailure().recoverWithNull()
                .eventually(() -> slots.release(1));
    }

    private Uni<Void> sendAndRecord(Claim claim) {
        held.add(claim);
        ClaimedRecord record = claim.records().get(0);
        Span delivery = tracing.delivery(Span.getInvalid(), claim.endpoint(), record, DispatchListener.Path.LEGACY);
        return events.aroundRequest(DispatchListener.Path.LEGACY,
                        sender.send(claim.endpoint(), record, tracing.traceparent(delivery, record)))
                .invoke(result -> tracing.delivered(delivery, result))
                .flatMap(result -> recorder.record(claim, List.of(result), DispatchListener.Path.LEGACY))
                .replaceWithVoid()
                .onTermination().invoke(() -> held.remove(claim));
    }
}
