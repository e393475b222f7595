package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.config.AdminConfig;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code Idempotency-Key} on the enqueue route, against the real PostgreSQL: a retry answers the
 * first call's record ids and queues nothing, other records under the key are a 422, concurrent
 * retries queue one set, and a key older than admin.idempotency.window queues again.
 */
@QuarkusTest
class IdempotentEnqueueTest extends IntegrationTest {

    private static final String KEY = "Idempotency-Key";
    private static final String REPLAYED = "Idempotent-Replayed";
    private static final String PROBLEM = "application/problem+json";
    private static final String BODY = "[{\"payloadId\": \"case-1\", \"payload\": {\"secret-ish\": \"s3cret-payload\", \"n\": 1.50}},"
            + " {\"payloadId\": \"case-2\", \"payload\": [2]}]";

    @Inject
    AdminConfig admin;

    private long repeater;
    private String records;

    /** Paused, so the records stay queued and counting them counts what the calls created. */
    @BeforeEach
    void aPausedRepeater() {
        repeater = createRepeater("acme", receiver.url("/never"), 5);
        api().post("/api/v1/repeaters/" + repeater + "/pause").then().statusCode(200);
        records = "/api/v1/repeaters/" + repeater + "/records";
    }

    @Test
    void aRetryWithTheSameKeyAndRecordsAnswersTheFirstIdsAndQueuesNothing() {
        Response first = keyed("order-4711", BODY);
        first.then().statusCode(202).header(REPLAYED, nullValue());
        List<Long> ids = first.jsonPath().getList("recordIds", Long.class);
        assertEquals(2, ids.size());

        // the same items with other whitespace, escapes, a decimal's trailing zero and order of each item's fields: the same request
        String sameRecords = "[ {\"payload\":{\"secret-ish\":\"s3cret-p\\u0061yload\",\"n\":1.5},\"payloadId\":\"case-1\"},\n"
                + "  {\"payloadId\":\"case-2\",\"payload\":[ 2 ]} ]";
        for (String retry : List.of(BODY, sameRecords)) {
            keyed("order-4711", retry).then().statusCode(202).contentType("application/json").header(REPLAYED, "true")
                    .body("repeaterId", equalTo((int) repeater))
                    .body("recordIds", equalTo(ids.stream().map(Long::intValue).toList()));
        }
        assertEquals(2, queued(), "nothing queued by the retries");
        assertEquals(1, count("SELECT count(*) FROM admin_audit WHERE action = 'records.enqueue'"), "one enqueue audited");
        api().get("/api/v1/audit?action=records.enqueue").then().statusCode(200)
                .body("items[0].detail.idempotencyKey", equalTo("order-4711"))
                .body("items[0].detail.firstRecordId", equalTo(ids.get(0).intValue()));

        // what is kept for the key: the ids and a hash, never the body
        String stored = sql("SELECT row_to_json(k)::text FROM idempotency_key k").get(0).getString(0);
        assertEquals(1, count("SELECT count(*) FROM idempotency_key"));
        assertFalse(stored.contains("s3cret-payload") || stored.contains("case-1"), stored);
        assertEquals(ids, List.of(sql("SELECT record_ids FROM idempotency_key").get(0).getArrayOfLongs(0)));

        // without a key, the same body is a new request, as before
        assertNotEquals(ids, api().body(BODY).post(records).then().statusCode(202).header(REPLAYED, nullValue())
                .extract().jsonPath().getList("recordIds", Long.class));
        assertEquals(4, queued());
    }

    @Test
    void theSameKeyWithOtherRecordsIsA422AndQueuesNothing() {
        keyed("k-1", BODY).then().statusCode(202);
        long audited = count("SELECT count(*) FROM admin_audit");
        for (String other : List.of(
                "[{\"payloadId\": \"case-1\", \"payload\": {\"secret-ish\": \"s3cret-payload\", \"n\": 1.51}}, {\"payloadId\": \"case-2\", \"payload\": [2]}]",
                "[{\"payloadId\": \"case-1\", \"payload\": {\"n\": 1.50, \"secret-ish\": \"s3cret-payload\"}}, {\"payloadId\": \"case-2\", \"payload\": [2]}]",
                "[{\"payloadId\": \"case-2\", \"payload\": [2]}, {\"payloadId\": \"case-1\", \"payload\": {\"secret-ish\": \"s3cret-payload\", \"n\": 1.50}}]",
                "[{\"payloadId\": \"case-1\", \"payload\": {\"secret-ish\": \"s3cret-payload\", \"n\": 1.50}}]",
                "[{\"payloadId\": \"case-1x\", \"payload\": {\"secret-ish\": \"s3cret-payload\", \"n\": 1.50}}, {\"payloadId\": \"case-2\", \"payload\": [2]}]")) {
            keyed("k-1", other).then().statusCode(422).contentType(PROBLEM).body("status", equalTo(422))
                    .body("detail", containsString("other records")).body("detail", containsString("24h"));
        }
        assertEquals(2, queued(), "no refused call queued anything");
        assertEquals(audited, count("SELECT count(*) FROM admin_audit"), "nor was audited");
        assertEquals(1, count("SELECT count(*) FROM idempotency_key"), "the key still answers for its first request");
        keyed("k-1", BODY).then().statusCode(202).header(REPLAYED, "true");
    }

