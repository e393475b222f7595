package io.repeaterdispatch.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.repeaterdispatch.delivery.DeliveryResult;
import io.repeaterdispatch.delivery.RecordState;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Micrometer meters of the dispatch loop (Prometheus names: repeater_dispatch_*). */
@ApplicationScoped
public class DispatchMetrics implements DispatchListener {

    private final Map<Path, Map<RecordState, Counter>> attempts = new EnumMap<>(Path.class);
    private final Timer batchDuration;
    private final Counter backoffs;
    private final Counter lockSkipped;
    private final AtomicInteger ready = new AtomicInteger();

    public DispatchMetrics(MeterRegistry registry, DeliverySlots slots) {
        for (Path path : Path.values()) {
            Map<RecordState, Counter> byOutcome = new EnumMap<>(RecordState.class);
            for (RecordState outcome : List.of(RecordState.SUCCEEDED, RecordState.EMPTY, RecordState.FAILED, RecordState.INVALID_PAYLOAD)) {
                byOutcome.put(outcome, Counter.builder("repeater.dispatch.attempts")
                        .description("Delivery attempts by outcome and dispatch path")
                        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .tag("path", path.name().toLowerCase(Locale.ROOT))
                        .register(registry));
            }
            attempts.put(path, byOutcome);
        }
        batchDuration = Timer.builder("repeater.dispatch.batch.duration")
                .description("Per-repeater batch: claim, parallel send and result write")
                .register(registry);
        backoffs = Counter.builder("repeater.dispatch.backoffs")
                .description("Batches after which the repeater was backed off (every attempt failed)")
                .register(registry);
        lockSkipped = Counter.builder("repeater.dispatch.lock.skipped")
                .description("Repeaters skipped because another batch held their lock")
                .register(registry);
        registry.gauge("repeater.dispatch.in.flight", slots, DeliverySlots::inFlight);
        registry.gauge("repeater.dispatch.ready.repeaters", ready);
    }

    @Override
    public void readyRefreshed(int readyRepeaters) {
        ready.set(readyRepeaters);
    }

    @Override
    public void lockSkipped(long repeaterId) {
        lockSkipped.increment();
    }

    @Override
    public void batchFinished(long repeaterId, List<DeliveryResult> results, boolean backedOff, long nanos) {
        batchDuration.record(nanos, TimeUnit.NANOSECONDS);
        if (backedOff) {
            backoffs.increment();
        }
    }

    @Override
    public void attemptRecorded(Path path, DeliveryResult result) {
        Counter counter = attempts.get(path).get(result.outcome());
        if (counter != null) {
            counter.increment();
        }
    }
}
