package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.store.ReadyRepeater;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-repeater loop end to end. Backoff and retry waits are in the test clock's time (test
 * profile: repeater backoff min 1 h, record retry min 1 min); tests move that clock instead of
 * sleeping, and wait on observable state (rows, receiver hits), never on wall-clock durations.
 */
@QuarkusTest
class RepeaterDispatchTest extends IntegrationTest {

    private static final int PENDING = 1, FAILED = 2, SUCCEEDED = 4, CANCELLED = 8, INVALID = 32;

    /** Holds requests until {@code group} are open at once (or the last ones arrive), then answers them all. */
    static final class Gate {
        private final int group;
        private final int total;
        private final List<CompletableFuture<Reply>> waiting = new ArrayList<>();
        private int seen;

        Gate(int group, int total) {
            this.group = group;
            this.total = total;
        }

        synchronized CompletableFuture<Reply> arrive() {
            CompletableFuture<Reply> reply = new CompletableFuture<>();
            waiting.add(reply);
            seen++;
            if (waiting.size() >= group || seen >= total) {
                waiting.forEach(w -> w.complete(Reply.of(200)));
                waiting.clear();
            }
            return reply;
        }
    }

    @Test
    void batchesNeverExceedTheBatchSizeAndAreSentInParallel() {
        Gate gate = new Gate(5, 12);
        receiver.answer("/gate", hit -> gate.arrive());
        long repeater = createRepeater("acme", receiver.url("/gate"), 5);
        enqueue(repeater, 12, "p");

        // A batch sent one request at a time would hang at the gate until the request timed out.
        Await.until("12 records delivered", () -> records(repeater, SUCCEEDED) == 12);
        assertEquals(5, receiver.maxConcurrent("/gate"), "5 requests in flight at once, never more");
        assertEquals(12, receiver.hits("/gate").size());
        assertEquals(12, count("SELECT count(*) FROM repeat_record_attempt a JOIN repeat_record_all r ON r.id = a.record_id WHERE r.repeater_id = $1", repeater));
    }

    @Test
    void allFailedBatchBacksOffWithGrowingWaitAndSuccessResetsIt() {
        receiver.answer("/down", 500);
        long repeater = createRepeater("acme", receiver.url("/down"), 3);
        enqueue(repeater, 3, "p");

        Await.until("first batch failed", () -> repeater(repeater).getInteger("consecutive_failed_batches") == 1);
        Row first = repeater(repeater);
        Instant last1 = first.getOffsetDateTime("last_attempt_at").toInstant();
        Duration wait1 = Duration.between(last1, first.getOffsetDateTime("next_attempt_at").toInstant());
        assertEquals(Duration.ofHours(1), wait1, "first backoff is the minimum");
        assertEquals(3, receiver.hits("/down").size());
        assertEquals(3, records(repeater, FAILED));

        // Records are due again (1 min retry), but the repeater is backed off: a healthy repeater
        // of the same domain gets its record through while the backed-off one gets nothing.
        advance(Duration.ofMinutes(30));
        long sentinel = createRepeater("acme", receiver.url("/ok"), 3);
        enqueue(sentinel, 1, "s");
        Await.until("sentinel delivered", () -> records(sentinel, SUCCEEDED) == 1);
        assertEquals(3, receiver.hits("/down").size(), "nothing sent while backed off");

        advance(Duration.ofMinutes(31));
        Await.until("second batch failed", () -> repeater(repeater).getInteger("consecutive_failed_batches") == 2);
        Row second = repeater(repeater);
        Instant last2 = second.getOffsetDateTime("last_attempt_at").toInstant();
        Duration wait2 = Duration.between(last2, second.getOffsetDateTime("next_attempt_at").toInstant());
        assertEquals(Duration.between(last1, last2).multipliedBy(2), wait2, "wait = 2 x time since the last failed batch");
        assertTrue(wait2.compareTo(wait1) > 0, "the wait grows: " + wait1 + " -> " + wait2);
        assertEquals(6, receiver.hits("/down").size());

        receiver.answer("/down", 200);
        advance(wait2.plusMinutes(1));
        Await.until("delivered after recovery", () -> records(repeater, SUCCEEDED) == 3);
        Row healthy = repeater(repeater);
        assertNull(healthy.getValue("next_attempt_at"), "backoff reset");
        assertNull(healthy.getValue("last_attempt_at"));
        assertEquals(0, healthy.getInteger("consecutive_failed_batches"));
    }

