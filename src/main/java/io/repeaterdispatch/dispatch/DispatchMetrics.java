package io.repeaterdispatch.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.DisableSignal;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.core.RepeaterDisabled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer meters of the dispatch flow (Prometheus names: repeater_dispatch_*; docs/operations.md, "Metrics").
 *
 * <p>Only the attempts counter is tagged by domain: domains are tenants, a bounded set, and an
 * attempts series per domain, path and outcome (at most 8 per domain) is what tells one tenant's
 * failing endpoints from another's. Histograms stay untagged (or by path only): their bucket series
 * multiplied by tenants would be the largest part of a scrape.
 */
@ApplicationScoped
public class DispatchMetrics implements DispatchListener {

    private static final List<RecordState> OUTCOMES =
            List.of(RecordState.SUCCEEDED, RecordState.EMPTY, RecordState.FAILED, RecordState.INVALID_PAYLOAD);

    private final MeterRegistry registry;
    private final Map<AttemptKey, Counter> attempts = new ConcurrentHashMap<>();
    private final Map<Path, Timer> httpRequest = new EnumMap<>(Path.class);
    private final Timer batchDuration;
    private final DistributionSummary batchSize;
    private final Counter backoffs;
    private final Counter lockAcquired;
    private final Counter lockContended;
    private final Map<Path, AtomicInteger> inFlight = new EnumMap<>(Path.class);
    private final Map<String, Counter> budgetSkips = new ConcurrentHashMap<>();
    private final Set<String> budgetDomains;
    private final Map<String, Counter> remoteSeconds = new ConcurrentHashMap<>();
    private final Counter rateWaits;
    private final Counter concurrencyDown;
    private final Counter concurrencyUp;
    private final Counter shareHolds;
    private final Set<Long> reducedConcurrency = ConcurrentHashMap.newKeySet();
    private final Map<String, Counter> disabled = new ConcurrentHashMap<>();

