package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DispatchClock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.store.Backlog;
import io.repeaterdispatch.store.BacklogQuery;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges of the backlog: due records, ready repeaters and repeaters in backoff. A scrape only reads
 * the last values; they are recounted every {@code dispatch.metrics.backlog-refresh} by one
 * statement ({@link BacklogQuery}) bounded by a statement timeout, and never two at a time. The
 * loop's own ready query refreshes the ready gauge in between, whenever it runs.
 */
@ApplicationScoped
public class BacklogGauges implements DispatchListener {

    private static final Logger LOG = Logger.getLogger(BacklogGauges.class);

    private final BacklogQuery query;
    private final DispatchClock clock;
    private final DispatchConfig config;
    private final AtomicLong due = new AtomicLong();
    private final AtomicLong ready = new AtomicLong();
    private final AtomicLong backedOff = new AtomicLong();
    private final AtomicLong disabled = new AtomicLong();
    private final AtomicBoolean counting = new AtomicBoolean();

    public BacklogGauges(BacklogQuery query, DispatchClock clock, DispatchConfig config, MeterRegistry registry) {
        this.query = query;
        this.clock = clock;
        this.config = config;
        Gauge.builder("repeater.dispatch.due.records", due, AtomicLong::get)
                .description("Queued records whose next check has come, at the last backlog count").register(registry);
        Gauge.builder("repeater.dispatch.ready.repeaters", ready, AtomicLong::get)
                .description("Repeaters the per-repeater loop could take now, at its last ready query or backlog count").register(registry);
        Gauge.builder("repeater.dispatch.backed.off.repeaters", backedOff, AtomicLong::get)
                .description("Active repeaters waiting out a backoff, at the last backlog count").register(registry);
        Gauge.builder("repeater.dispatch.disabled.repeaters", disabled, AtomicLong::get)
                .description("Repeaters the service disabled and nobody resumed yet, at the last backlog count").register(registry);
    }

    @Override
    public void readyRefreshed(int readyRepeaters) {
        ready.set(readyRepeaters);
    }

    void onStart(@Observes StartupEvent event, Scheduler scheduler) {
        scheduler.newJob("dispatch.metrics.backlog-refresh")
                .setInterval(config.metrics().backlogRefresh().toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> refresh().replaceWithVoid())
                .schedule();
    }

    /** A backlog count is running (tests wait for it to end before they empty the tables). */
    public boolean counting() {
        return counting.get();
    }

    /**
     * Recounts now, unless a count is already running.
     *
     * @return true if this call counted and the gauges hold the result; never fails
     */
    public Uni<Boolean> refresh() {
        return Uni.createFrom().deferred(() -> {
            if (!counting.compareAndSet(false, true)) {
                return Uni.createFrom().item(false);
            }
            return query.count(clock.now(), config.processRepeatersDefault(), config.readyQueryLimit(),
                            config.metrics().backlogTimeout())
                    .map(this::show)
                    .onFailure().invoke(error -> LOG.warnf("backlog count failed (gauges keep their last values): %s", error.toString()))
                    .onFailure().recoverWithItem(false)
                    .eventually(() -> counting.set(false));
        });
    }

    private boolean show(Backlog backlog) {
        due.set(backlog.dueRecords());
        ready.set(backlog.readyRepeaters());
        backedOff.set(backlog.backedOffRepeaters());
        disabled.set(backlog.disabledRepeaters());
        return true;
    }
}