    @Test
    void keysAreScopedPerRepeater() {
        long other = createRepeater("acme", receiver.url("/never"), 5);
        api().post("/api/v1/repeaters/" + other + "/pause").then().statusCode(200);
        List<Long> here = keyed("shared", BODY).then().statusCode(202).extract().jsonPath().getList("recordIds", Long.class);
        Response there = api().header(KEY, "shared").body(BODY).post("/api/v1/repeaters/" + other + "/records");
        there.then().statusCode(202).header(REPLAYED, nullValue()).body("repeaterId", equalTo((int) other));
        assertNotEquals(here, there.jsonPath().getList("recordIds", Long.class));
        assertEquals(4, count("SELECT count(*) FROM repeat_record"));
    }

    /** Eight calls with one key at once (each on its own connection): one set of records, every answer its ids. */
    @Test
    void concurrentRetriesQueueOneSetAndAllAnswerItsIds() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + records);
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json").header(KEY, "burst")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> answers = new HashSet<>();
        int replayed = 0;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            assertEquals(202, response.statusCode(), response.body());
            answers.add(io.restassured.path.json.JsonPath.from(response.body()).getList("recordIds", Long.class).toString());
            replayed += response.headers().firstValue(REPLAYED).isPresent() ? 1 : 0;
        }
        assertEquals(1, answers.size(), "every answer carries the same ids: " + answers);
        assertEquals(2, queued(), "one set of records");
        assertEquals(7, replayed, "all but the first are replays");
        assertEquals(1, count("SELECT count(*) FROM idempotency_key"));
        assertEquals(1, count("SELECT count(*) FROM admin_audit WHERE action = 'records.enqueue'"));
    }

    @Test
    void aKeyOlderThanTheWindowQueuesAgain() {
        Duration window = admin.idempotency().window();
        List<Long> first = keyed("daily", BODY).then().statusCode(202).extract().jsonPath().getList("recordIds", Long.class);

        clock.advance(window.minusMinutes(1));
        keyed("daily", BODY).then().statusCode(202).header(REPLAYED, "true");
        assertEquals(2, queued(), "a minute inside the window the key still answers");

        clock.advance(Duration.ofMinutes(2));
        Response again = keyed("daily", BODY);
        again.then().statusCode(202).header(REPLAYED, nullValue());
        List<Long> second = again.jsonPath().getList("recordIds", Long.class);
        assertNotEquals(first, second);
        assertEquals(4, queued(), "past the window the same call queues again");
        // and the key now answers for the new call, other records included
        keyed("daily", BODY).then().statusCode(202).header(REPLAYED, "true")
                .body("recordIds", equalTo(second.stream().map(Long::intValue).toList()));
        assertEquals(4, queued());
    }

    @Test
    void aMalformedKeyIsA400AndQueuesNothing() {
        for (String bad : List.of("", "k".repeat(256), "clé", "tab\there")) {
            keyed(bad, BODY).then().statusCode(400).contentType(PROBLEM)
                    .body("errors.field", equalTo(List.of(KEY)))
                    .body("errors[0].message", containsString("1-255 printable ASCII characters"));
        }
        api().header(KEY, "one").header(KEY, "two").body(BODY).post(records).then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of(KEY)));
        assertEquals(0, queued());
        assertEquals(0, count("SELECT count(*) FROM idempotency_key"));

        keyed("a ~" + "k".repeat(252), BODY).then().statusCode(202); // 255 printable characters, space and tilde included
        assertEquals(2, queued());
    }

    /** Only a call that queued something uses up its key: a refused body or an unknown repeater does not. */
    @Test
    void aRefusedCallDoesNotUseUpItsKey() {
        keyed("again", "[{\"payloadId\": \"p\"}]").then().statusCode(400);
        api().header(KEY, "again").body(BODY).post("/api/v1/repeaters/" + (repeater + 1000) + "/records").then().statusCode(404);
        assertEquals(0, count("SELECT count(*) FROM idempotency_key"));
        keyed("again", BODY).then().statusCode(202).header(REPLAYED, nullValue());
        assertEquals(2, queued());
    }

    /** A deleted repeater's key still answers what it answered: the retry learns that its records were queued. */
    @Test
    void aKeyAnswersItsFirstCallEvenAfterItsRepeaterIsDeleted() {
        List<Long> ids = keyed("before-delete", BODY).then().statusCode(202).extract().jsonPath().getList("recordIds", Long.class);
        api().delete("/api/v1/repeaters/" + repeater).then().statusCode(200);
        keyed("before-delete", BODY).then().statusCode(202).header(REPLAYED, "true")
                .body("recordIds", equalTo(ids.stream().map(Long::intValue).toList()));
        keyed("after-delete", BODY).then().statusCode(404);
        assertNull(sql("SELECT key FROM idempotency_key WHERE key = 'after-delete'").stream().findFirst().orElse(null));
    }

    private Response keyed(String key, String body) {
        return api().header(KEY, key).body(body).post(records);
    }

    private long queued() {
        return count("SELECT count(*) FROM repeat_record_all WHERE repeater_id = $1", repeater);
    }
}
