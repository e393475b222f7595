package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Respecting endpoints against the real Redis, PostgreSQL and receiver (docs/limits.md): a rate
 * held across two dispatchers, a domain budget that skips and comes back, concurrency that halves
 * on 429 and grows back, a fragile endpoint's concurrency found. Time that limits depend on is the
 * test clock's: tests move it, and wait on events and rows.
 */
@QuarkusTest
class LimitsTest extends IntegrationTest {

    private static final int PENDING = 1, FAILED = 2, SUCCEEDED = 4;

    @Inject
    DeliveryLimits limits;
    @Inject
    SecondDispatcher second;


    private static CompletableFuture<Reply> now(int status) {
        return CompletableFuture.completedFuture(Reply.of(status));
    }

    @Test
    void aRepeaterAtItsRateWaitsAcrossTwoDispatchersAndIsNotCountedAsFailing() {
        long repeater = createRepeater("rate", receiver.url("/ok"), 7);
        // One token per 50 s: the test clock is real time plus what tests add, so a slow rate keeps
        // real time out of it; the test adds the time instead.
        api().body(Map.of("rateLimit", Map.of("perSecond", 0.02, "burst", 2))).patch("/api/v1/repeaters/" + repeater)
                .then().statusCode(200);
        Await.until("this replica re-read its limits after the change", () -> limits.rate(repeater) != null);
        AtomicInteger waits = listen(new DispatchListener() {
            final AtomicInteger n = new AtomicInteger();

            @Override
            public void rateLimited(long repeaterId, long waitMs) {
                n.incrementAndGet();
            }
        }).n;
        RepeaterDispatchLoop other = second.create();
        other.start();
        try {
            enqueue(repeater, 7, "p");
            Await.until("the burst sent", () -> receiver.hits("/ok").size() == 2);
            // The loop's turn after the burst is refused; the other dispatcher's look is refused too. Its
            // look may meet the loop's turn holding the lock (skipped, not refused): it looks again.
            Await.until("both dispatchers told to wait", () -> {
                other.wake();
                return waits.get() >= 2;
            });
            assertEquals(2, receiver.hits("/ok").size(), "nothing past the burst while the clock stands");
            assertEquals(0, records(repeater, FAILED), "waiting for its rate is no failure");
            assertNull(repeater(repeater).getValue("next_attempt_at"), "nor a backoff");

            clock.advance(Duration.ofSeconds(100)); // two more tokens
            int after = waits.get();
            other.wake();
            loop.wake();
            Await.until("the next 100 s' worth sent", () -> receiver.hits("/ok").size() == 4);
            Await.until("told to wait again", () -> waits.get() >= after + 1);
            assertEquals(4, receiver.hits("/ok").size(), "two dispatchers share one bucket");
            assertEquals(3, records(repeater, PENDING));
        } finally {
            other.stop();
            Await.until("the second dispatcher's turns ended", () -> other.activeTurns() == 0 && !other.refreshing());
        }
    }

    @Test
    void aDomainOverItsBudgetIsSkippedNotBackedOffAndComesBackWhenItsWindowFrees() {
        String domain = "budget-" + System.nanoTime(); // Redis' windows outlive the tables' TRUNCATE
        receiver.answer("/slow", hit -> receiver.later(150, Reply.of(200)));
        long repeater = createRepeater(domain, receiver.url("/slow"), 2);
        api().body(Map.of("remoteTimePerMinuteMs", 100)).put("/api/v1/domains/" + domain + "/limits").then().statusCode(200);
        Await.until("this replica re-read its limits after the change", () -> limits.budget(domain).perMinuteMs() == 100);
        startOfAMinute();
        AtomicLong overBudgetFor = listen(new DispatchListener() {
            final AtomicLong waitMs = new AtomicLong(-1);

            @Override
            public void domainOverBudget(String d, long waitMs) {
                this.waitMs.set(waitMs);
            }
        }).waitMs;

        enqueue(repeater, 6, "p");
        Await.until("skipped once the first batch spent the minute's 100 ms", () -> overBudgetFor.get() >= 0);
        assertEquals(2, receiver.hits("/slow").size());
        assertTrue(overBudgetFor.get() > 0 && overBudgetFor.get() <= 60_000, "until the minute ends: " + overBudgetFor.get());
        assertNull(repeater(repeater).getValue("next_attempt_at"), "skipped, not backed off");
        assertEquals(4, records(repeater, PENDING));
        assertTrue(io.restassured.RestAssured.get("/q/metrics").asString()
                        .contains("repeater_dispatch_limits_budget_skips_total{domain=\"" + domain + "\"}"),
                "the skip counted under the domain that reached its budget");

        overBudgetFor.set(-1);
        advance(Duration.ofMinutes(1));
        Await.until("the next minute's batch sent, then skipped again", () -> overBudgetFor.get() >= 0);
        assertEquals(4, receiver.hits("/slow").size());
        assertEquals(4, records(repeater, SUCCEEDED));
    }

