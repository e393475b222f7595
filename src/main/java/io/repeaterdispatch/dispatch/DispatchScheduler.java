package io.repeaterdispatch.dispatch;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.WorkQueued;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;


/**
 * Keeps both dispatch paths going: starts them with the application and nudges them every tick,
 * which picks up records and repeaters that became due with the passing of time. Everything
 * else (freed slots, full batches, enqueues) wakes the loop directly, between ticks.
 */
@ApplicationScoped
public class DispatchScheduler {

    private static final Logger LOG = Logger.getLogger(DispatchScheduler.class);

    private final RepeaterDispatchLoop loop;
    private final LegacyRecordDispatcher legacy;
    private final ShutdownDrain drain;
    private final DispatchConfig config;
    private final Scheduler scheduler;
    private final LeaseHeartbeat heartbeat;

    public DispatchScheduler(RepeaterDispatchLoop loop, LegacyRecordDispatcher legacy, ShutdownDrain drain, DispatchConfig config,
                             Scheduler scheduler, LeaseHeartbeat heartbeat) {
        this.scheduler = scheduler;
        this.heartbeat = heartbeat;
        this.loop = loop;
        this.legacy = legacy;
        this.drain = drain;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("dispatch disabled (dispatch.enabled=false): serving the admin API only");
            return;
        }
        LOG.infof("dispatch started: max in flight %d, max batch %d, default path %s, repeater backoff %s..%s, max attempts %d, tick %s,"
                        + " claim lease %s renewed every %s, lock ttl %s",
                config.maxInFlight(), config.maxBatchSize(), config.processRepeatersDefault() ? "per-repeater" : "legacy",
                config.repeaterBackoff().min(), config.repeaterBackoff().max(), config.maxAttempts(), config.tick(),
                config.claimLease(), heartbeat.period(), config.lock().ttl());
        heartbeat.start();
        legacy.start();
        loop.start();
        scheduler.newJob("dispatch.tick")
                .setInterval(config.tick().toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> tick())
                .schedule();
    }

    /** Stops taking work, lets running turns finish within the grace, hands back what is left (see ShutdownDrain). */
    void onStop(@Observes ShutdownEvent event) {
        drain.drain();
    }

    /**
     * One tick: picks up what became due with the passing of time. Runs every {@code dispatch.tick};
     * tests, whose tick is an hour away, call it to step the loop.
     */
    public void tick() {
        nudge();
    }

    /** An admin change committed something that may be due now. */
    void onWorkQueued(@Observes WorkQueued event) {
        nudge();
    }

    /** Something may be due now (an enqueue, a resume, a flag flip): both paths look at once. */
    public void nudge() {
        if (config.enabled()) {
            loop.wake();
            legacy.poll();
        }
    }
}
