package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class AdminApiTest extends IntegrationTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void deliversARecordEndToEndAsTheReadmeShows() {
        long repeater = createRepeater(Map.of("domain", "acme", "name", "crm", "url", receiver.url("/hook"),
                "auth", Map.of("type", "bearer", "token", "s3cr3t-token"), "headers", Map.of("X-Custom", "yes")));
        List<Long> ids = api().body("[{\"payloadId\": \"case-1\", \"payload\": {\"hello\": \"world\", \"n\": [1, 2]}}]")
                .post("/api/v1/repeaters/" + repeater + "/records")
                .then().statusCode(202).body("repeaterId", equalTo((int) repeater))
                .extract().jsonPath().getList("recordIds", Long.class);
        Await.until("delivered", () -> receiver.hits("/hook").size() == 1);
        TestReceiver.Hit hit = receiver.hits("/hook").get(0);
        assertEquals("{\"hello\":\"world\",\"n\":[1,2]}", hit.body());
        assertEquals("Bearer s3cr3t-token", hit.authorization());
        assertEquals("yes", hit.customHeader());
        assertEquals("case-1", hit.payloadId());
        assertEquals((long) ids.get(0), hit.recordId());

        Await.until("recorded", () -> records(repeater, 4) == 1);
        api().get("/api/v1/records/" + ids.get(0)).then().statusCode(200)
                .body("state", equalTo("succeeded")).body("stateCode", equalTo(4))
                .body("attemptCount", equalTo(1)).body("nextCheck", nullValue())
                .body("attempts[0].state", equalTo("succeeded")).body("attempts[0].httpStatus", equalTo(200))
                .body("attempts[0].at", notNullValue());
        api().get("/api/v1/repeaters/" + repeater).then().statusCode(200)
                .body("records.succeeded", equalTo(1)).body("records.pending", equalTo(0))
                .body("paused", is(false)).body("nextAttemptAt", nullValue()).body("lastAttemptAt", nullValue());
    }

    @Test
    void secretsNeverComeBack() {
        String basic = api().body(Map.of("domain", "acme", "name", "basic", "url", receiver.url("/b"),
                        "auth", Map.of("type", "basic", "username", "svc", "password", "hunter2-pw"),
                        "headers", Map.of("X-Api-Key", "key-material-123")))
                .post("/api/v1/repeaters").then().statusCode(201)
                .body("auth.type", equalTo("basic")).body("auth.username", equalTo("svc"))
                .extract().asString();
        long id = io.restassured.path.json.JsonPath.from(basic).getLong("id");
        String fetched = api().get("/api/v1/repeaters/" + id).then().statusCode(200).extract().asString();
        for (String body : List.of(basic, fetched)) {
            assertFalse(body.contains("hunter2-pw"), body);
            assertFalse(body.contains("key-material-123"), body);
        }
        assertTrue(fetched.contains("X-Api-Key"), "header names are shown, values masked");
        String bearer = api().body(Map.of("domain", "acme", "name", "bearer", "url", receiver.url("/b"),
                        "auth", Map.of("type", "bearer", "token", "tok-456-secret")))
                .post("/api/v1/repeaters").then().statusCode(201).extract().asString();
        assertFalse(bearer.contains("tok-456-secret"), bearer);
    }

    @Test
    void malformedAndInvalidInputGetsAClearProblemAndWritesNothing() {
        api().body("{\"domain\": ").post("/api/v1/repeaters").then()
                .statusCode(400).contentType(PROBLEM).body("title", equalTo("Malformed JSON")).body("detail", notNullValue());
        api().body("{}").post("/api/v1/repeaters").then()
                .statusCode(400).contentType(PROBLEM).body("errors.field", hasItems("domain", "name", "url"));
        for (String url : List.of("ftp://example.org/x", "not a url", "http://", "https://user:pw@example.org/x", "/relative")) {
            api().body(Map.of("domain", "acme", "name", "n", "url", url)).post("/api/v1/repeaters").then()
                    .statusCode(400).contentType(PROBLEM).body("errors.field", hasItem("url"));
        }
        api().body(Map.of("domain", "acme", "name", "n", "url", "http://x.org", "batchSize", 0, "timeoutMs", 0, "method", "GET",
                        "auth", Map.of("type", "basic"), "headers", Map.of("Host", "evil", "bad name", "v")))
                .post("/api/v1/repeaters").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("batchSize", "timeoutMs", "method", "auth.username", "auth.password",
                        "headers.Host", "headers.bad name"));
        api().body("{\"domain\":\"acme\",\"name\":\"n\",\"url\":\"http://x.org\",\"timeoutMs\":\"soon\"}").post("/api/v1/repeaters")
                .then().statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("timeoutMs"));
        api().body("[]").post("/api/v1/repeaters").then().statusCode(400).contentType(PROBLEM);
        api().body("{\"domain\":\"acme\",\"name\":\"n\\u0000\",\"url\":\"http://x.org\",\"auth\":{\"type\":\"bearer\",\"token\":\"t\\u0000\"}}")
                .post("/api/v1/repeaters").then().statusCode(400).body("errors.field", containsInAnyOrder("name", "auth.token"));
        RestAssured.given().auth().oauth2(TOKEN).contentType(ContentType.TEXT).body("x").post("/api/v1/repeaters")
                .then().statusCode(415).contentType(PROBLEM);
        assertEquals(0, count("SELECT count(*) FROM repeater"), "no repeater half-written");

        long repeater = createRepeater("acme", receiver.url("/ok"), 1);
        String enqueue = "/api/v1/repeaters/" + repeater + "/records";
        api().body("[{\"payloadId\":\"ok\",\"payload\":1},{\"payload\":2},{\"payloadId\":\"y\"},5]").post(enqueue).then()
                .statusCode(400).contentType(PROBLEM)
                .body("errors.field", containsInAnyOrder("[1].payloadId", "[2].payload", "[3]"));
        api().body("[]").post(enqueue).then().statusCode(400).contentType(PROBLEM);
        api().body("[{\"payloadId\":\"nul\\u0000\",\"payload\":\"\\u0000\"}]").post(enqueue).then()
                .statusCode(400).body("errors.field", containsInAnyOrder("[0].payloadId"));
        api().body("{\"payloadId\":\"x\",\"payload\":1}").post(enqueue).then().statusCode(400).contentType(PROBLEM);
        api().body("[{\"payloadId\":\"x\",\"payload\":").post(enqueue).then().statusCode(400).contentType(PROBLEM);
        api().body("[{\"payloadId\":\"big\",\"payload\":\"" + "x".repeat(1_100_000) + "\"}]").post(enqueue).then()
                .statusCode(413).contentType(PROBLEM);
        assertEquals(0, count("SELECT count(*) FROM repeat_record_all"), "nothing enqueued from a bad call, not even its good items");

        api().body(Map.of("enabled", "maybe")).put("/api/v1/domains/acme/flags/process-repeaters").then()
                .statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("enabled"));
        api().body("{}").put("/api/v1/domains/acme/flags/process-repeaters").then().statusCode(400).contentType(PROBLEM);
        api().get("/api/v1/domains/bad domain!/flags/process-repeaters").then().statusCode(400).contentType(PROBLEM);
        assertEquals(0, count("SELECT count(*) FROM domain_flag"));
    }

    @Test
    void unknownIdsAreNotFound() {
        for (String path : List.of("/api/v1/repeaters/999999", "/api/v1/repeaters/abc", "/api/v1/repeaters/-1", "/api/v1/records/999999",
                "/api/v1/records/1e9")) {
            api().get(path).then().statusCode(404).contentType(PROBLEM).body("detail", containsString("does not exist"));
        }
        api().post("/api/v1/repeaters/999999/pause").then().statusCode(404).contentType(PROBLEM);
        api().post("/api/v1/repeaters/999999/resume").then().statusCode(404).contentType(PROBLEM);
        api().body("[{\"payloadId\":\"x\",\"payload\":1}]").post("/api/v1/repeaters/999999/records").then()
                .statusCode(404).contentType(PROBLEM);
        assertEquals(0, count("SELECT count(*) FROM repeat_record_all"));
    }

    @Test
    void domainFlagDefaultsAndToggles() {
        api().get("/api/v1/domains/acme/flags/process-repeaters").then().statusCode(200)
                .body("enabled", is(true)).body("source", equalTo("default"));
        api().body(Map.of("enabled", false)).put("/api/v1/domains/acme/flags/process-repeaters").then().statusCode(200)
                .body("enabled", is(false)).body("source", equalTo("domain"));
        api().get("/api/v1/domains/acme/flags/process-repeaters").then().statusCode(200).body("enabled", is(false));
        api().body(Map.of("enabled", true)).put("/api/v1/domains/acme/flags/process-repeaters").then().statusCode(200);
        api().get("/api/v1/domains/acme/flags/process-repeaters").then().body("enabled", is(true)).body("source", equalTo("domain"));
    }

    @Test
    void healthAndMetricsAreOpenAndReportDispatch() {
        RestAssured.get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Redis connection health check", "Reactive PostgreSQL connections health check"));
        // A domain of this test's own: the counter is cumulative over the whole run, and other tests deliver to "acme".
        String domain = "metrics-" + System.nanoTime();
        String attempts = "repeater_dispatch_attempts_total{domain=\"" + domain + "\",outcome=\"succeeded\",path=\"repeater\"}";
        assertEquals(0.0, counter(attempts), "no attempt counted for a domain nothing was sent to");
        long repeater = createRepeater(domain, receiver.url("/ok"), 1);
        enqueue(repeater, 2, "p");
        // the counter is counted just after the record's row is written: wait for the counter itself
        Await.until("both attempts counted", () -> counter(attempts) >= 2.0);
        assertEquals(2.0, counter(attempts), "this test's two attempts, no more");
        assertEquals(2, receiver.hits("/ok").size());
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("repeater_dispatch_batch_duration_seconds_count", "repeater_dispatch_backoffs_total",
                "repeater_dispatch_lock_acquired_total", "repeater_dispatch_lock_contended_total",
                "repeater_dispatch_in_flight", "repeater_dispatch_ready_repeaters")) {
            assertTrue(metrics.contains(name), name + " exposed");
        }
    }

    /** A counter's value in the Prometheus text, 0 while the series does not exist. */
    private static double counter(String series) {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).strip()))
                .findFirst().orElse(0.0);
    }
}