    @Test
    void turnsAdmittedTogetherReserveTheirExpectedRemoteTime() {
        String domain = "reserve-" + System.nanoTime();
        receiver.answer("/slow", hit -> receiver.later(150, Reply.of(200)));
        long r1 = createRepeater(domain, receiver.url("/slow"), 2);
        long r2 = createRepeater(domain, receiver.url("/slow"), 2);
        startOfAMinute();
        enqueue(r1, 2, "a");
        enqueue(r2, 2, "b");
        Await.until("both delivered once: their mean request time learned", () -> records(r1, SUCCEEDED) + records(r2, SUCCEEDED) == 4);

        api().body(Map.of("remoteTimePerMinuteMs", 250)).put("/api/v1/domains/" + domain + "/limits").then().statusCode(200);
        Await.until("this replica re-read its limits after the change", () -> limits.budget(domain).perMinuteMs() == 250);
        startOfAMinute();
        AtomicInteger skips = listen(new DispatchListener() {
            final AtomicInteger n = new AtomicInteger();

            @Override
            public void domainOverBudget(String d, long waitMs) {
                n.incrementAndGet();
            }
        }).n;
        loop.stop(); // both ready at once: the second admission comes while the first turn runs
        enqueue(r1, 2, "c");
        enqueue(r2, 2, "d");
        loop.start();
        Await.until("the second turn refused", () -> skips.get() >= 1);
        Await.until("the first turn recorded", () -> records(r1, SUCCEEDED) + records(r2, SUCCEEDED) == 6);
        assertEquals(6, receiver.hits("/slow").size(), "the first turn's ~300 ms reserved at admission kept the second out of a 250 ms budget");
        assertEquals(2, records(r1, PENDING) + records(r2, PENDING));
    }

    /** Budget windows are clock minutes: start just after one begins, so real time cannot cross into the next mid-test. */
    private void startOfAMinute() {
        clock.advance(Duration.ofMillis(60_000 - clock.now().toEpochMilli() % 60_000 + 500));
    }

    @Test
    void a429HalvesTheConcurrencyAndAnswersBringItBackToTheBatchSize() {
        AtomicInteger requests = new AtomicInteger();
        receiver.answer("/limited", hit -> now(requests.incrementAndGet() <= 8 ? 429 : 200));
        long repeater = createRepeater("aimd", receiver.url("/limited"), 8);
        List<int[]> changes = new CopyOnWriteArrayList<>();
        listen(new DispatchListener() {
            @Override
            public void concurrencyChanged(long repeaterId, String domain, int from, int to, int max) {
                changes.add(new int[]{from, to});
            }
        });
        enqueue(repeater, 100, "p"); // 8 throttled, then three whole turns at each level from 4 to 7 (66), then 8
        Await.until("halved by the 429s", () -> !changes.isEmpty());
        assertEquals(8, changes.get(0)[0]);
        assertEquals(4, changes.get(0)[1]);
        api().get("/api/v1/repeaters/" + repeater).then().statusCode(200)
                .body("concurrency.effective", org.hamcrest.Matchers.equalTo(4))
                .body("concurrency.max", org.hamcrest.Matchers.equalTo(8));
        assertEquals(0, repeater(repeater).getInteger("consecutive_failed_batches"), "a 429 is no outage");
        assertTrue(io.restassured.RestAssured.get("/q/metrics").asString().contains("repeater_dispatch_limits_concurrency_changes_total{direction=\"down\"}"));
        assertEquals(0, count("SELECT coalesce(sum(attempt_count), 0) FROM repeat_record WHERE repeater_id = $1", repeater),
                "throttled attempts do not count");

        // The learned rate paces it now: move the clock on until everything is delivered.
        Await.until("all delivered", () -> {
            advance(Duration.ofSeconds(5));
            return records(repeater, SUCCEEDED) == 100;
        });
        int[] last = changes.get(changes.size() - 1);
        assertEquals(8, last[1], "back at its batch size: " + describe(changes));
        api().get("/api/v1/repeaters/" + repeater).then().statusCode(200).body("concurrency.effective", org.hamcrest.Matchers.equalTo(8));
        for (int i = 1; i < changes.size(); i++) {
            assertEquals(changes.get(i)[0] + 1, changes.get(i)[1], "grows one at a time: " + describe(changes));
        }
        assertEquals(1, count("SELECT max(attempt_count) FROM repeat_record_history WHERE repeater_id = $1", repeater));
        assertEquals(108, count("SELECT count(*) FROM repeat_record_attempt a JOIN repeat_record_history h ON h.id = a.record_id"
                + " WHERE h.repeater_id = $1", repeater), "the throttled attempts are listed");
    }

    @Test
    void aFragileEndpointsConcurrencyConvergesToWhatItTakes() {
        AtomicInteger open = new AtomicInteger();
        receiver.answer("/fragile", hit -> {
            if (open.incrementAndGet() > 3) {
                open.decrementAndGet();
                return now(500);
            }
            return receiver.later(100, Reply.of(200)).whenComplete((reply, error) -> open.decrementAndGet());
        });
        long repeater = createRepeater("fragile", receiver.url("/fragile"), 10);
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        List<Integer> levels = new CopyOnWriteArrayList<>();
        listen(new DispatchListener() {
            @Override
            public void batchFinished(long repeaterId, List<DeliveryResult> results, boolean backedOff, long nanos) {
                batchSizes.add(results.size());
            }

            @Override
            public void concurrencyChanged(long repeaterId, String domain, int from, int to, int max) {
                levels.add(to);
            }
        });
        enqueue(repeater, 30, "p");
        Await.until("every record tried once", () -> records(repeater, PENDING) == 0);
        assertEquals(10, batchSizes.get(0), "the first batch at its batch size");
        assertEquals(3, levels.get(0), "dropped to the three it answered");
        for (int i = 1; i < batchSizes.size(); i++) {
            assertTrue(batchSizes.get(i) <= 4, "after the first batch, never past what it takes plus one: " + batchSizes);
        }
        for (int level : levels) {
            assertTrue(level == 3 || level == 4, "stays at what it takes: " + levels);
        }
        assertTrue(receiver.hits("/fragile").size() - 30 <= batchSizes.size(), "at most one failure per probing batch");
    }

    private static String describe(List<int[]> changes) {
        StringBuilder s = new StringBuilder();
        changes.forEach(c -> s.append(c[0]).append("->").append(c[1]).append(' '));
        return s.toString();
    }
}
