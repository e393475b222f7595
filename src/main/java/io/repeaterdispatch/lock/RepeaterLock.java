package io.repeaterdispatch.lock;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.core.DomainBudget;
import io.repeaterdispatch.core.LearnedConcurrency;
import io.repeaterdispatch.core.RateLimit;
import io.vertx.mutiny.redis.client.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One Redis lock per repeater, so that at most one batch (from any replica) is sending to a
 * repeater at a time. The admission script ({@code redis/admit-turn.lua}) sets it only if absent,
 * with a random token and a TTL; the end-of-turn script, release and extend compare the token
 * first, so a holder whose lock expired can never delete or extend its successor's lock.
 */
@ApplicationScoped
public class RepeaterLock implements LearnedConcurrency {

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
    private final String limitPrefix;
    private final String budgetPrefix;
    private final DispatchClock clock;

    public RepeaterLock(ReactiveRedisDataSource redis, RedisAvailability availability, Vertx vertx, DispatchConfig config,
                        DispatchClock clock) {
        this.redis = redis;
        this.availability = availability;
        this.vertx = vertx;
        this.clock = clock;
        this.prefix = config.lock().keyPrefix() + "lock:repeater:";
        this.limitPrefix = config.lock().keyPrefix() + "limit:repeater:";
        this.budgetPrefix = config.lock().keyPrefix() + "budget:";
        this.ttlMs = config.lock().ttl().toMillis();
        this.acquireTimeout = Duration.ofMillis(Math.max(100, Math.min(ttlMs / 4, 5_000)));
    }

    /**
     * Runs {@code work} if Redis admits the turn: the repeater's lock is free, its domain is within
     * its budget of remote time and the repeater within its rate (one script, one round trip; see
     * {@code redis/admit-turn.lua}). The lock is extended while the work runs; at the end one more
     * script charges the domain's budget, stores the report's concurrency and throttling, and
     * releases the lock, however the work ended (a failed turn reports nothing).
     *
     * @return the work's result, or the admission that refused the turn (nothing ran)
     */
    public <T> Uni<TurnOutcome<T>> runAdmitted(TurnRequest request, Function<TurnAdmission.Admitted, Uni<T>> work,
                                               Function<T, TurnReport> report) {
        long now = clock.now().toEpochMilli();
        Keys keys = keys(request.repeaterId(), request.domain(), now);
        RateLimit rate = request.rate();
        DomainBudget budget = request.budget() == null ? DomainBudget.NONE : request.budget();
        Held lock = new Held(keys.lock, UUID.randomUUID().toString());
        String[] args = {keys.lock, keys.limit, keys.minute, keys.hour,
                lock.token, Long.toString(ttlMs), Long.toString(now), Integer.toString(request.wanted()),
                Integer.toString(request.batchSize()), rate == null ? "0" : Double.toString(rate.perSecond()),
                rate == null ? "1" : Integer.toString(rate.burst()), Long.toString(budget.perMinuteMs()),
                Long.toString(budget.perHourMs()), Long.toString(keys.minuteEnds), Long.toString(keys.hourEnds),
                request.adaptive() ? "1" : "0", Long.toString(keys.minuteEnds - now + 60_000), Long.toString(keys.hourEnds - now + 60_000)};
        return TurnScripts.ADMIT.run(redis, args)
                .ifNoItem().after(acquireTimeout).failWith(() -> new TimeoutException("no answer to the turn admission within " + acquireTimeout))
                .onFailure().transform(error -> {
                    availability.failed(error);
                    return new LockUnavailableException(error);
                })
                .flatMap(reply -> {
                    TurnAdmission admission = admission(reply);
                    if (!(admission instanceof TurnAdmission.Admitted admitted)) {
                        return Uni.createFrom().item(TurnOutcome.<T>refused(admission));
                    }
                    long watchdog = startWatchdog(lock, request.repeaterId());
                    held.put(lock, watchdog);
                    return Uni.createFrom().<T>deferred(() -> work.apply(admitted))
                            .onItemOrFailure().<TurnOutcome<T>>transformToUni((value, error) -> {
                                held.remove(lock);
                                vertx.cancelTimer(watchdog);
                                TurnReport said = error == null ? report.apply(value) : TurnReport.NOTHING;
                                Uni<Integer> ended = endTurn(lock, keys, admitted.reservedMs(), request.batchSize(), said)
                                        .onFailure().recoverWithItem(admitted.concurrency());
                                if (error != null) {
                                    return ended.onItem().<TurnOutcome<T>>transformToUni(x -> Uni.createFrom().failure(error));
                                }
                                return ended.map(concurrencyNow -> TurnOutcome.ran(value, concurrencyNow));
                            });
                });
    }

