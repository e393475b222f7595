package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.delivery.HttpSender;
import io.repeaterdispatch.core.DomainBudget;
import io.repeaterdispatch.lock.RepeaterLock;
import io.repeaterdispatch.lock.TurnAdmission;
import io.repeaterdispatch.lock.TurnReport;
import io.repeaterdispatch.lock.TurnRequest;
import io.repeaterdispatch.store.Claim;
import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.store.ReadyRepeater;
import io.repeaterdispatch.store.ClaimGroups;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
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
    private final DeliveryLimits limits;
    private final DeliveryTracing tracing;

    public RepeaterBatchRunner(RepeaterLock lock, ClaimGroups claims, HttpSender sender, OutcomeRecorder recorder,
                               DeliverySlots slots, DispatchEvents events, SlowRepeaters slow, DispatchClock clock,
                               DispatchConfig config, HeldClaims held, DeliveryLimits limits, DeliveryTracing tracing) {
        this.lock = lock;
        this.tracing = tracing;
        this.limits = limits;
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
     * every slot is returned by the time the Uni ends. It never fails. Redis admits the turn first
     * (lock, domain budget, rate, concurrency): a refused turn sends nothing and says how long to wait.
     */
    public Uni<TurnEnd> run(ReadyRepeater repeater, int granted, boolean slowSlots) {
        AtomicInteger held = new AtomicInteger(granted);
        IntConsumer release = slowSlots ? slots::releaseSlow : slots::release;
        int batchSize = Math.min(repeater.batchSize(), config.maxBatchSize());
        boolean limited = limits.enabled();
        TurnRequest request = new TurnRequest(repeater.id(), repeater.domain(), granted, batchSize,
                limited ? limits.rate(repeater.id()) : null, limited ? limits.budget(repeater.domain()) : DomainBudget.NONE, limited);
        long started = System.nanoTime();
        return lock.runAdmitted(request,
                        admitted -> {
                            events.lockAcquired(repeater.id());
                            return claimSendRecord(repeater, admitted, held, release, started)
                                    .map(sent -> sent.withReport(EndpointFeedback.after(sent.results(), admitted.concurrency(), batchSize,
                                            (System.nanoTime() - started) / 1_000_000, limited)));
                        },
                        Sent::report)
                .map(outcome -> {
                    if (outcome.ran()) {
                        Sent sent = outcome.value();
                        int concurrency = outcome.concurrencyAfter();
                        if (limited && concurrency != sent.concurrency()) {
                            concurrencyChanged(repeater, sent.concurrency(), concurrency, batchSize);
                        }
                        return new TurnEnd(sent.more(), 0, false, concurrency);
                    }
                    return refused(repeater, outcome.refusal());
                })
                .onFailure().recoverWithItem(error -> {
                    if (error instanceof RepeaterLock.LockUnavailableException) {
                        // RedisAvailability logs the outage once; one line per turn would flood the log.
                        LOG.debugf("turn skipped repeater=%d domain=%s: %s", repeater.id(), repeater.domain(), error.getMessage());
                    } else {
                        LOG.warnf("batch aborted repeater=%d domain=%s error=%s", repeater.id(), repeater.domain(), error.toString());
                    }
                    return TurnEnd.NOTHING;
                })
                .eventually(() -> release.accept(held.getAndSet(0)));
    }

    private void concurrencyChanged(ReadyRepeater repeater, int from, int to, int batchSize) {
        if (from == batchSize || to == batchSize) { // leaves or regains its batch size: a state change, INFO
            LOG.infof("concurrency changed repeater=%d domain=%s from=%d to=%d batch_size=%d",
                    repeater.id(), repeater.domain(), from, to, batchSize);
        } else {
            LOG.debugf("concurrency changed repeater=%d domain=%s from=%d to=%d batch_size=%d",
                    repeater.id(), repeater.domain(), from, to, batchSize);
        }
        events.concurrencyChanged(repeater.id(), repeater.domain(), from, to, batchSize);
    }

    private TurnEnd refused(ReadyRepeater repeater, TurnAdmission why) {
        if (why instanceof TurnAdmission.OverBudget over) {
            LOG.debugf("turn skipped repeater=%d domain=%s: domain over its budget for %d ms", (Object) repeater.id(), repeater.domain(), over.waitMs());
            events.domainOverBudget(repeater.domain(), over.waitMs());
            return new TurnEnd(false, over.waitMs(), true, 0);
        }
        if (why instanceof TurnAdmission.MustWait wait) {
            LOG.debugf("turn skipped repeater=%d domain=%s: at its rate for %d ms", (Object) repeater.id(), repeater.domain(), wait.waitMs());
            events.rateLimited(repeater.id(), wait.waitMs());
            return new TurnEnd(false, wait.waitMs(), false, 0);
        }
        LOG.debugf("lock skipped repeater=%d domain=%s: another batch holds it", repeater.id(), repeater.domain());
        events.lockSkipped(repeater.id());
        return TurnEnd.NOTHING;
    }

    private Uni<Sent> claimSendRecord(ReadyRepeater repeater, TurnAdmission.Admitted admitted, AtomicInteger slotsHeld,
                                      IntConsumer release, long started) {
        // Redis may grant fewer than the slots held (the repeater's concurrency or rate): give the rest back first.
        int limit = Math.min(slotsHeld.get(), admitted.granted());
        release.accept(slotsHeld.getAndSet(limit) - limit);
        Instant claimStarted = tracing.on() ? Instant.now() : null;
        return claims.claim(repeater.id(), limit, config.claimLease(), config.processRepeatersDefault())
                .flatMap(found -> {
                    int claimed = found.map(c -> c.records().size()).orElse(0);
                    slotsHeld.addAndGet(claimed - limit);
                    release.accept(limit - claimed);
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new Sent(List.of(), false, admitted.concurrency(), null));
                    }
                    Claim claim = found.get();
                    held.add(claim);
                    Span batch = tracing.batch(repeater.id(), repeater.domain(), claim.records().size(), claimStarted);
                    return sendAll(claim, slotsHeld, release, batch)
                            .flatMap(results -> recorder.record(claim, results, DispatchListener.Path.REPEATER)
                                    .invoke(update -> {
                                        BatchTally tally = BatchTally.of(results);
                                        tracing.batchEnded(batch, tally, update.backedOff());
                                        finished(repeater, results, tally, update.backedOff(), System.nanoTime() - started);
                                    })
                                    .map(update -> new Sent(results, !update.backedOff() && claim.more(), admitted.concurrency(), null)))
                            .onFailure().invoke(error -> tracing.batchFailed(batch, error))
                            .onTermination().invoke(() -> held.remove(claim));
                });
    }

    /** What a turn sent: its answers, whether due records remain, the concurrency it ran at, what it tells Redis. */
    record Sent(List<DeliveryResult> results, boolean more, int concurrency, TurnReport report) {
        Sent withReport(TurnReport report) {
            return new Sent(results, more, concurrency, report);
        }
    }

    /**
     * How a turn ended, for the loop.
     *
     * @param mayHaveMore the repeater still has due records: straight back into the rotation
     * @param waitMs      &gt; 0: the turn was refused; try again after this long (the repeater, or its whole domain)
     * @param concurrency the concurrency the repeater ran at (0 when it did not run)
     */
    public record TurnEnd(boolean mayHaveMore, long waitMs, boolean wholeDomain, int concurrency) {
        static final TurnEnd NOTHING = new TurnEnd(false, 0, false, 0);
    }

    private void finished(ReadyRepeater repeater, List<DeliveryResult> results, BatchTally tally, boolean backedOff, long nanos) {
        LOG.infof("batch finished repeater=%d domain=%s records=%d succeeded=%d failed=%d invalid=%d backed_off=%s duration_ms=%d",
                repeater.id(), repeater.domain(), results.size(), tally.succeeded(), tally.failed(), tally.invalid(), backedOff,
                nanos / 1_000_000);
        slow.batchFinished(repeater.id(), results);
        events.batchFinished(repeater.id(), results, backedOff, nanos);
    }

    /** All records at once; each frees its slot as soon as its answer is in. */
    private Uni<List<DeliveryResult>> sendAll(Claim claim, AtomicInteger slotsHeld, IntConsumer release, Span batch) {
        List<Uni<DeliveryResult>> sends = new ArrayList<>(claim.records().size());
        for (ClaimedRecord record : claim.records()) {
            Span delivery = tracing.delivery(batch, claim.endpoint(), record, DispatchListener.Path.REPEATER);
            Uni<DeliveryResult> send = sender.send(claim.endpoint(), record, tracing.traceparent(delivery, record));
            sends.add(events.aroundRequest(DispatchListener.Path.REPEATER, send).invoke(result -> {
                tracing.delivered(delivery, result);
                slotsHeld.decrementAndGet();
                release.accept(1);
            }));
        }
        return Uni.join().all(sends).andFailFast();
    }
}
