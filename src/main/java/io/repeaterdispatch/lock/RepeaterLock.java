package io.repeaterdispatch.lock;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.repeaterdispatch.config.DispatchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One Redis lock per repeater, so that at most one batch (from any replica) is sending to a
 * repeater at a time. SET NX PX with a random token; release and extend are compare-and-act Lua
 * scripts, so a holder whose lock expired can never delete or extend its successor's lock.
 */
@ApplicationScoped
public class RepeaterLock {

    private static final Logger LOG = Logger.getLogger(RepeaterLock.class);
    private static final String RELEASE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    private static final String EXTEND =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final String prefix;
    private final long ttlMs;

    public RepeaterLock(ReactiveRedisDataSource redis, Vertx vertx, DispatchConfig config) {
        this.redis = redis;
        this.vertx = vertx;
        this.prefix = config.lock().keyPrefix() + "lock:repeater:";
        this.ttlMs = config.lock().ttl().toMillis();
    }

    /**
     * Runs {@code work} holding the repeater's lock, extending it every third of its TTL for as long
     * as the work runs and releasing it afterwards, however the work ends.
     *
     * @return the work's result, or empty (without running it) if another holder has the lock
     */
    public <T> Uni<Optional<T>> runExclusive(long repeaterId, Supplier<Uni<? extends T>> work) {
        return tryAcquire(repeaterId).flatMap(acquired -> {
            if (acquired.isEmpty()) {
                return Uni.createFrom().item(Optional.<T>empty());
            }
            Held held = acquired.get();
            long watchdog = vertx.setPeriodic(Math.max(1, ttlMs / 3), t -> extend(held).subscribe().with(
                    stillOurs -> {
                        if (!stillOurs) {
                            LOG.warnf("lock lost while its batch was running repeater=%d", repeaterId);
                        }
                    },
                    error -> LOG.warnf("lock extension failed repeater=%d error=%s", repeaterId, error.toString())));
            return Uni.createFrom().<T>deferred(work).map(Optional::ofNullable)
                    .eventually(() -> {
                        vertx.cancelTimer(watchdog);
                        return release(held).onFailure().recoverWithNull();
                    });
        });
    }

    /** @return the held lock, or empty if another batch holds it */
    private Uni<Optional<Held>> tryAcquire(long repeaterId) {
        Held held = new Held(prefix + repeaterId, UUID.randomUUID().toString());
        // execute(), not value().set(..nx..): the typed API cannot tell "set" from "not set" (quarkus#49000).
        return redis.execute("SET", held.key, held.token, "NX", "PX", Long.toString(ttlMs))
                .map(reply -> reply != null && "OK".equals(reply.toString()) ? Optional.of(held) : Optional.empty());
    }

    /** @return false if the lock was lost (expired and possibly taken by someone else) */
    private Uni<Boolean> extend(Held held) {
        return redis.execute("EVAL", EXTEND, "1", held.key, held.token, Long.toString(ttlMs))
                .map(reply -> reply != null && reply.toLong() == 1L);
    }

    private Uni<Void> release(Held held) {
        return redis.execute("EVAL", RELEASE, "1", held.key, held.token).replaceWithVoid();
    }

    /** A lock this process holds. */
    private record Held(String key, String token) {
    }
}
