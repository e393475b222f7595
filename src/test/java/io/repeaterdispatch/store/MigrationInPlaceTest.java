package io.repeaterdispatch.store;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upgrade to the queue apart from history, in place: the application starts on a database
 * that version 7 of the schema left, holding a record in every state with its attempts
 * ({@code src/test/resources/migration/v7-fixture.sql}, loaded by TestServices for this profile),
 * and its own Flyway run moves it. Then every record and attempt reads as before through the API,
 * and the queued ones are delivered. Not an {@link IntegrationTest}: that empties the tables first.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(MigrationInPlaceTest.FromV7.class)
class MigrationInPlaceTest {

    /** Its name is how TestServices knows to start this profile's database at version 7. */
    public static class FromV7 implements QuarkusTestProfile {
    }

    /** payload id → state, attempts, attemptCount, as the fixture wrote them at version 7 */
    private static final Map<String, Object[]> BEFORE = Map.of(
            "pending", new Object[]{"pending", 0, 0},
            "failed", new Object[]{"failed", 1, 1},
            "failed-claimed", new Object[]{"failed", 1, 1},
            "succeeded", new Object[]{"succeeded", 1, 1},
            "succeeded-old", new Object[]{"succeeded", 1, 1},
            "cancelled", new Object[]{"cancelled", 6, 6},
            "empty", new Object[]{"empty", 1, 1},
            "invalid", new Object[]{"invalid_payload", 1, 1});

    @Inject
    Pool pool;

    @Test
    void everyRecordAndAttemptReadsAsBeforeAndTheQueuedOnesAreDelivered() {
        assertEquals(3, count("SELECT count(*) FROM repeat_record"), "the queue keeps the three queued records");
        assertEquals(5, count("SELECT count(*) FROM repeat_record_history"), "history holds the five finished ones");
        assertEquals(12, count("SELECT count(*) FROM repeat_record_attempt"), "every attempt carried over");
        assertEquals(1, count("SELECT count(*) FROM repeat_record_history_delivered_until_" + untilSuffix() + " WHERE payload_id = 'succeeded-old'"),
                "the record older than the first day partition is in the one before them");
        assertEquals(0, count("SELECT count(*) FROM repeat_record_history_delivered_default")
                + count("SELECT count(*) FROM repeat_record_history_stopped_default")
                + count("SELECT count(*) FROM repeat_record_attempt_default"), "nothing left to the default partitions");
        assertEquals(1, count("SELECT count(*) FROM admin_audit_until_" + monthSuffix(-12) + " WHERE actor = 'ops'"),
                "the audit entry older than twelve months is in the partition before them");
        assertEquals(1, count("SELECT count(*) FROM admin_audit_p" + monthSuffix(0) + " WHERE actor = 'ops'"), "this month's entry");
        assertEquals(List.of("repeater.update", "repeater.create"), api().get("/api/v1/audit?actor=ops").then().statusCode(200)
                .extract().jsonPath().getList("items.action"), "the audit trail reads as before, newest first");

        JsonPath page = api().get("/api/v1/repeaters/1/records?limit=20").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L), page.getList("items.id", Long.class), "one page, newest first, across both");
        for (int id = 1; id <= 8; id++) {
            JsonPath record = api().get("/api/v1/records/" + id).then().statusCode(200).extract().jsonPath();
            Object[] expected = BEFORE.get(record.getString("payloadId"));
            assertEquals(expected[0], record.getString("state"), "record " + id);
            assertEquals(expected[1], record.getList("attempts").size(), "attempts of record " + id);
            assertEquals(expected[2], record.getInt("attemptCount"), "attemptCount of record " + id);
            String payload = api().get("/api/v1/records/" + id + "/payload").then().statusCode(200).extract().asString();
            assertEquals("{\"n\": " + id + "}", payload, "payload of record " + id);
        }
        assertEquals(List.of("error 1", "error 2", "error 3", "error 4", "error 5", "error 6"),
                api().get("/api/v1/records/6").then().extract().jsonPath().getList("attempts.message"), "attempts in order");

        // V12's columns arrive with their defaults on rows older than them: no rate limit, no codes of its own
        api().get("/api/v1/repeaters/1").then().statusCode(200).body("rateLimit", org.hamcrest.Matchers.nullValue())
                .body("statusPolicy.retry", org.hamcrest.Matchers.empty()).body("statusPolicy.invalidPayload", org.hamcrest.Matchers.empty());

        long attemptsBefore = count("SELECT max(id) FROM repeat_record_attempt");
        try (TestReceiver receiver = TestReceiver.start()) {
            api().body(Map.of("url", receiver.url("/after-upgrade"))).patch("/api/v1/repeaters/1").then().statusCode(200);
            api().post("/api/v1/repeaters/1/resume").then().statusCode(200);
            Await.until("the three queued records delivered", () -> receiver.hits("/after-upgrade").size() == 3
                    && count("SELECT count(*) FROM repeat_record") == 0);
            api().post("/api/v1/records/6/requeue").then().statusCode(200);
            long enqueued = api().body(List.of(Map.of("payloadId", "after", "payload", Map.of("n", 9))))
                    .post("/api/v1/repeaters/1/records").then().statusCode(202).extract().jsonPath().getLong("recordIds[0]");
            assertTrue(enqueued > 8, "record ids go on after the migrated ones: " + enqueued);
            Await.until("the requeued and the new record delivered", () -> receiver.hits("/after-upgrade").size() == 5
                    && count("SELECT count(*) FROM repeat_record") == 0);
        }
        for (long id : List.of(1L, 2L, 3L, 6L)) {
            api().get("/api/v1/records/" + id).then().statusCode(200).body("state", org.hamcrest.Matchers.equalTo("succeeded"));
        }
        assertTrue(count("SELECT min(id) FROM repeat_record_attempt WHERE created_at > now() - interval '1 minute'") > attemptsBefore,
                "attempt ids go on after the migrated ones");
    }

    /** The migration's first day partition is 90 days back; the one before it is named after that day. */
    private String untilSuffix() {
        return sql("SELECT to_char(date_trunc('day', now() AT TIME ZONE 'UTC') - interval '90 days', 'YYYYMMDD')").get(0).getString(0);
    }

    /** This month's partition suffix (offset 0), or that of the month {@code offset} months from it. */
    private String monthSuffix(int offset) {
        return sql("SELECT to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => $1), 'YYYYMM')", offset)
                .get(0).getString(0);
    }

    private static RequestSpecification api() {
        return RestAssured.given().auth().oauth2(IntegrationTest.TOKEN).contentType(ContentType.JSON);
    }

    private List<Row> sql(String statement, Object... args) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery(statement).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(60)).forEach(rows::add);
        return rows;
    }

    private long count(String statement) {
        return sql(statement).get(0).getLong(0);
    }
}