    @Test
    void retryAfterOn503IsALowerBoundOfTheBackoff() {
        receiver.answer("/busy", hit -> CompletableFuture.completedFuture(new Reply(503, Map.of("Retry-After", "10800"), "slow down")));
        long repeater = createRepeater("acme", receiver.url("/busy"), 2);
        enqueue(repeater, 2, "p");
        Await.until("backed off", () -> repeater(repeater).getInteger("consecutive_failed_batches") == 1);
        Row row = repeater(repeater);
        assertEquals(Duration.ofHours(3), Duration.between(row.getOffsetDateTime("last_attempt_at").toInstant(),
                row.getOffsetDateTime("next_attempt_at").toInstant()));
        assertEquals(2, records(repeater, FAILED));
    }

    @Test
    void a429WithRetryAfterPausesTheRepeaterForItWithoutBackingOffOrCountingTheAttempt() {
        receiver.answer("/busy", hit -> CompletableFuture.completedFuture(new Reply(429, Map.of("Retry-After", "10800"), "slow down")));
        long repeater = createRepeater("acme", receiver.url("/busy"), 2);
        List<Long> ids = enqueue(repeater, 2, "p");
        Await.until("both attempted", () -> count("SELECT count(*) FROM repeat_record_attempt WHERE record_id = ANY($1)",
                (Object) ids.toArray(Long[]::new)) == 2);
        Await.until("paused for the Retry-After", () -> repeater(repeater).getValue("next_attempt_at") != null);
        Row row = repeater(repeater);
        assertEquals(0, row.getInteger("consecutive_failed_batches"), "a 429 is no outage: no backoff");
        assertNull(row.getValue("last_attempt_at"));
        Instant pausedUntil = row.getOffsetDateTime("next_attempt_at").toInstant();
        Instant attempted = sql("SELECT max(created_at) AS at FROM repeat_record_attempt WHERE record_id = ANY($1)",
                (Object) ids.toArray(Long[]::new)).get(0).getOffsetDateTime("at").toInstant();
        Duration pause = Duration.between(attempted, pausedUntil);
        assertTrue(pause.compareTo(Duration.ofHours(3)) >= 0 && pause.compareTo(Duration.ofHours(3).plusMinutes(1)) < 0, "paused " + pause);
        assertEquals(2, records(repeater, FAILED));
        assertEquals(0, count("SELECT sum(attempt_count) FROM repeat_record WHERE repeater_id = $1", repeater),
                "a throttled attempt does not count toward the maximum");
        assertEquals(pausedUntil,
                sql("SELECT min(next_check) AS at FROM repeat_record WHERE repeater_id = $1", repeater).get(0).getOffsetDateTime("at").toInstant(),
                "its records wait as long");
    }