    public DispatchMetrics(MeterRegistry registry, DispatchConfig config) {
        this.registry = registry;
        for (Path path : Path.values()) {
            // Requests actually open, not delivery slots taken: slots are also held while a claim or a
            // legacy scan is being made, which would count up to a whole scan's worth of phantom requests.
            inFlight.put(path, new AtomicInteger());
            Gauge.builder("repeater.dispatch.in.flight", inFlight.get(path), AtomicInteger::get)
                    .description("Delivery requests in flight")
                    .tag("path", tag(path))
                    .register(registry);
            httpRequest.put(path, Timer.builder("repeater.dispatch.http.request")
                    .description("Latency of one delivery request (connect, send, answer), as the attempt recorded it")
                    .tag("path", tag(path))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(5)) // the longest request timeout
                    .register(registry));
        }
        batchDuration = Timer.builder("repeater.dispatch.batch.duration")
                .description("Per-repeater batch: claim, parallel send and result write")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        batchSize = DistributionSummary.builder("repeater.dispatch.batch.size")
                .description("Records sent per per-repeater batch")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue((double) config.maxBatchSize())
                .register(registry);
        backoffs = Counter.builder("repeater.dispatch.backoffs")
                .description("Batches after which the repeater was backed off (every attempt failed)")
                .register(registry);
        lockAcquired = Counter.builder("repeater.dispatch.lock.acquired")
                .description("Repeater turns that took the repeater's Redis lock")
                .register(registry);
        lockContended = Counter.builder("repeater.dispatch.lock.contended")
                .description("Repeater turns skipped because another batch (any replica) held the repeater's lock")
                .register(registry);
        budgetDomains = Set.copyOf(config.metrics().budgetDomains().orElse(List.of()));
        rateWaits = Counter.builder("repeater.dispatch.limits.rate.waits")
                .description("Repeater turns skipped because the repeater was at its rate (configured or learned from 429s)")
                .register(registry);
        concurrencyDown = concurrencyChanges("down");
        concurrencyUp = concurrencyChanges("up");
        Gauge.builder("repeater.dispatch.limits.concurrency.reduced", reducedConcurrency, Set::size)
                .description("Repeaters this replica last saw running below their batch size (adaptive concurrency)")
                .register(registry);
        shareHolds = Counter.builder("repeater.dispatch.limits.share.holds")
                .description("Repeater turns held back because their domain held its share of the delivery slots while others had work")
                .register(registry);
        // every reason from the start, at 0: a dashboard or alert on it has a series before the first disable
        for (DisableSignal signal : DisableSignal.values()) {
            disabledCounter(signal.reason);
        }
        disabledCounter(RepeaterDisabled.FAILING);
    }

    private Counter concurrencyChanges(String direction) {
        return Counter.builder("repeater.dispatch.limits.concurrency.changes")
                .description("Changes of a repeater's adaptive concurrency")
                .tag("direction", direction)
                .register(registry);
    }

    /** Tagged by domain, but only domains that reach their budget ever get a series. */
    @Override
    public void domainOverBudget(String domain, long waitMs) {
        budgetSkips.computeIfAbsent(domain, d -> Counter.builder("repeater.dispatch.limits.budget.skips")
                .description("Repeater turns skipped because their domain spent its budget of remote time")
                .tag("domain", d)
                .register(registry)).increment();
    }

    @Override
    public void rateLimited(long repeaterId, long waitMs) {
        rateWaits.increment();
    }

    @Override
    public void concurrencyChanged(long repeaterId, String domain, int from, int to, int max) {
        (to < from ? concurrencyDown : concurrencyUp).increment();
        if (to < max) {
            reducedConcurrency.add(repeaterId);
        } else {
            reducedConcurrency.remove(repeaterId);
        }
    }

    @Override
    public void domainShareReached(String domain) {
        shareHolds.increment();
    }

    @Override
    public void requestStarted(Path path) {
        inFlight.get(path).incrementAndGet();
    }

    @Override
    public void requestEnded(Path path) {
        inFlight.get(path).decrementAndGet();
    }

    @Override
    public void lockAcquired(long repeaterId) {
        lockAcquired.increment();
    }

    @Override
    public void lockSkipped(long repeaterId) {
        lockContended.increment();
    }

    @Override
    public void batchFinished(long repeaterId, List<DeliveryResult> results, boolean backedOff, long nanos) {
        batchDuration.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(results.size());
        if (backedOff) {
            backoffs.increment();
        }
    }

    @Override
    public void attemptRecorded(Path path, long repeaterId, String domain, DeliveryResult result) {
        httpRequest.get(path).record(result.durationMs(), TimeUnit.MILLISECONDS);
        remoteSeconds.computeIfAbsent(budgetDomains.contains(domain) ? domain : "other", d -> Counter.builder("repeater.dispatch.limits.remote")
                .description("Remote time spent waiting on endpoints (what the domain budgets measure); domains listed in"
                        + " dispatch.metrics.budget-domains on their own, the rest as domain=other")
                .baseUnit("seconds")
                .tag("domain", d)
                .register(registry)).increment(result.durationMs() / 1000.0);
        if (OUTCOMES.contains(result.outcome())) {
            attempts.computeIfAbsent(new AttemptKey(path, domain, result.outcome()), this::attemptsCounter).increment();
        }
    }

    /** Tagged by reason (gone, receiver-requested, failing): three series at most. */
    @Override
    public void repeaterDisabled(RepeaterDisabled event) {
        disabledCounter(event.reason()).increment();
    }

    private Counter disabledCounter(String reason) {
        return disabled.computeIfAbsent(reason, r -> Counter.builder("repeater.dispatch.repeaters.disabled")
                .description("Repeaters this replica disabled (410 Gone, the receiver's webhook-delivery: disable, or failing for"
                        + " dispatch.lifecycle.disable-after), by reason")
                .tag("reason", r)
                .register(registry));
    }

    private Counter attemptsCounter(AttemptKey key) {
        return Counter.builder("repeater.dispatch.attempts")
                .description("Delivery attempts by outcome, domain and dispatch path")
                .tag("outcome", key.outcome.name().toLowerCase(Locale.ROOT))
                .tag("domain", key.domain)
                .tag("path", tag(key.path))
                .register(registry);
    }

    private static String tag(Path path) {
        return path.name().toLowerCase(Locale.ROOT);
    }

    private record AttemptKey(Path path, String domain, RecordState outcome) {
    }
}
