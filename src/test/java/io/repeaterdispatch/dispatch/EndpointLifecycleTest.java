package io.repeaterdispatch.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.LogCapture;
import io.repeaterdispatch.testsupport.ReferenceVerifier;
import io.repeaterdispatch.testsupport.TcpProxy;
import io.repeaterdispatch.testsupport.TestReceiver;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Endpoint lifecycle (docs/api.md, "Disabled endpoints") against the real PostgreSQL, Redis and
 * HTTP receivers: a repeater failing for dispatch.lifecycle.disable-after (the default 5 days, on
 * the settable clock), answered 410 Gone (both paths), or asked by its receiver (only if it opted
 * in) is disabled: paused with a reason, audited, counted, and announced to the operator URL with
 * a signature the Standard Webhooks reference library accepts. A resume re-enables it. Neither the
 * repeater's signing secret nor the notification secret is answered after the first answer or logged.
 */
@QuarkusTest
@TestProfile(EndpointLifecycleTest.WithOperatorUrl.class)
class EndpointLifecycleTest extends IntegrationTest {

    static final String NOTIFY_SECRET = "whsec_bGlmZWN5Y2xlLXRlc3Qtbm90aWZ5LXNlY3JldC0zMmI=";
    private static final String PORT_PROPERTY = "repeater-dispatch.test.operator-port";
    private static final Duration DISABLE_AFTER = Duration.ofDays(5); // the default: the profile leaves it
    private static final int SUCCEEDED = 4, INVALID = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class WithOperatorUrl implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OperatorPort.class));
        }
    }

    /** Names the operator receiver's port in the configuration; the test starts the receiver (another class loader). */
    public static class OperatorPort implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            int port = TcpProxy.freePort();
            System.setProperty(PORT_PROPERTY, Integer.toString(port));
            return Map.of("dispatch.lifecycle.notify-url", "http://127.0.0.1:" + port + "/ops",
                    "dispatch.lifecycle.notify-secret", NOTIFY_SECRET);
        }

        @Override
        public void stop() {
        }
    }

    @Inject
    MeterRegistry registry;

    /** The operator's endpoint: dispatch.lifecycle.notify-url. */
    private TestReceiver operator;

    @BeforeEach
    void startOperator() {
        operator = TestReceiver.start(Integer.parseInt(System.getProperty(PORT_PROPERTY)));
    }

    @AfterEach
    void stopOperator() {
        operator.close();
    }

    @Test
    void aRepeaterWhoseBatchesFailForTheWholePeriodIsDisabledAuditedCountedAndAnnounced() {
        double before = disabledCount("failing");
        receiver.answer("/down", 500);
        long repeater = createRepeater("acme", receiver.url("/down"), 1);
        long healthy = createRepeater("acme", receiver.url("/up"), 1);
        enqueue(repeater, 1, "down");

        Await.until("the first batch failed", () -> repeater(repeater).getInteger("consecutive_failed_batches") == 1);
        Instant failingSince = instant(repeater(repeater), "failing_since");
        assertNotNull(failingSince, "a wholly failed batch starts the streak");
        api().get("/api/v1/repeaters/" + repeater).then().statusCode(200)
                .body("failingSince", org.hamcrest.Matchers.notNullValue())
                .body("disabled", org.hamcrest.Matchers.equalTo(false))
                .body("disabledReason", org.hamcrest.Matchers.nullValue());

        // four days on: it fails again; its backoff (2 × 4 days) ends when the streak reaches 5 days, not later
        advance(Duration.ofDays(4));
        Await.until("the second batch failed", () -> repeater(repeater).getInteger("consecutive_failed_batches") == 2);
        assertEquals(failingSince.plus(DISABLE_AFTER), instant(repeater(repeater), "next_attempt_at"));
        assertNull(repeater(repeater).getValue("disabled_at"));

        advance(Duration.ofDays(1));
        Await.until("disabled", () -> repeater(repeater).getValue("disabled_at") != null);
        Row row = repeater(repeater);
        assertEquals("failing", row.getString("disabled_reason"));
        assertTrue(row.getBoolean("is_paused"), "a disabled repeater is a paused one");
        JsonPath view = api().get("/api/v1/repeaters/" + repeater).then().statusCode(200).extract().jsonPath();
        assertTrue(view.getBoolean("disabled"));
        assertTrue(view.getBoolean("paused"));
        assertEquals("failing", view.getString("disabledReason"));
        assertEquals(instant(row, "disabled_at"), Instant.parse(view.getString("disabledAt")));
        assertEquals(failingSince, Instant.parse(view.getString("failingSince")));
        assertEquals(List.of(repeater), api().get("/api/v1/repeaters?disabled=true").then().statusCode(200)
                .extract().jsonPath().getList("items.id", Long.class));

        JsonPath audit = api().get("/api/v1/audit?action=repeater.disable").then().statusCode(200).extract().jsonPath();
        assertEquals(1, audit.getList("items").size());
        assertEquals("system", audit.getString("items[0].actor"));
        assertEquals("repeater/" + repeater, audit.getString("items[0].target"));
        assertEquals("failing", audit.getString("items[0].detail.reason"));
        assertEquals(failingSince, Instant.parse(audit.getString("items[0].detail.failingSince")));
        assertEquals(before + 1, disabledCount("failing"));

        TestReceiver.Hit announced = awaitAnnouncements(1).get(0);
        assertAnnounced(announced, repeater, "acme", "failing");
        assertEquals(failingSince, Instant.parse(body(announced).path("data").path("failingSince").asText()));

        // not dispatched any more: a healthy repeater's record enqueued with one of its own goes, its own stays
        int hitsBefore = receiver.hits("/down").size();
        long waiting = enqueue(repeater, 1, "later").get(0);
        enqueue(healthy, 1, "up");
        advance(Duration.ofDays(1));
        Await.until("the healthy repeater's record delivered", () -> records(healthy, SUCCEEDED) == 1);
        assertEquals(hitsBefore, receiver.hits("/down").size(), "a disabled repeater is not dispatched");
        assertEquals(1, count("SELECT count(*) FROM repeat_record WHERE id = $1", waiting), "its records wait in the queue");
    }

    @Test
    void aSuccessEndsTheStreakSoARepeaterFailingOnAndOffIsNotDisabled() {
        AtomicInteger status = new AtomicInteger(500);
        receiver.answer("/flaky", hit -> CompletableFuture.completedFuture(TestReceiver.Reply.of(status.get())));
        long repeater = createRepeater("acme", receiver.url("/flaky"), 1);
        enqueue(repeater, 1, "a");
        Await.until("the first batch failed", () -> repeater(repeater).getValue("failing_since") != null);

        status.set(200);
        advance(Duration.ofDays(3));
        Await.until("the retry succeeded", () -> records(repeater, SUCCEEDED) == 1);
        assertNull(repeater(repeater).getValue("failing_since"), "an answered batch ends the streak");

        status.set(500);
        enqueue(repeater, 1, "b");
        Await.until("a new streak", () -> repeater(repeater).getValue("failing_since") != null);
        Instant streak = instant(repeater(repeater), "failing_since");
        advance(Duration.ofDays(3)); // six days after the first failure, three into this streak
        Await.until("the next batch failed", () -> repeater(repeater).getInteger("consecutive_failed_batches") == 2);
        Row row = repeater(repeater);
        assertNull(row.getValue("disabled_at"), "failing six days, but not continuously: not disabled");
        assertFalse(row.getBoolean("is_paused"));
        assertEquals(streak.plus(DISABLE_AFTER), instant(row, "next_attempt_at"), "tried again when this streak reaches 5 days");
        assertTrue(operator.hits().isEmpty());
    }

    @Test
    void a410DisablesTheRepeaterAtOnceOnBothPaths() {
        double before = disabledCount("gone");
        receiver.answer("/gone", 410);
        long batched = createRepeater("acme", receiver.url("/gone"), 1);
        api().body(Map.of("enabled", false)).put("/api/v1/domains/legacy-co/flags/process-repeaters").then().statusCode(200);
        long legacy = createRepeater("legacy-co", receiver.url("/gone"), 1);
        long batchedRecord = enqueue(batched, 1, "b").get(0);
        enqueue(legacy, 1, "l");

        Await.until("both disabled", () -> repeater(batched).getValue("disabled_at") != null && repeater(legacy).getValue("disabled_at") != null);
        for (long id : List.of(batched, legacy)) {
            api().get("/api/v1/repeaters/" + id).then().statusCode(200)
                    .body("disabled", org.hamcrest.Matchers.equalTo(true))
                    .body("paused", org.hamcrest.Matchers.equalTo(true))
                    .body("disabledReason", org.hamcrest.Matchers.equalTo("gone"))
                    .body("failingSince", org.hamcrest.Matchers.nullValue()); // it answered: no failing streak
        }
        assertEquals(1, records(batched, INVALID), "the record's own outcome is as before: a 4xx is an invalid payload");
        api().get("/api/v1/records/" + batchedRecord).then().statusCode(200)
                .body("attempts[0].httpStatus", org.hamcrest.Matchers.equalTo(410));
        assertEquals(before + 2, disabledCount("gone"));
        assertEquals(2, api().get("/api/v1/audit?action=repeater.disable").then().statusCode(200)
                .extract().jsonPath().getList("items").size());
        List<TestReceiver.Hit> announced = awaitAnnouncements(2);
        List<Long> ids = new ArrayList<>();
        for (TestReceiver.Hit hit : announced) {
            ids.add(body(hit).path("data").path("repeaterId").asLong());
            assertTrue(ReferenceVerifier.verify(NOTIFY_SECRET, hit).ok(), "signed: " + ReferenceVerifier.verify(NOTIFY_SECRET, hit).error());
        }
        assertEquals(List.of(batched, legacy), ids.stream().sorted().toList());
    }

    @Test
    void aReceiverAskingToBeDisabledIsHeardOnlyWhereTheRepeaterOptedIn() {
        receiver.answer("/stop", hit -> CompletableFuture.completedFuture(
                new TestReceiver.Reply(200, Map.of("webhook-delivery", "disable"), "")));
        long optedIn = createRepeater(Map.of("domain", "acme", "name", "in", "url", receiver.url("/stop"), "batchSize", 1,
                "lifecycle", Map.of("honorDisableHeader", true)));
        long plain = createRepeater("acme", receiver.url("/stop"), 1);
        api().get("/api/v1/repeaters/" + optedIn).then().statusCode(200)
                .body("lifecycle.honorDisableHeader", org.hamcrest.Matchers.equalTo(true));
        api().get("/api/v1/repeaters/" + plain).then().statusCode(200)
                .body("lifecycle.honorDisableHeader", org.hamcrest.Matchers.equalTo(false));
        enqueue(optedIn, 1, "i");
        enqueue(plain, 1, "p");

        Await.until("both delivered and recorded", () -> records(optedIn, SUCCEEDED) == 1 && records(plain, SUCCEEDED) == 1);
        assertEquals("receiver-requested", repeater(optedIn).getString("disabled_reason"));
        assertTrue(repeater(optedIn).getBoolean("is_paused"));
        assertNull(repeater(plain).getValue("disabled_at"), "not opted in: the header changes nothing");
        assertFalse(repeater(plain).getBoolean("is_paused"));
        assertAnnounced(awaitAnnouncements(1).get(0), optedIn, "acme", "receiver-requested");

        // the setting is the repeater's to change, and refused when malformed
        api().body(Map.of("lifecycle", Map.of("honorDisableHeader", true))).patch("/api/v1/repeaters/" + plain).then().statusCode(200)
                .body("lifecycle.honorDisableHeader", org.hamcrest.Matchers.equalTo(true));
        api().body(Map.of("lifecycle", Map.of())).patch("/api/v1/repeaters/" + plain).then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("lifecycle.honorDisableHeader"));
        api().body(Map.of("lifecycle", Map.of("honorDisableheader", true))).patch("/api/v1/repeaters/" + plain).then().statusCode(400);
    }

    @Test
    void aResumeReEnablesItAndItDeliversAgainWhileNoSecretIsAnsweredAgainOrLogged() {
        try (LogCapture logs = LogCapture.start()) {
            AtomicInteger status = new AtomicInteger(410);
            receiver.answer("/moved", hit -> CompletableFuture.completedFuture(TestReceiver.Reply.of(status.get())));
            String created = api().body(Map.of("domain", "acme", "name", "moved", "url", receiver.url("/moved"), "batchSize", 1))
                    .post("/api/v1/repeaters").then().statusCode(201).extract().asString();
            long repeater = JsonPath.from(created).getLong("id");
            String signingSecret = JsonPath.from(created).getString("signingSecret");
            assertTrue(signingSecret.startsWith("whsec_"));
            enqueue(repeater, 1, "x");
            Await.until("disabled", () -> repeater(repeater).getValue("disabled_at") != null);
            awaitAnnouncements(1);

            List<String> answers = new ArrayList<>();
            answers.add(api().get("/api/v1/repeaters/" + repeater).then().statusCode(200).extract().asString());
            answers.add(api().get("/api/v1/repeaters?disabled=true").then().statusCode(200).extract().asString());
            String resumed = api().post("/api/v1/repeaters/" + repeater + "/resume").then().statusCode(200).extract().asString();
            answers.add(resumed);
            JsonPath view = JsonPath.from(resumed);
            assertFalse(view.getBoolean("disabled"));
            assertFalse(view.getBoolean("paused"));
            assertNull(view.get("disabledReason"));
            assertNull(view.get("disabledAt"));
            Row row = repeater(repeater);
            assertNull(row.getValue("disabled_at"));
            assertNull(row.getValue("disabled_reason"));

            status.set(200);
            enqueue(repeater, 1, "y");
            Await.until("delivered again", () -> records(repeater, SUCCEEDED) == 1);

            answers.add(api().get("/api/v1/audit").then().statusCode(200).extract().asString());
            answers.add(api().get("/api/v1/repeaters").then().statusCode(200).extract().asString());
            JsonPath audit = api().get("/api/v1/audit?action=repeater.resume").then().statusCode(200).extract().jsonPath();
            assertEquals(true, audit.getBoolean("items[0].detail.before.disabled"));
            assertEquals(false, audit.getBoolean("items[0].detail.after.disabled"));
            for (String answer : answers) {
                assertFalse(answer.contains(signingSecret), "the signing secret answered again: " + answer);
                assertFalse(answer.contains(NOTIFY_SECRET), "the notification secret answered: " + answer);
            }
            assertTrue(logs.logged("repeater disabled repeater=" + repeater), "the disable is logged");
            assertTrue(logs.logged("operator notified of disabled repeater repeater=" + repeater));
            for (String line : logs.lines()) {
                assertFalse(line.contains(signingSecret), "the signing secret logged: " + line);
                assertFalse(line.contains(NOTIFY_SECRET) || line.contains(NOTIFY_SECRET.substring("whsec_".length())),
                        "the notification secret logged: " + line);
            }
        }
    }

    /** An operator endpoint that fails is tried again, with the same message id, and then it arrives. */
    @Test
    void aFailedAnnouncementIsTriedAgainUnderTheSameMessageId() {
        AtomicInteger calls = new AtomicInteger();
        operator.answer("/ops", hit -> CompletableFuture.completedFuture(TestReceiver.Reply.of(calls.incrementAndGet() == 1 ? 503 : 204)));
        receiver.answer("/gone", 410);
        long repeater = createRepeater("acme", receiver.url("/gone"), 1);
        enqueue(repeater, 1, "g");

        List<TestReceiver.Hit> hits = awaitAnnouncements(2);
        assertEquals(hits.get(0).header("webhook-id"), hits.get(1).header("webhook-id"));
        assertEquals(hits.get(0).body(), hits.get(1).body());
        assertAnnounced(hits.get(1), repeater, "acme", "gone");
    }

    private void assertAnnounced(TestReceiver.Hit hit, long repeater, String domain, String reason) {
        ReferenceVerifier.Verdict verdict = ReferenceVerifier.verify(NOTIFY_SECRET, hit);
        assertTrue(verdict.ok(), "the reference library refused the announcement: " + verdict.error());
        assertEquals("application/json", hit.header("content-type"));
        assertNull(hit.header("x-repeat-record-id"), "an announcement is no delivery of a record");
        JsonNode body = body(hit);
        assertEquals("repeater.disabled", body.path("type").asText());
        assertEquals(repeater, body.path("data").path("repeaterId").asLong());
        assertEquals(domain, body.path("data").path("domain").asText());
        assertEquals(reason, body.path("data").path("reason").asText());
        assertEquals(instant(repeater(repeater), "disabled_at"), Instant.parse(body.path("data").path("disabledAt").asText()));
    }

    private List<TestReceiver.Hit> awaitAnnouncements(int n) {
        Await.until(n + " announcement(s) at the operator URL", () -> operator.hits("/ops").size() >= n);
        return operator.hits("/ops");
    }

    private static JsonNode body(TestReceiver.Hit hit) {
        try {
            return JSON.readTree(hit.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + hit.body(), e);
        }
    }

    private double disabledCount(String reason) {
        Counter counter = registry.find("repeater.dispatch.repeaters.disabled").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
