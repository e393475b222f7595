package io.repeaterdispatch.lock;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DomainBudget;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import io.repeaterdispatch.testsupport.TightLimitsProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch that runs longer than the lock's TTL keeps its repeater's lock: the watchdog extends it
 * every third of the TTL (2 s in this profile), so another claimant, as another replica would be,
 * cannot take the repeater while the batch still waits for its endpoint. The endpoint answers only
 * when the test lets it.
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class LockWatchdogTest extends IntegrationTest {

    /** Extensions seen before the checks: the 4th comes 4/3 TTL after the lock was taken, past its first expiry. */
    private static final int EXTENSIONS = 4;

    @Inject
    RedisDataSource redis;
    @Inject
    RepeaterLock lock;
    @Inject
    DispatchConfig config;

    private String key(long repeater) {
        return config.lock().keyPrefix() + "lock:repeater:" + repeater;
    }

    private long pttl(String key) {
        return redis.execute("PTTL", key).toLong();
    }

    @Test
    void aBatchThatOutlivesTheTtlKeepsItsLockAndNobodyElseGetsIt() {
        assertEquals(TightLimitsProfile.LOCK_TTL, config.lock().ttl());
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        receiver.answer("/hold", hit -> answer);
        long repeater = createRepeater(Map.of("domain", "acme", "name", "held", "url", receiver.url("/hold"),
                "batchSize", 1, "timeoutMs", 120_000));
        enqueue(repeater, 1, "p");
        String key = key(repeater);
        try {
            Await.until("the batch's request reached the endpoint", () -> receiver.hits("/hold").size() == 1);
            String holder = redis.execute("GET", key).toString();

            // The TTL only ever goes down unless the watchdog extends it: count the times it goes up.
            AtomicLong last = new AtomicLong(pttl(key));
            AtomicInteger extensions = new AtomicInteger();
            Await.until(EXTENSIONS + " extensions of the lock", () -> {
                long now = pttl(key);
                if (now < 0) {
                    throw new AssertionError("the lock expired while its batch was running (PTTL " + now + ") after "
                            + extensions.get() + " extensions");
                }
                if (now > last.getAndSet(now)) {
                    extensions.incrementAndGet();
                }
                return extensions.get() >= EXTENSIONS;
            });
            assertEquals(holder, redis.execute("GET", key).toString(), "still the batch's own lock, not a new one");
            assertTrue(pttl(key) <= config.lock().ttl().toMillis(), "extended to the TTL, never beyond it");

            // Another replica's turn on the same repeater, through the same code: refused.
            Optional<String> other = turn(repeater);
            assertTrue(other.isEmpty(), "a second claimant must not get a held lock");
            Response raw = redis.execute("SET", key, "intruder", "NX", "PX", "10000");
            assertNull(raw, "SET NX on the held key does nothing");
            assertEquals(1, receiver.hits("/hold").size(), "nothing sent twice meanwhile");
        } finally {
            answer.complete(Reply.of(200));
        }
        Await.until("delivered", () -> records(repeater, 4) == 1);
        Await.until("the lock released after the batch", () -> redis.execute("EXISTS", key).toLong() == 0);
        assertEquals(Optional.of("ran"), turn(repeater), "free again once the batch is done");
    }

    /** Another replica's turn on the repeater, admitted by Redis as the loop's are: its work's value if it ran. */
    private Optional<String> turn(long repeater) {
        TurnRequest request = new TurnRequest(repeater, "acme", 1, 1, null, DomainBudget.NONE, false);
        RepeaterLock.TurnOutcome<String> outcome = lock.runAdmitted(request, admitted -> Uni.createFrom().item("ran"), value -> TurnReport.NOTHING)
                .await().atMost(Duration.ofSeconds(10));
        return outcome.ran() ? Optional.of(outcome.value()) : Optional.empty();
    }
}
