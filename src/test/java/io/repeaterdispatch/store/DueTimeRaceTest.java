package io.repeaterdispatch.store;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repeater's next due time against an enqueue that commits while a claim or a result write
 * recomputes it: the recomputation reads its snapshot, which misses the new record, so it must
 * keep the enqueue's (earlier) value (the due_version check), or the new record would wait until
 * some later time with nothing due before it. Interleaved for certain, not by chance: the enqueue
 * holds the repeater row (its trigger lowered next_due_at) until the other statement is seen
 * waiting for that row lock in pg_stat_activity. The records are due an hour after the dispatch
 * clock, so the running loop leaves them alone; the statements run with that later time.
 */
@QuarkusTest
class DueTimeRaceTest extends IntegrationTest {

    @Inject
    RecordClaims claims;

    @Inject
    ResultWriter results;

    @Test
    void anEnqueueCommittedWhileAClaimRecomputesTheDueTimeKeepsItsRecordDue() {
        long repeater = createRepeater("acme", receiver.url("/ok"), 5);
        Instant t = clock.now().plus(Duration.ofHours(1));
        long first = queue(repeater, t);
        Instant secondDue = t.plus(Duration.ofMinutes(30));

        Optional<Claim> claim = whileEnqueueIsOpen(repeater, secondDue,
                () -> claimBatch(repeater, t.plus(Duration.ofMinutes(1))));

        assertEquals(List.of(first), claim.orElseThrow().records().stream().map(r -> r.id()).toList(),
                "the claim's snapshot held only the first record");
        assertDueNoLaterThan(repeater, secondDue);
    }

    @Test
    void anEnqueueCommittedWhileAResultWriteRecomputesTheDueTimeKeepsItsRecordDue() {
        long repeater = createRepeater("acme", receiver.url("/ok"), 5);
        Instant t = clock.now().plus(Duration.ofHours(1));
        long first = queue(repeater, t);
        Instant claimedAt = t.plus(Duration.ofMinutes(1));
        Claim claim = claimBatch(repeater, claimedAt).await().atMost(Duration.ofSeconds(10))
                .orElseThrow();
        Instant secondDue = t.plus(Duration.ofMinutes(30));
        Instant retryAt = t.plus(Duration.ofHours(3));
        BatchOutcome failed = new BatchOutcome(claim.token(), List.of(new RecordResult(
                new DeliveryResult(first, RecordState.FAILED, 503, "down", claimedAt, 10, null), RecordState.FAILED, retryAt)), null);

        int written = whileEnqueueIsOpen(repeater, secondDue, () -> results.write(failed, claimedAt.plusSeconds(1)));

        assertEquals(1, written);
        assertEquals(2, count("SELECT count(*) FROM repeat_record WHERE repeater_id = $1", repeater));
        assertDueNoLaterThan(repeater, secondDue);
    }

    /** Runs {@code statement} while an uncommitted enqueue of a record due at {@code due} holds the repeater row; commits it once the statement waits. */
    private <T> T whileEnqueueIsOpen(long repeater, Instant due, Supplier<io.smallrye.mutiny.Uni<T>> statement) {
        SqlConnection enqueuer = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            Transaction tx = enqueuer.begin().await().atMost(Duration.ofSeconds(10));
            enqueuer.preparedQuery(INSERT).execute(Tuple.of(repeater, "second", due.atOffset(ZoneOffset.UTC)))
                    .await().atMost(Duration.ofSeconds(10));
            CompletableFuture<T> running = statement.get().subscribeAsCompletionStage();
            Await.until("the statement waits for the enqueue's lock on the repeater row", () -> waitingForALock() > 0);
            assertFalse(running.isDone(), "it cannot finish before the enqueue commits");
            tx.commit().await().atMost(Duration.ofSeconds(10));
            return running.join();
        } finally {
            enqueuer.close().await().atMost(Duration.ofSeconds(10));
        }
    }

    private static final String INSERT = "INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check) "
            + "SELECT domain, id, $2, '{}', 1, now(), $3 FROM repeater WHERE id = $1 RETURNING id";

    private long queue(long repeater, Instant due) {
        return sql(INSERT, repeater, "first", due.atOffset(ZoneOffset.UTC)).get(0).getLong(0);
    }

    /** The repeater's batch of at most five, claimed on its own, as the loop's claim statement does it. */
    private Uni<Optional<Claim>> claimBatch(long repeater, Instant now) {
        return claims.claimBatches(List.of(new RecordClaims.BatchRequest(repeater, 5)), now, Duration.ofHours(2), true)
                .map(answers -> answers.get(0).orThrow());
    }

    private long waitingForALock() {
        return count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    }

    private void assertDueNoLaterThan(long repeater, Instant due) {
        var row = sql("SELECT next_due_at, (SELECT min(next_check) FROM repeat_record WHERE repeater_id = $1 AND lease_until IS NULL) "
                + "AS earliest FROM repeater WHERE id = $1", repeater).get(0);
        Instant nextDue = row.getOffsetDateTime("next_due_at") == null ? null : row.getOffsetDateTime("next_due_at").toInstant();
        assertTrue(nextDue != null && !nextDue.isAfter(due),
                "next_due_at " + nextDue + " must not be later than the new record's " + due + " (earliest unleased: "
                        + row.getOffsetDateTime("earliest") + ")");
    }
}
