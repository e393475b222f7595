package io.repeaterdispatch.lock;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether Redis (and so the per-repeater locks) can be reached. Without a lock there is no safe
 * per-repeater turn, so the loop starts none while Redis is down rather than failing every ready
 * repeater once a tick. Lock commands report here; the first failure logs one warning and starts
 * a probe (PING every second) that logs a summary every {@link #SUMMARY_EVERY_MS} and one info line
 * when Redis answers again, then wakes the listeners (the loop).
 */
@ApplicationScoped
public class RedisAvailability {

    private static final Logger LOG = Logger.getLogger(RedisAvailability.class);
    static final long PROBE_EVERY_MS = 1_000;
    static final long SUMMARY_EVERY_MS = 30_000;

    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private final List<Runnable> onRecovered = new CopyOnWriteArrayList<>();
    private volatile long downSince;
    private volatile long lastSummary;
    private volatile long probe = -1;
    private volatile boolean stopped;

    public RedisAvailability(ReactiveRedisDataSource redis, Vertx vertx) {
        this.redis = redis;
        this.vertx = vertx;
    }

    public boolean available() {
        return !down.get();
    }

    /** Failed Redis commands and probes since Redis was last known to answer (observable by tests). */
    public long failures() {
        return failures.get();
    }

    public void onRecovered(Runnable listener) {
        onRecovered.add(listener);
    }

    /** A Redis command failed (not "lock held": that is an answer). */
    void failed(Throwable error) {
        failures.incrementAndGet();
        if (stopped || !down.compareAndSet(false, true)) {
            return;
        }
        downSince = System.nanoTime();
        lastSummary = downSince;
        LOG.warnf("redis unreachable: per-repeater dispatch paused until it answers again (no lock, no send; "
                + "the legacy path goes on) error=%s", error.toString());
        probe = vertx.setPeriodic(PROBE_EVERY_MS, t -> probe());
    }

    private void probe() {
        if (!probing.compareAndSet(false, true)) {
            return; // the previous PING is still waiting (a Redis that drops packets)
        }
        redis.execute("PING").ifNoItem().after(Duration.ofMillis(PROBE_EVERY_MS * 5)).fail()
                .eventually(() -> probing.set(false))
                .subscribe().with(reply -> recovered(), error -> {
            failures.incrementAndGet();
            long now = System.nanoTime();
            if ((now - lastSummary) / 1_000_000 >= SUMMARY_EVERY_MS) {
                lastSummary = now;
                LOG.warnf("redis still unreachable after %d s, %d failed commands and probes; per-repeater dispatch still paused error=%s",
                        (now - downSince) / 1_000_000_000, failures.get(), error.toString());
            }
        });
    }

    private void recovered() {
        if (!down.get()) {
            return;
        }
        vertx.cancelTimer(probe);
        long downMs = (System.nanoTime() - downSince) / 1_000_000;
        long failed = failures.getAndSet(0);
        down.set(false);
        LOG.infof("redis reachable again after %d ms (%d failed commands and probes meanwhile); per-repeater dispatch resumes",
                downMs, failed);
        onRecovered.forEach(Runnable::run);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        vertx.cancelTimer(probe);
    }
}
