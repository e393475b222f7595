package io.repeaterdispatch.dispatch;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.repeaterdispatch.config.DispatchConfig;
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
    private final DispatchConfig config;

    public DispatchScheduler(RepeaterDispatchLoop loop, LegacyRecordDispatcher legacy, DispatchConfig config) {
        this.loop = loop;
        this.legacy = legacy;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("dispatch disabled (dispatch.enabled=false): serving the admin API only");
            return;
        }
        LOG.infof("dispatch started: max in flight %d, max batch %d, default path %s, repeater backoff %s..%s, max attempts %d",
                config.maxInFlight(), config.maxBatchSize(), config.processRepeatersDefault() ? "per-repeater" : "legacy",
                config.repeaterBackoff().min(), config.repeaterBackoff().max(), config.maxAttempts());
        legacy.start();
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        loop.stop();
        legacy.stop();
    }

    @Scheduled(every = "${dispatch.tick:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
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
