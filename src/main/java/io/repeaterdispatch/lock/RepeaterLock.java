package io.repeaterdispatch.lock;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.repeaterdispatch.config.DispatchConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.UUID;

/**
 * One Redis lock per repeater, so that at most one batch (from any replica) is sending to a
 * repeater at a time. SET NX PX with a random token; release and extend are compare-and-act Lua
 * scripts, so a holder whose lock expired can never delete or extend its successor's lock.
 */
@ApplicationScoped
public class RepeaterLock {

    private static final String RELEASE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    private static final String EXTEND =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final long ttlMs;

    public RepeaterLock(ReactiveRedisDataSource redis, DispatchConfig config) {
        this.redis = redis;
        this.prefix = config.lock().keyPrefix() + "lock:repeater:";
        this.ttlMs = config.lock().ttl().toMillis();
    }

    public long ttlMs() {
        return ttlMs;
    }

    /** @return the held lock, or empty if another batch holds it */
    public Uni<Optional<Held>> tryAcquire(long repeaterId) {
        Held held = new Held(prefix + repeaterId, UUID.randomUUID().toString());
        // execute(), not value().set(..nx..): the typed API cannot tell "set" from "not set" (quarkus#49000).
        return redis.execute("SET", held.key, held.token, "NX", "PX", Long.toString(ttlMs))
                .map(reply -> reply != null && "OK".equals(reply.toString()) ? Optional.of(held) : Optional.empty());
    }

    /** @return false if the lock was lost (expired and possibly taken by someone else) */
    public Uni<Boolean> extend(Held held) {
        return redis.execute("EVAL", EXTEND, "1", held.key, held.token, Long.toString(ttlMs))
                .map(reply -> reply != null && reply.toLong() == 1L);
    }

    public Uni<Void> release(Held held) {
        return redis.execute("EVAL", RELEASE, "1", held.key, held.token).replaceWithVoid();
    }

    /** A lock this process holds. */
    public record Held(String key, String token) {
    }
}