    @Test
    void clientErrorsAreInvalidPayloadsNeverRetriedAndKeepTheRepeaterHealthy() {
        receiver.answer("/reject", 422);
        long repeater = createRepeater("acme", receiver.url("/reject"), 7);
        List<Long> ids = enqueue(repeater, 2, "p");
        Await.until("both rejected", () -> records(repeater, INVALID) == 2);
        assertNull(repeater(repeater).getValue("next_attempt_at"), "an answering endpoint is not backed off");

        advance(Duration.ofDays(8));
        long sentinel = createRepeater("acme", receiver.url("/ok"), 1);
        enqueue(sentinel, 1, "s");
        Await.until("sentinel delivered", () -> records(sentinel, SUCCEEDED) == 1);
        assertEquals(2, receiver.hits("/reject").size(), "not retried");
        api().get("/api/v1/records/" + ids.get(0)).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("invalid_payload"))
                .body("attemptCount", org.hamcrest.Matchers.equalTo(1))
                .body("attempts[0].httpStatus", org.hamcrest.Matchers.equalTo(422));
    }

    @Test
    void anyResponseBodyIsRecordedEvenBinaryOnes() {
        receiver.answer("/binary", hit -> CompletableFuture.completedFuture(new Reply(200, Map.of(), "ok\u0000\u0001 done")));
        long repeater = createRepeater("acme", receiver.url("/binary"), 2);
        List<Long> ids = enqueue(repeater, 2, "p");
        Await.until("both recorded", () -> records(repeater, SUCCEEDED) == 2);
        assertEquals("200 ok   done", sql("SELECT message FROM repeat_record_attempt WHERE record_id = $1", ids.get(0)).get(0).getString(0));
    }

    @Test
    void recordIsCancelledAfterTheMaximumNumberOfAttempts() {
        receiver.answer("/down", 503);
        long repeater = createRepeater("acme", receiver.url("/down"), 1);
        List<Long> ids = enqueue(repeater, 1, "p");
        long record = ids.get(0);
        for (int attempt = 1; attempt <= 5; attempt++) {
            int expected = attempt;
            Await.until("attempt " + attempt, () -> attempts(record) == expected);
            assertEquals(FAILED, state(record));
            // past the repeater's backoff (twice the last gap) and the record's wait (at most 81 min), each gap
            // more than twice the last, 64 h in all: within dispatch.lifecycle.disable-after (5 d), which would disable it
            advance(Duration.ofMinutes((long) (60 * Math.pow(2.5, attempt - 1))));
        }
        Await.until("sixth attempt", () -> attempts(record) == 6);
        Await.until("cancelled", () -> state(record) == CANCELLED);
        assertNull(sql("SELECT next_check FROM repeat_record_all WHERE id = $1", record).get(0).getValue(0));

        advance(Duration.ofDays(8));
        long sentinel = createRepeater("acme", receiver.url("/ok"), 1);
        enqueue(sentinel, 1, "s");
        Await.until("sentinel delivered", () -> records(sentinel, SUCCEEDED) == 1);
        assertEquals(6, receiver.hits("/down").size(), "a cancelled record is not sent again");
    }

    @Test
    void pausedRepeaterReceivesNothingAndResumesAfterwards() {
        long paused = createRepeater("acme", receiver.url("/paused"), 7);
        api().post("/api/v1/repeaters/" + paused + "/pause").then().statusCode(200).body("paused", org.hamcrest.Matchers.is(true));
        enqueue(paused, 3, "p");
        long sentinel = createRepeater("acme", receiver.url("/ok"), 1);
        enqueue(sentinel, 2, "s");
        Await.until("sentinel delivered", () -> records(sentinel, SUCCEEDED) == 2);
        assertEquals(0, receiver.hits("/paused").size());
        assertEquals(3, records(paused, PENDING));

        api().post("/api/v1/repeaters/" + paused + "/resume").then().statusCode(200).body("paused", org.hamcrest.Matchers.is(false));
        Await.until("delivered after resume", () -> records(paused, SUCCEEDED) == 3);
    }

    @Test
    void roundRobinGivesEveryDomainATurnBeforeAnyDomainGetsASecond() {
        List<ReadyRepeater> turns = new CopyOnWriteArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(createRepeater("big", receiver.url("/big"), 1));
        }
        ids.add(createRepeater("small", receiver.url("/small"), 1)); // created last: last in id order
        sql("UPDATE repeater SET is_paused = true WHERE id = ANY($1)", (Object) ids.toArray(Long[]::new));
        for (long id : ids) {
            enqueue(id, 1, "p" + id);
        }
        listen(new DispatchListener() {
            @Override
            public void turnStarted(ReadyRepeater repeater, int slots) {
                if (ids.contains(repeater.id())) {
                    turns.add(repeater);
                }
            }
        });
        // All seven become ready in one statement, so one refresh sees them together.
        sql("UPDATE repeater SET is_paused = false WHERE id = ANY($1)", (Object) ids.toArray(Long[]::new));
        loop.wake();
        Await.until("all delivered", () -> receiver.hits().size() == 7);
        assertEquals(7, receiver.hits().stream().map(h -> h.payloadId()).distinct().count(), "each record once");
        List<String> firstTurns = turns.stream().map(ReadyRepeater::id).distinct()
                .map(id -> turns.stream().filter(t -> t.id() == id).findFirst().orElseThrow().domain()).toList();
        assertEquals(7, firstTurns.size(), "every repeater had a turn: " + firstTurns);
        assertTrue(firstTurns.indexOf("small") <= 1, "the one-repeater domain gets the first or second turn, not the last: " + firstTurns);
    }

    private int attempts(long record) {
        return sql("SELECT attempt_count FROM repeat_record_all WHERE id = $1", record).get(0).getInteger(0);
    }

    private int state(long record) {
        return sql("SELECT state FROM repeat_record_all WHERE id = $1", record).get(0).getInteger(0);
    }
}
