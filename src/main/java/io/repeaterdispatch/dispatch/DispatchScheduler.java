package io.repeaterdispatch.dispatch;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.Limits;
import io.repeaterdispatch.core.WorkQueued;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

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

    public DispatchScheduler(RepeaterDispatchLoop loop, LegacyRecordDispatcher legacy, ShutdownDrain drain, DispatchConfig config) {
        this.loop = loop;
        this.legacy = legacy;
        this.drain = drain;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        // A lease shorter than a request could be re-claimed while its request is still running: a double send.
        // HttpSender caps every request at dispatch.max-request-timeout, whatever the repeater's own timeout.
        Duration longestRequest = config.maxRequestTimeout().multipliedBy(2);
        if (config.claimLease().compareTo(longestRequest) < 0) {
            throw new IllegalStateException("dispatch.claim-lease (" + config.claimLease() + ") must be at least "
                    + longestRequest + ": twice dispatch.max-request-timeout (" + config.maxRequestTimeout() + ")");
        }
        if (config.maxRequestTimeout().toMillis() < Limits.MAX_TIMEOUT_MS) {
            LOG.infof("requests capped at %s (dispatch.max-request-timeout): longer repeater timeouts are cut to it",
                    config.maxRequestTimeout());
        }
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

    /** Stops taking work, lets running turns finish within the grace, hands back what is left (see ShutdownDrain). */
    void onStop(@Observes ShutdownEvent event) {
        drain.drain();
    }

    @Scheduled(every = "${dispatch.tick:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
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
