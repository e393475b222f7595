package io.repeaterdispatch.lock;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.repeaterdispatch.config.DispatchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
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
    private final RedisAvailability availability;
    private final Vertx vertx;
    private final String prefix;
    private final long ttlMs;
    /** Locks held now, with their watchdog timers: a shutdown releases the ones its abandoned batches still hold. */
    private final Map<Held, Long> held = new ConcurrentHashMap<>();
    private final Duration acquireTimeout;

    public RepeaterLock(ReactiveRedisDataSource redis, RedisAvailability availability, Vertx vertx, DispatchConfig config) {
        this.redis = redis;
        this.availability = availability;
        this.vertx = vertx;
        this.prefix = config.lock().keyPrefix() + "lock:repeater:";
        this.ttlMs = config.lock().ttl().toMillis();
        this.acquireTimeout = Duration.ofMillis(Math.max(100, Math.min(ttlMs / 4, 5_000)));
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
            Held lock = acquired.get();
            long watchdog = vertx.setPeriodic(Math.max(1, ttlMs / 3), t -> extend(lock).subscribe().with(
                    stillOurs -> {
                        if (!stillOurs) {
                            LOG.warnf("lock lost while its batch was running repeater=%d", repeaterId);
                        }
                    },
                    error -> {
                        availability.failed(error);
                        LOG.debugf("lock extension failed repeater=%d error=%s", repeaterId, error.toString());
                    }));
            held.put(lock, watchdog);
            return Uni.createFrom().<T>deferred(work).map(Optional::ofNullable)
                    .eventually(() -> {
                        held.remove(lock);
                        vertx.cancelTimer(watchdog);
                        return release(lock).onFailure().recoverWithNull();
                    });
        });
    }

    /**
     * Releases every lock this process holds now (compare-and-delete, so a lock that expired and
     * was taken by someone else is left alone) and stops extending them. For shutdown: the batches
     * holding them are abandoned; their own release later finds nothing to delete.
     *
     * @return how many locks were still ours and got deleted
     */
    public Uni<Integer> releaseAll() {
        List<Held> locks = List.copyOf(held.keySet());
        if (locks.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Uni<Boolean>> releases = locks.stream().map(lock -> {
            Long watchdog = held.remove(lock);
            if (watchdog != null) {
                vertx.cancelTimer(watchdog);
            }
            return release(lock);
        }).toList();
        return Uni.join().all(releases).andFailFast().map(done -> (int) done.stream().filter(Boolean::booleanValue).count());
    }

    /** Locks this process holds now. */
    public int held() {
        return held.size();
    }

    /** @return the held lock, or empty if another batch holds it */
    private Uni<Optional<Held>> tryAcquire(long repeaterId) {
        Held held = new Held(prefix + repeaterId, UUID.randomUUID().toString());
        // execute(), not value().set(..nx..): the typed API cannot tell "set" from "not set" (quarkus#49000).
        return redis.execute("SET", held.key, held.token, "NX", "PX", Long.toString(ttlMs))
                // An unreachable Redis that drops packets would hold the turn (and its slots) for the
                // client's connect timeout; a SET that did land meanwhile just expires with its TTL.
                .ifNoItem().after(acquireTimeout).failWith(() -> new TimeoutException("no answer to SET within " + acquireTimeout))
                .onFailure().transform(error -> {
                    availability.failed(error);
                    return new LockUnavailableException(error);
                })
                .map(reply -> reply != null && "OK".equals(reply.toString()) ? Optional.of(held) : Optional.empty());
    }

    /** @return false if the lock was lost (expired and possibly taken by someone else) */
    private Uni<Boolean> extend(Held held) {
        return redis.execute("EVAL", EXTEND, "1", held.key, held.token, Long.toString(ttlMs))
                .map(reply -> reply != null && reply.toLong() == 1L);
    }

    /** True if the lock was still ours and is now gone. A failed release leaves it to expire after its TTL. */
    private Uni<Boolean> release(Held held) {
        return redis.execute("EVAL", RELEASE, "1", held.key, held.token).onFailure().invoke(availability::failed)
                .map(reply -> reply != null && reply.toLong() == 1L);
    }

    /** Redis could not be asked: the turn neither ran nor was refused, the loop holds back while Redis is down. */
    public static final class LockUnavailableException extends RuntimeException {
        LockUnavailableException(Throwable cause) {
            super("redis unreachable: " + cause, cause, false, false);
        }
    }

    /** A lock this process holds. */
    private record Held(String key, String token) {
    }
}
