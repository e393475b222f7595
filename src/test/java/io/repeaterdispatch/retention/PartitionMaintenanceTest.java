package io.repeaterdispatch.retention;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.store.PartitionCatalog;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention against the real PostgreSQL: whole day partitions dropped past each class's retention
 * (rows gone from the API too; idempotency keys a day past their window), days created ahead, rows
 * the default partition caught taken over by their day, the audit trail by month, and one replica
 * at a time.
 */
@QuarkusTest
class PartitionMaintenanceTest extends IntegrationTest {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM").withZone(ZoneOffset.UTC);

    @Inject
    PartitionMaintenance maintenance;

    /** Today's partitions again (a test dropped them in its future), so later tests write into days, not the default. */
    @AfterEach
    void restoreToday() {
        clock.reset();
        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());
    }

    @Test
    void eachClassIsDroppedAsWholeDaysPastItsRetentionAndDaysAreCreatedAhead() {
        long repeater = createRepeater("acme", receiver.url("/ok"), 5);
        long delivered = enqueue(repeater, 1, "d-").get(0);
        Await.until("delivered", () -> records(repeater, 4) == 1);
        long cancelled = enqueue(repeater, 1, "c-").get(0);
        sql("UPDATE repeater SET is_paused = true WHERE id = $1", repeater);
        // the second record may have gone out before the pause; cancel whatever is left queued
        api().post("/api/v1/records/" + cancelled + "/cancel");
        boolean wasCancelled = count("SELECT count(*) FROM repeat_record_all WHERE id = $1 AND state = 8", cancelled) == 1;
        String today = DAY.format(clock.now());
        assertTrue(exists("repeat_record_history_delivered_p" + today), "the migration made today's partition");

        clock.advance(Duration.ofDays(31));
        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());

        assertFalse(exists("repeat_record_history_delivered_p" + today), "delivered: 30 days");
        assertFalse(exists("repeat_record_attempt_p" + today), "attempts: 30 days");
        assertTrue(exists("repeat_record_history_stopped_p" + today), "stopped: 90 days");
        api().get("/api/v1/records/" + delivered).then().statusCode(404);
        assertEquals(0, count("SELECT count(*) FROM repeat_record_attempt WHERE record_id = $1", delivered));
        if (wasCancelled) {
            api().get("/api/v1/records/" + cancelled).then().statusCode(200).body("state", equalTo("cancelled"));
        }
        for (int ahead = 0; ahead <= 7; ahead++) {
            String day = DAY.format(clock.now().plus(Duration.ofDays(ahead)));
            for (String table : new String[]{"repeat_record_history_delivered", "repeat_record_history_stopped", "repeat_record_attempt"}) {
                assertTrue(exists(table + "_p" + day), table + " day " + day + " created ahead");
            }
        }

        clock.advance(Duration.ofDays(60));
        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());
        assertFalse(exists("repeat_record_history_stopped_p" + today), "stopped, 91 days on");
        api().get("/api/v1/records/" + cancelled).then().statusCode(404);
    }

    @Test
    void theAuditTrailIsDroppedByWholeMonthsAfterAYear() {
        createRepeater("acme", receiver.url("/ok"), 5); // one audited call
        String month = MONTH.format(clock.now());
        assertEquals(1, count("SELECT count(*) FROM admin_audit_p" + month), "the migration made this month's partition");
        api().get("/api/v1/audit").then().statusCode(200).body("items.size()", equalTo(1));

        clock.advance(Duration.ofDays(300));
        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());
        assertTrue(exists("admin_audit_p" + month), "kept under a year");
        assertTrue(exists("admin_audit_p" + MONTH.format(clock.now())), "the month reached is created");

        clock.advance(Duration.ofDays(96)); // 396 days: a year past the end of any month
        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());
        assertFalse(exists("admin_audit_p" + month), "a year on, the month is dropped whole");
        api().get("/api/v1/audit").then().statusCode(200).body("items.size()", equalTo(0));
        assertEquals(0, count("SELECT count(*) FROM admin_audit_default"), "nothing fell into the default partition");
    }

    /** Keys of a 24h window (the test profile's default) are kept two days: their day goes once its last key is two days old. */
    @Test
    void idempotencyKeysAreDroppedAsWholeDaysADayPastTheirWindow() {
        long repeater = createRepeater("acme", receiver.url("/ok"), 5);
        sql("UPDATE repeater SET is_paused = true WHERE id = $1", repeater);
        String today = DAY.format(clock.now());
        api().header("Idempotency-Key", "retained").body(List.of(Map.of("payloadId", "k", "payload", 1)))
                .post("/api/v1/repeaters/" + repeater + "/records").then().statusCode(202);
        assertEquals(1, count("SELECT count(*) FROM idempotency_key_p" + today), "the migration made today's partition");

        clock.advance(Duration.ofDays(2)); // at most two days after the key: its day's newest key is not two days old yet
        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());
        assertTrue(exists("idempotency_key_p" + today), "kept");
        for (int ahead = 0; ahead <= 7; ahead++) {
            String day = DAY.format(clock.now().plus(Duration.ofDays(ahead)));
            assertTrue(exists("idempotency_key_p" + day), "day " + day + " created ahead");
        }

        clock.advance(Duration.ofDays(1));
        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());
        assertFalse(exists("idempotency_key_p" + today), "three days on, its day is dropped whole");
        assertEquals(0, count("SELECT count(*) FROM idempotency_key"));
        assertEquals(0, count("SELECT count(*) FROM idempotency_key_default"), "nothing fell into the default partition");
    }

    @Test
    void rowsTheDefaultPartitionCaughtMoveIntoTheirDayWhenItIsCreated() {
        long repeater = createRepeater("acme", receiver.url("/ok"), 5);
        sql("UPDATE repeater SET is_paused = true WHERE id = $1", repeater);
        long record = enqueue(repeater, 1, "far-").get(0);
        Instant finished = clock.now().plus(Duration.ofDays(20));
        sql("UPDATE repeat_record SET updated_at = $1 WHERE id = $2", finished.atOffset(ZoneOffset.UTC), record);
        finish(4, record);
        assertEquals(1, count("SELECT count(*) FROM repeat_record_history_delivered_default"), "no partition for that day yet");

        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());
        assertTrue(metrics().contains("repeater_dispatch_partition_default_rows{table=\"repeat_record_history_delivered\"} 1.0"),
                "the gauge shows the caught row");

        clock.advance(Duration.ofDays(15)); // 15 + 7 days ahead reaches day 20
        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());
        assertEquals(0, count("SELECT count(*) FROM repeat_record_history_delivered_default"));
        assertEquals(1, count("SELECT count(*) FROM repeat_record_history_delivered_p" + DAY.format(finished)));
        api().get("/api/v1/records/" + record).then().statusCode(200).body("state", equalTo("succeeded"));
        String metrics = metrics();
        assertTrue(metrics.contains("repeater_dispatch_partition_default_rows{table=\"repeat_record_history_delivered\"} 0.0"), metrics);
        assertTrue(metrics.contains("repeater_dispatch_partitions{table=\"repeat_record_attempt\"}"), "partition count");
        assertTrue(metrics.contains("repeater_dispatch_partition_bytes{table=\"repeat_record_history_stopped\"}"), "sizes");
        assertTrue(metrics.contains("repeater_dispatch_partition_oldest_timestamp_seconds{table=\"repeat_record_history_delivered\"}"),
                "oldest partition");
    }

    @Test
    void whileAnotherReplicaHoldsTheMaintenanceLockNothingIsChanged() {
        String today = DAY.format(clock.now());
        SqlConnection other = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            assertTrue(other.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(PartitionCatalog.MAINTENANCE_LOCK))
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getBoolean(0));
            clock.advance(Duration.ofDays(31));
            assertEquals(PartitionMaintenance.Outcome.ANOTHER_REPLICA_HOLDS_THE_LOCK, run());
            assertTrue(exists("repeat_record_history_delivered_p" + today), "nothing dropped");
            assertFalse(exists("repeat_record_attempt_p" + DAY.format(clock.now().plus(Duration.ofDays(7)))), "nothing created");
        } finally {
            other.close().await().atMost(Duration.ofSeconds(10)); // its session lock goes with it
        }
        assertEquals(PartitionMaintenance.Outcome.MAINTAINED, run());
        assertFalse(exists("repeat_record_history_delivered_p" + today));
    }

    private PartitionMaintenance.Outcome run() {
        return maintenance.runOnce().await().atMost(Duration.ofSeconds(60));
    }

    private boolean exists(String table) {
        return sql("SELECT to_regclass($1) IS NOT NULL", table).get(0).getBoolean(0);
    }

    private static String metrics() {
        return RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
