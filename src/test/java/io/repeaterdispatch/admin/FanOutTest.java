package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.config.AdminConfig;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Fan-out by event type ({@code POST /api/v1/domains/{domain}/events}) against the real
 * PostgreSQL, Redis and an HTTP receiver: which repeaters get which events (exact names, prefixes,
 * every type; paused ones included, deleted ones and other domains not), all or nothing, the cap,
 * Idempotency-Key, and a fanned-out record delivered like any other. The test profile caps a call
 * at 100 records (admin.fan-out.max-records).
 */
@QuarkusTest
class FanOutTest extends IntegrationTest {

    private static final String KEY = "Idempotency-Key";
    private static final String REPLAYED = "Idempotent-Replayed";
    private static final String PROBLEM = "application/problem+json";
    private static final String NEVER = "http://127.0.0.1:9/never"; // paused repeaters never call it

    @Inject
    AdminConfig admin;

    @Test
    void eachEventGoesToEveryRepeaterSubscribedToItsTypeInOneCall() {
        long everything = paused("acme");
        long cases = paused("acme", "case.*");
        long createdAndForms = paused("acme", "case.created", "form.*");
        long exactlyCase = paused("acme", "case");
        long gone = paused("acme");
        api().delete("/api/v1/repeaters/" + gone).then().statusCode(200);
        long disabled = paused("acme");
        // as the result write disables a repeater whose endpoint answered 410 (V17)
        sql("UPDATE repeater SET disabled_at = now(), disabled_reason = 'gone' WHERE id = $1", disabled);
        long elsewhere = paused("zeta");

        Response answer = publish("acme", events(
                "case.created", "p0",
                "case.closed.late", "p1",
                "form.submitted", "p2",
                "case", "p3",
                "cases.x", "p4"));
        answer.then().statusCode(202).contentType("application/json").header(REPLAYED, nullValue())
                .body("domain", equalTo("acme")).body("count", equalTo(10));

        Map<Long, List<String>> expected = new LinkedHashMap<>();
        expected.put(everything, List.of("p0", "p1", "p2", "p3", "p4"));
        expected.put(cases, List.of("p0", "p1")); // case.* takes neither "case" nor "cases.x"
        expected.put(createdAndForms, List.of("p0", "p2"));
        expected.put(exactlyCase, List.of("p3"));
        Map<Long, List<Long>> answered = recordsOf(answer);
        assertEquals(expected.keySet(), answered.keySet(),
                "one entry per subscribed repeater: not the deleted one, nor the disabled one, nor another domain's");
        expected.forEach((repeater, payloadIds) -> {
            List<Long> ids = answered.get(repeater);
            assertEquals(payloadIds, payloadIdsOf(ids), "repeater " + repeater + ": its records, in event order");
            ids.forEach(id -> assertEquals(repeater, count("SELECT repeater_id FROM repeat_record WHERE id = $1", id)));
        });
        assertEquals(10, count("SELECT count(*) FROM repeat_record"), "nothing but the answered records");
        assertEquals(0, count("SELECT count(*) FROM repeat_record WHERE repeater_id IN ($1, $2)", gone, elsewhere));

        // each record carries its event type and its payload as given, and shows the type
        long first = answered.get(cases).get(1);
        Row row = sql("SELECT event_type, payload, domain FROM repeat_record WHERE id = $1", first).get(0);
        assertEquals("case.closed.late", row.getString("event_type"));
        assertEquals("{\"n\":1,\"type\":\"case.closed.late\"}", row.getString("payload"));
        api().get("/api/v1/records/" + first).then().statusCode(200).body("eventType", equalTo("case.closed.late"))
                .body("payloadId", equalTo("p1")).body("state", equalTo("pending"));
        api().get("/api/v1/repeaters/" + exactlyCase + "/records").then().statusCode(200)
                .body("items[0].eventType", equalTo("case"));

        // one audit row for the call, naming the domain and what it queued
        api().get("/api/v1/audit?action=events.fan-out").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].target", equalTo("domain/acme"))
                .body("items[0].detail.events", equalTo(5)).body("items[0].detail.records", equalTo(10))
                .body("items[0].detail.repeaters", equalTo(4));
    }

    /** A paused repeater takes its records, as the per-repeater enqueue gives them to it: they wait for the resume. */
    @Test
    void aPausedSubscriberGetsItsRecordsAndSendsThemOnceResumed() {
        long repeater = createRepeater(Map.of("domain", "acme", "name", "crm", "url", receiver.url("/hook"), "eventTypes", List.of("case.*")));
        api().post("/api/v1/repeaters/" + repeater + "/pause").then().statusCode(200);
        long id = recordsOf(publish("acme", events("case.created", "c-1")).then().statusCode(202).extract().response())
                .get(repeater).get(0);
        assertEquals(0, receiver.hits().size());
        api().post("/api/v1/repeaters/" + repeater + "/resume").then().statusCode(200);
        Await.until("the record delivered after the resume", () -> records(repeater, 4) == 1);
        assertEquals(1, receiver.hits("/hook").size());
        assertEquals(id, receiver.hits("/hook").get(0).recordId());
    }

    @Test
    void noSubscriberIsA202WithNoRecords() {
        paused("acme", "invoice.*");
        for (String domain : List.of("acme", "nobody-here")) {
            publish(domain, events("case.created", "p0")).then().statusCode(202)
                    .body("domain", equalTo(domain)).body("records", equalTo(Map.of())).body("count", equalTo(0));
        }
        assertEquals(0, count("SELECT count(*) FROM repeat_record"));
        // still a call that was made and answered: audited
        assertEquals(2, count("SELECT count(*) FROM admin_audit WHERE action = 'events.fan-out' AND (detail->>'records')::int = 0"));
    }

    /** One subscriber among others, unpaused: its record goes out through the dispatcher, the payload byte for byte. */
    @Test
    void aFannedOutRecordIsDeliveredLikeAnyOther() {
        long invoices = createRepeater(Map.of("domain", "shop", "name", "billing", "url", receiver.url("/billing"),
                "eventTypes", List.of("invoice.paid")));
        long voids = createRepeater(Map.of("domain", "shop", "name", "audit", "url", receiver.url("/voids"),
                "eventTypes", List.of("invoice.void")));
        String payload = "{\"invoice\":\"INV-7\",\"amount\":12.50,\"lines\":[{\"sku\":\"a\"}],\"note\":\"Zoë\"}";
        Response answer = publish("shop", "[{\"eventType\": \"invoice.paid\", \"payloadId\": \"INV-7\", \"payload\": " + payload + "}]");
        answer.then().statusCode(202).body("count", equalTo(1));
        long id = recordsOf(answer).get(invoices).get(0);

        Await.until("the invoice delivered", () -> records(invoices, 4) == 1);
        List<TestReceiver.Hit> hits = receiver.hits("/billing");
        assertEquals(1, hits.size());
        assertEquals(id, hits.get(0).recordId());
        assertEquals("INV-7", hits.get(0).payloadId());
        assertEquals("{\"invoice\":\"INV-7\",\"amount\":12.5,\"lines\":[{\"sku\":\"a\"}],\"note\":\"Zoë\"}", hits.get(0).body(),
                "the payload as an enqueue stores it; no event type is added to it");
        assertEquals(0, records(voids, 1) + receiver.hits("/voids").size(), "the other repeater subscribes to another type");
        // in history now, still showing its event type
        api().get("/api/v1/records/" + id).then().statusCode(200).body("state", equalTo("succeeded"))
                .body("eventType", equalTo("invoice.paid"));
        api().get("/api/v1/domains/shop/records").then().statusCode(200).body("items[0].eventType", equalTo("invoice.paid"));
    }

    @Test
    void aBadEventQueuesNothingAndEveryProblemIsNamed() {
        paused("acme");
        publish("acme", "[{\"eventType\": \"case.created\", \"payloadId\": \"p0\", \"payload\": 1, \"extra\": true},"
                + " {\"eventType\": \"case..x\", \"payloadId\": \"p1\", \"payload\": 1},"
                + " {\"eventType\": \"case.created\", \"payload\": 1},"
                + " {\"eventType\": \"case.*\", \"payloadId\": \"p3\", \"payload\": 1},"
                + " {\"eventType\": 7, \"payloadId\": \"p4\", \"payload\": 1},"
                + " {\"payloadId\": \"p5\", \"payload\": 1},"
                + " {\"eventType\": \"" + "x".repeat(201) + "\", \"payloadId\": \"p6\", \"payload\": 1},"
                + " {\"eventType\": \"ok.type\", \"payloadId\": \"p7\", \"payload\": 1}]")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("[0].extra", "[1].eventType", "[2].payloadId", "[3].eventType", "[4].eventType",
                        "[5].eventType", "[6].eventType")))
                .body("errors[0].message", containsString("accepted here: eventType, payload, payloadId"))
                .body("errors[1].message", containsString("segments separated by single dots"));
        publish("acme", "{\"eventType\": \"a\", \"payloadId\": \"p\", \"payload\": 1}").then().statusCode(400).contentType(PROBLEM);
        publish("acme", "[]").then().statusCode(400).contentType(PROBLEM);
        publish("-bad", events("a", "p")).then().statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("domain"));
        assertEquals(0, count("SELECT count(*) FROM repeat_record"));
        assertEquals(0, count("SELECT count(*) FROM admin_audit WHERE action = 'events.fan-out'"), "refused calls are not audited");
    }

    @Test
    void moreRecordsThanTheCapIsA413AndQueuesNothing() {
        int cap = admin.fanOut().maxRecords();
        assertEquals(100, cap, "the test profile's cap");
        for (int i = 0; i < 3; i++) {
            paused("acme");
        }
        paused("acme", "other.*"); // not subscribed: does not count
        String over = numbered(34, "o"); // 3 x 34 = 102
        publish("acme", over).then().statusCode(413).contentType(PROBLEM).body("status", equalTo(413))
                .body("detail", containsString("102 records")).body("detail", containsString("admin.fan-out.max-records (100)"));
        api().header(KEY, "big").body(over).post("/api/v1/domains/acme/events").then().statusCode(413);
        assertEquals(0, count("SELECT count(*) FROM repeat_record"));
        assertEquals(0, count("SELECT count(*) FROM admin_audit WHERE action = 'events.fan-out'"));
        assertEquals(0, count("SELECT count(*) FROM idempotency_key"), "a refused call leaves its key free");

        // 3 x 33 = 99, within the cap; the key the refused call carried is free
        Response within = api().header(KEY, "big").body(numbered(33, "w")).post("/api/v1/domains/acme/events");
        within.then().statusCode(202).header(REPLAYED, nullValue()).body("count", equalTo(99));
        assertEquals(99, count("SELECT count(*) FROM repeat_record"));
    }

    @Test
    void aRetryWithTheSameKeyAnswersTheFirstRecordsAndQueuesNothing() {
        long one = paused("acme", "case.*");
        long two = paused("acme");
        String body = events("case.created", "p0", "form.sent", "p1");
        Response first = keyed("acme", "evt-1", body);
        first.then().statusCode(202).header(REPLAYED, nullValue()).body("count", equalTo(3));
        Map<Long, List<Long>> ids = recordsOf(first);
        assertEquals(Set.of(one, two), ids.keySet());

        // the same events with other whitespace and order of each event's fields: the same request (a payload's key order counts)
        String same = "[ {\"payload\": {\"n\": 0, \"type\": \"case.created\"}, \"payloadId\": \"p0\", \"eventType\": \"case.created\"},"
                + "{\"eventType\":\"form.sent\",\"payloadId\":\"p1\",\"payload\":{\"n\":1,\"type\":\"form.sent\"}} ]";
        for (String retry : List.of(body, same)) {
            Response again = keyed("acme", "evt-1", retry);
            again.then().statusCode(202).header(REPLAYED, "true").body("count", equalTo(3));
            assertEquals(ids, recordsOf(again));
        }
        assertEquals(3, count("SELECT count(*) FROM repeat_record"), "nothing queued by the retries");
        assertEquals(1, count("SELECT count(*) FROM admin_audit WHERE action = 'events.fan-out'"));
        api().get("/api/v1/audit?action=events.fan-out").then().body("items[0].detail.idempotencyKey", equalTo("evt-1"));

        // the same key with other events: 422, nothing queued; another event type is another request
        for (String other : List.of(events("case.created", "p0"), events("case.closed", "p0", "form.sent", "p1"))) {
            keyed("acme", "evt-1", other).then().statusCode(422).contentType(PROBLEM)
                    .body("detail", containsString("other events")).body("detail", containsString("24h"));
        }
        assertEquals(3, count("SELECT count(*) FROM repeat_record"));

        // keys are scoped per domain, and apart from the per-repeater enqueue's
        long elsewhere = paused("zeta");
        keyed("zeta", "evt-1", body).then().statusCode(202).header(REPLAYED, nullValue()).body("count", equalTo(2));
        api().header(KEY, "evt-1").body("[{\"payloadId\": \"x\", \"payload\": 1}]").post("/api/v1/repeaters/" + one + "/records")
                .then().statusCode(202).header(REPLAYED, nullValue());
        assertEquals(2, records(elsewhere, 1));

        // a new subscriber since does not change what the key answers
        paused("acme");
        Response later = keyed("acme", "evt-1", body);
        later.then().statusCode(202).header(REPLAYED, "true");
        assertEquals(ids, recordsOf(later));

        // past the window the key is free again
        clock.advance(admin.idempotency().window().plusMinutes(1));
        Response fresh = keyed("acme", "evt-1", body);
        fresh.then().statusCode(202).header(REPLAYED, nullValue()).body("count", equalTo(5));
        assertNotEquals(ids, recordsOf(fresh));
    }

    /** Eight calls with one key at once (each on its own connection): one set of records, every answer its ids. */
    @Test
    void concurrentRetriesQueueOneSet() throws Exception {
        paused("acme");
        paused("acme", "case.*");
        String body = events("case.created", "p0", "case.closed", "p1");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/domains/acme/events");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json").header(KEY, "burst")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> answers = new HashSet<>();
        int replayed = 0;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            assertEquals(202, response.statusCode(), response.body());
            answers.add(JsonPath.from(response.body()).getMap("records").toString());
            replayed += response.headers().firstValue(REPLAYED).isPresent() ? 1 : 0;
        }
        assertEquals(1, answers.size(), "every answer carries the same records: " + answers);
        assertEquals(7, replayed, "all but the first are replays");
        assertEquals(4, count("SELECT count(*) FROM repeat_record"), "one set of records");
        assertEquals(1, count("SELECT count(*) FROM idempotency_key WHERE domain = 'acme'"));
        assertEquals(1, count("SELECT count(*) FROM admin_audit WHERE action = 'events.fan-out'"));
    }

    @Test
    void eventTypesAreSetOnCreateReplacedByPatchAndShownSorted() {
        long id = api().body(Map.of("domain", "acme", "name", "crm", "url", NEVER,
                        "eventTypes", List.of("form.*", "case.created", "case.created")))
                .post("/api/v1/repeaters").then().statusCode(201)
                .body("eventTypes", equalTo(List.of("case.created", "form.*"))).extract().jsonPath().getLong("id");
        String url = "/api/v1/repeaters/" + id;
        api().get(url).then().statusCode(200).body("eventTypes", equalTo(List.of("case.created", "form.*")));
        api().get("/api/v1/repeaters?domain=acme").then().statusCode(200).body("items[0].eventTypes", equalTo(List.of("case.created", "form.*")));

        api().body(Map.of("eventTypes", List.of("invoice.paid"))).patch(url).then().statusCode(200)
                .body("eventTypes", equalTo(List.of("invoice.paid")));
        api().body(Map.of("name", "renamed")).patch(url).then().statusCode(200).body("eventTypes", equalTo(List.of("invoice.paid")));
        api().get("/api/v1/audit?action=repeater.update").then().statusCode(200)
                .body("items[1].detail.before.eventTypes", equalTo(List.of("case.created", "form.*")))
                .body("items[1].detail.after.eventTypes", equalTo(List.of("invoice.paid")));
        api().body("{\"eventTypes\": null}").patch(url).then().statusCode(200).body("eventTypes", equalTo(List.of()));
        api().body("{\"eventTypes\": [\"a.b\"]}").patch(url).then().statusCode(200);
        api().body("{\"eventTypes\": []}").patch(url).then().statusCode(200).body("eventTypes", equalTo(List.of()));

        // every bad entry named; a refused PATCH changes nothing
        api().body("{\"eventTypes\": [\"ok\", \"\", \"*\", \"case.*.x\", \"a b\", \"case.\", null, \"" + "y".repeat(201) + "\"], \"name\": \"x\"}")
                .patch(url).then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", equalTo(List.of("eventTypes[1]", "eventTypes[2]", "eventTypes[3]", "eventTypes[4]", "eventTypes[5]",
                        "eventTypes[6]", "eventTypes[7]")))
                .body("errors[1].message", containsString("[] subscribes to every event type"));
        api().get(url).then().body("name", equalTo("renamed")).body("eventTypes", equalTo(List.of()));

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add("t" + i);
        }
        api().body(Map.of("domain", "acme", "name", "many", "url", NEVER, "eventTypes", many)).post("/api/v1/repeaters")
                .then().statusCode(400).body("errors.field", equalTo(List.of("eventTypes")));
        api().body("{\"domain\": \"acme\", \"name\": \"str\", \"url\": \"" + NEVER + "\", \"eventTypes\": \"case.*\"}")
                .post("/api/v1/repeaters").then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItems("eventTypes"));
        assertEquals(1, count("SELECT count(*) FROM repeater"));
    }

    @Test
    void aReadTokenCannotFanOut() {
        paused("acme");
        RestAssured.given().auth().oauth2("test-read-token").contentType("application/json").body(events("a", "p"))
                .post("/api/v1/domains/acme/events").then().statusCode(403).contentType(PROBLEM);
        RestAssured.given().contentType("application/json").body(events("a", "p"))
                .post("/api/v1/domains/acme/events").then().statusCode(401);
        assertEquals(0, count("SELECT count(*) FROM repeat_record"));
    }

    /** A repeater of {@code domain} subscribed to {@code types} (none: every type), paused so its records stay queued. */
    private long paused(String domain, String... types) {
        long id = createRepeater(Map.of("domain", domain, "name", "r-" + System.nanoTime(), "url", NEVER, "eventTypes", List.of(types)));
        api().post("/api/v1/repeaters/" + id + "/pause").then().statusCode(200);
        return id;
    }

    /** A body of events from (type, payload id) pairs; each payload is {"n": index, "type": type}. */
    private static String events(String... typesAndIds) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < typesAndIds.length; i += 2) {
            items.add("{\"eventType\": \"" + typesAndIds[i] + "\", \"payloadId\": \"" + typesAndIds[i + 1]
                    + "\", \"payload\": {\"n\": " + (i / 2) + ", \"type\": \"" + typesAndIds[i] + "\"}}");
        }
        return "[" + String.join(", ", items) + "]";
    }

    private static String numbered(int count, String prefix) {
        String[] pairs = new String[count * 2];
        for (int i = 0; i < count; i++) {
            pairs[2 * i] = "case.created";
            pairs[2 * i + 1] = prefix + i;
        }
        return events(pairs);
    }

    private static Response publish(String domain, String body) {
        return api().body(body).post("/api/v1/domains/" + domain + "/events");
    }

    private static Response keyed(String domain, String key, String body) {
        return api().header(KEY, key).body(body).post("/api/v1/domains/" + domain + "/events");
    }

    private static Map<Long, List<Long>> recordsOf(Response answer) {
        Map<String, List<Number>> raw = answer.jsonPath().getMap("records");
        Map<Long, List<Long>> records = new HashMap<>();
        raw.forEach((repeater, ids) -> records.put(Long.parseLong(repeater), ids.stream().map(Number::longValue).toList()));
        return records;
    }

    private List<String> payloadIdsOf(List<Long> ids) {
        List<String> payloadIds = new ArrayList<>();
        for (long id : ids) {
            payloadIds.add(sql("SELECT payload_id FROM repeat_record WHERE id = $1", id).get(0).getString(0));
        }
        return payloadIds;
    }
}