    private static TurnAdmission admission(Response reply) {
        return switch (reply.get(0).toInteger()) {
            case 0 -> new TurnAdmission.Admitted(reply.get(1).toInteger(), reply.get(2).toInteger(), reply.get(3).toLong());
            case 1 -> new TurnAdmission.Locked();
            case 2 -> new TurnAdmission.OverBudget(reply.get(1).toLong());
            default -> new TurnAdmission.MustWait(reply.get(1).toLong());
        };
    }

    /** Charged to the admission's windows, where its reservation went. */
    /** @return the repeater's concurrency after the turn, as Redis now holds it */
    private Uni<Integer> endTurn(Held lock, Keys keys, long reservedMs, int batchSize, TurnReport report) {
        long now = clock.now().toEpochMilli();
        String concurrency = report.concurrency() == TurnReport.UNCHANGED ? ""
                : report.concurrency() == TurnReport.GROW ? "grow" : Integer.toString(report.concurrency());
        String[] args = {keys.lock, keys.limit, keys.minute, keys.hour, lock.token, Long.toString(now),
                Long.toString(report.remoteMs() - reservedMs), Long.toString(Math.max(1, keys.minuteEnds - now + 60_000)),
                Long.toString(Math.max(1, keys.hourEnds - now + 60_000)),
                concurrency, report.throttledAtRate() == null ? "" : Double.toString(report.throttledAtRate()),
                Integer.toString(report.answered()), Integer.toString(report.sent()), Long.toString(report.remoteMs()),
                Integer.toString(batchSize)};
        return TurnScripts.END.run(redis, args).onFailure().invoke(availability::failed)
                .map(reply -> reply.get(1).toInteger());
    }

    /** The repeater's concurrency as Redis holds it: null when it is at its batch size (nothing learned). */
    @Override
    public Uni<Integer> of(long repeaterId) {
        return redis.execute("HGET", limitPrefix + repeaterId, "conc").map(reply -> reply == null ? null : reply.toInteger());
    }

    private Keys keys(long repeaterId, String domain, long nowMs) {
        long minute = nowMs / 60_000, hour = nowMs / 3_600_000;
        return new Keys(prefix + repeaterId, limitPrefix + repeaterId, budgetPrefix + domain + ":m:" + minute,
                budgetPrefix + domain + ":h:" + hour, (minute + 1) * 60_000, (hour + 1) * 3_600_000);
    }

    private long startWatchdog(Held lock, long repeaterId) {
        return vertx.setPeriodic(Math.max(1, ttlMs / 3), t -> extend(lock).subscribe().with(
                stillOurs -> {
                    if (!stillOurs) {
                        LOG.warnf("lock lost while its batch was running repeater=%d", repeaterId);
                    }
                },
                error -> {
                    availability.failed(error);
                    LOG.debugf("lock extension failed repeater=%d error=%s", repeaterId, error.toString());
                }));
    }

    /**
     * A turn Redis admitted and ran (with the repeater's concurrency once it ended), or the
     * admission that refused it.
     */
    public record TurnOutcome<T>(T value, int concurrencyAfter, TurnAdmission refusal) {
        static <T> TurnOutcome<T> ran(T value, int concurrencyAfter) {
            return new TurnOutcome<>(value, concurrencyAfter, null);
        }

        static <T> TurnOutcome<T> refused(TurnAdmission why) {
            return new TurnOutcome<>(null, 0, why);
        }

        public boolean ran() {
            return refusal == null;
        }
    }

    private record Keys(String lock, String limit, String minute, String hour, long minuteEnds, long hourEnds) {
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
