package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin routes beyond create/read: lists, updates, deletes, record transitions, domains, audit. */
@QuarkusTest
class AdminRoutesTest extends IntegrationTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String UNROUTABLE = "http://127.0.0.1:9/never"; // paused repeaters never call it

    @Test
    void repeatersAreListedWithFiltersBackoffStateAndQueuedCounts() {
        long a1 = createRepeater("alpha", UNROUTABLE, 1);
        long a2 = createRepeater("alpha", UNROUTABLE, 1);
        long b1 = createRepeater("beta", UNROUTABLE, 1);
        long b2 = createRepeater("beta", UNROUTABLE, 1);
        long gone = createRepeater("beta", UNROUTABLE, 1);
        sql("UPDATE repeater SET is_paused = true");
        enqueue(a1, 3, "a1-");
        sql("UPDATE repeat_record SET state = 2 WHERE id = (SELECT min(id) FROM repeat_record_all)");
        Instant until = clock.now().plus(Duration.ofHours(2));
        sql("UPDATE repeater SET next_attempt_at = $1, last_attempt_at = $2, consecutive_failed_batches = 3, is_paused = false "
                + "WHERE id = $3", until.atOffset(java.time.ZoneOffset.UTC), clock.now().atOffset(java.time.ZoneOffset.UTC), b1);
        api().delete("/api/v1/repeaters/" + gone).then().statusCode(200).body("deleted", equalTo(true));

        JsonPath all = api().get("/api/v1/repeaters").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(a1, a2, b1, b2), all.getList("items.id", Long.class), "id order, deleted left out");
        assertNull(all.get("next"));
        assertEquals(2, all.getInt("items[0].records.pending"));
        assertEquals(1, all.getInt("items[0].records.failed"));
        assertEquals(3, all.getInt("items[2].consecutiveFailedBatches"));
        assertNotNull(all.get("items[2].nextAttemptAt"));

        assertEquals(List.of(b1, b2), ids("/api/v1/repeaters?domain=beta"));
        assertEquals(List.of(b1), ids("/api/v1/repeaters?backedOff=true"));
        assertEquals(List.of(a1, a2, b2), ids("/api/v1/repeaters?backedOff=false"));
        assertEquals(List.of(b1), ids("/api/v1/repeaters?paused=false"));
        assertEquals(List.of(gone), ids("/api/v1/repeaters?deleted=true"));

        api().get("/api/v1/repeaters?paused=maybe&limit=0&cursor=zzz").then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItems("paused", "limit", "cursor"));
    }

    @Test
    void keysetPagesNeitherRepeatNorSkipWhileRowsAreInserted() {
        long repeater = createRepeater("acme", UNROUTABLE, 1);
        sql("UPDATE repeater SET is_paused = true");
        Set<Long> original = new HashSet<>(enqueue(repeater, 23, "p-"));
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String url = "/api/v1/repeaters/" + repeater + "/records?limit=5" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonPath page = api().get(url).then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id", Long.class));
            cursor = page.getString("next");
            enqueue(repeater, 2, "late-" + pages + "-"); // newer records land before the first page, never in later ones
            pages++;
        } while (cursor != null);
        assertEquals(5, pages);
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no record twice");
        assertEquals(original, new HashSet<>(seen), "every record that existed at the start, exactly once");
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) < seen.get(i - 1), "newest first");
        }

        // repeaters page forwards in id order; ones created meanwhile show up at the end, once
        List<Long> repeaters = new ArrayList<>(List.of(repeater));
        for (int i = 0; i < 6; i++) {
            repeaters.add(createRepeater("acme", UNROUTABLE, 1));
        }
        List<Long> walked = new ArrayList<>();
        cursor = null;
        do {
            JsonPath page = api().get("/api/v1/repeaters?limit=3" + (cursor == null ? "" : "&cursor=" + cursor))
                    .then().statusCode(200).extract().jsonPath();
            walked.addAll(page.getList("items.id", Long.class));
            cursor = page.getString("next");
            if (walked.size() == 3) {
                repeaters.add(createRepeater("acme", UNROUTABLE, 1));
            }
        } while (cursor != null);
        assertEquals(repeaters, walked);
    }

    @Test
    void recordsAreFilteredByStateAndPayloadIdPerRepeaterAndPerDomain() {
        long one = createRepeater("acme", UNROUTABLE, 1);
        long two = createRepeater("acme", UNROUTABLE, 1);
        long other = createRepeater("zeta", UNROUTABLE, 1);
        sql("UPDATE repeater SET is_paused = true");
        List<Long> ones = enqueue(one, 4, "case-");
        List<Long> twos = enqueue(two, 2, "case-");
        enqueue(other, 2, "case-");
        finish(4, ones.get(0), twos.get(1));

        assertEquals(List.of(ones.get(3), ones.get(2), ones.get(1)),
                recordIds("/api/v1/repeaters/" + one + "/records?state=pending"));
        assertEquals(List.of(twos.get(1), ones.get(0)), recordIds("/api/v1/domains/acme/records?state=succeeded"));
        assertEquals(List.of(twos.get(0), ones.get(0)), recordIds("/api/v1/domains/acme/records?payloadId=case-0"));
        assertEquals(List.of(twos.get(1), twos.get(0)), recordIds("/api/v1/domains/acme/records?state=pending,succeeded&limit=2"));
        api().get("/api/v1/domains/acme/records?state=lost").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("state"));
        api().get("/api/v1/repeaters/999999/records").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void aRecordShowsItsAttemptsAndItsPayloadExactly() {
        long repeater = createRepeater("acme", receiver.url("/fail"), 1);
        receiver.answer("/fail", 503);
        long id = api().body("[{\"payloadId\":\"doc-1\",\"payload\":{\"name\":\"Zoë\",\"tags\":[1,2]}}]")
                .post("/api/v1/repeaters/" + repeater + "/records").then().statusCode(202)
                .extract().jsonPath().getLong("recordIds[0]");
        io.repeaterdispatch.testsupport.Await.until("one attempt", () -> count(
                "SELECT count(*) FROM repeat_record_attempt WHERE record_id = $1", id) == 1);
        api().get("/api/v1/records/" + id).then().statusCode(200)
                .body("state", equalTo("failed")).body("attempts[0].httpStatus", equalTo(503))
                .body("attempts[0].state", equalTo("failed")).body("contentType", equalTo("application/json"));
        String payload = api().get("/api/v1/records/" + id + "/payload").then().statusCode(200)
                .contentType(containsString("application/json")).extract().asString();
        assertEquals("{\"name\":\"Zoë\",\"tags\":[1,2]}", payload);
        api().get("/api/v1/records/424242/payload").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void singleRecordTransitionsFollowTheStateRulesAndAnswer409Otherwise() {
        long repeater = createRepeater("acme", UNROUTABLE, 1);
        sql("UPDATE repeater SET is_paused = true");
        List<Long> ids = enqueue(repeater, 4, "t-");
        long pending = ids.get(0), succeeded = ids.get(1), cancelled = ids.get(2), leased = ids.get(3);
        sql("UPDATE repeat_record SET attempt_count = 1 WHERE id = $1", succeeded);
        sql("UPDATE repeat_record SET attempt_count = 6 WHERE id = $1", cancelled);
        finish(4, succeeded);
        finish(8, cancelled);
        sql("UPDATE repeat_record SET state = 2, attempt_count = 2, lease_until = now() + interval '5 minutes', "
                + "claim_token = gen_random_uuid() WHERE id = $1", leased);

        api().post("/api/v1/records/" + pending + "/requeue").then().statusCode(409).contentType(PROBLEM)
                .body("detail", containsString("state pending"));
        api().post("/api/v1/records/" + pending + "/resend").then().statusCode(409);
        api().post("/api/v1/records/" + succeeded + "/cancel").then().statusCode(409);
        api().post("/api/v1/records/" + leased + "/requeue").then().statusCode(409)
                .body("detail", containsString("being delivered"));

        api().post("/api/v1/records/" + cancelled + "/requeue").then().statusCode(200)
                .body("state", equalTo("failed")).body("attemptCount", equalTo(0)).body("nextCheck", notNullValue());
        api().post("/api/v1/records/" + succeeded + "/resend").then().statusCode(200)
                .body("state", equalTo("pending")).body("attemptCount", equalTo(0));
        api().post("/api/v1/records/" + pending + "/cancel").then().statusCode(200)
                .body("state", equalTo("cancelled")).body("nextCheck", nullValue());
        // cancelling a record a dispatcher holds wins: its token is gone, so the late result write is fenced out
        api().post("/api/v1/records/" + leased + "/cancel").then().statusCode(200).body("state", equalTo("cancelled"));
        assertNull(sql("SELECT claim_token FROM repeat_record_all WHERE id = $1", leased).get(0).getValue(0));

        api().get("/api/v1/audit?action=record.requeue").then().statusCode(200)
                .body("items[0].target", equalTo("record/" + cancelled))
                .body("items[0].detail.before.state", equalTo("cancelled"))
                .body("items[0].detail.after.state", equalTo("failed"));
        api().post("/api/v1/records/0/cancel").then().statusCode(404);
    }

    @Test
    void bulkTransitionsChangeTheMatchingRecordsInOneStatementAndSayHowMany() {
        long repeater = createRepeater("acme", UNROUTABLE, 1);
        long bystander = createRepeater("acme", UNROUTABLE, 1);
        sql("UPDATE repeater SET is_paused = true");
        List<Long> early = enqueue(repeater, 6, "e-");
        Instant cut = clock.now().plusSeconds(1);
        clock.advance(Duration.ofSeconds(2));
        List<Long> late = enqueue(repeater, 4, "l-");
        enqueue(bystander, 5, "b-");
        // early: 3 cancelled, 2 succeeded, 1 pending; late: 2 cancelled, 1 invalid, 1 pending
        finish(8, early.get(0), early.get(1), early.get(2), late.get(0), late.get(1));
        finish(4, early.get(3), early.get(4));
        finish(32, late.get(2));

        String base = "/api/v1/repeaters/" + repeater + "/records/";
        api().body(Map.of("state", List.of("cancelled"), "registeredBefore", cut.toString()))
                .post(base + "requeue").then().statusCode(200).body("changed", equalTo(3)).body("action", equalTo("requeue"));
        assertEquals(3, count("SELECT count(*) FROM repeat_record_all WHERE id = ANY($1) AND state = 2 AND attempt_count = 0",
                (Object) new Long[]{early.get(0), early.get(1), early.get(2)}));
        api().body(Map.of("state", List.of("cancelled", "invalid_payload"), "registeredAfter", cut.toString()))
                .post(base + "requeue").then().statusCode(200).body("changed", equalTo(3));
        api().body("{}").post(base + "resend").then().statusCode(200).body("changed", equalTo(2));
        api().body(Map.of("state", List.of("succeeded"))).post(base + "cancel").then().statusCode(409).contentType(PROBLEM);
        api().body(Map.of("state", List.of("bogus"))).post(base + "cancel").then().statusCode(400)
                .body("errors[0].field", equalTo("state"));
        api().body(Map.of("registeredAfter", "yesterday")).post(base + "cancel").then().statusCode(400)
                .body("errors[0].field", equalTo("registeredAfter"));
        api().body("{}").post(base + "cancel").then().statusCode(200).body("changed", equalTo(10));
        assertEquals(10, records(repeater, 8));
        assertEquals(5, records(bystander, 1), "other repeaters' records are untouched");
        api().body("{}").post(base + "cancel").then().statusCode(200).body("changed", equalTo(0));
        api().body("{}").post("/api/v1/repeaters/999999/records/cancel").then().statusCode(404);

        api().get("/api/v1/audit?action=records.requeue").then().statusCode(200)
                .body("items.detail.changed", equalTo(List.of(3, 3)))
                .body("items[1].detail.filter.state", equalTo(List.of("cancelled")))
                .body("items[0].actor", equalTo("ci-admin"));
    }

    @Test
    void updatesChangeOnlyWhatIsGivenAndANewUrlDropsTheBackoff() {
        long id = createRepeater(Map.of("domain", "acme", "name", "crm", "url", UNROUTABLE,
                "auth", Map.of("type", "bearer", "token", "old-secret-token"), "headers", Map.of("X-A", "1")));
        sql("UPDATE repeater SET next_attempt_at = now() + interval '1 hour', consecutive_failed_batches = 2 WHERE id = $1", id);

        String storedSecret = repeater(id).getString("auth_secret");
        api().body(Map.of("timeoutMs", 5000, "batchSize", 20)).patch("/api/v1/repeaters/" + id).then().statusCode(200)
                .body("timeoutMs", equalTo(5000)).body("batchSize", equalTo(20)).body("name", equalTo("crm"))
                .body("auth.type", equalTo("bearer")).body("consecutiveFailedBatches", equalTo(2));
        assertEquals(storedSecret, repeater(id).getString("auth_secret"), "credentials kept when auth is left out");

        api().body(Map.of("url", receiver.url("/new"), "auth", Map.of("type", "basic", "username", "u", "password", "new-pw-123")))
                .patch("/api/v1/repeaters/" + id).then().statusCode(200)
                .body("url", equalTo(receiver.url("/new"))).body("auth.type", equalTo("basic"))
                .body("nextAttemptAt", nullValue()).body("consecutiveFailedBatches", equalTo(0))
                .body(not(containsString("new-pw-123")));
        api().body(Map.of("headers", Map.of())).patch("/api/v1/repeaters/" + id).then().statusCode(200)
                .body("headers.size()", equalTo(0));

        api().body(Map.of("domain", "other", "colour", "red", "name", "")).patch("/api/v1/repeaters/" + id)
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", hasItems("domain", "colour"));
        api().body(Map.of("batchSize", 0, "url", "ftp://x/y")).patch("/api/v1/repeaters/" + id)
                .then().statusCode(400).body("errors.field", hasItems("batchSize", "url"));
        api().body("{\"timeoutMs\": null}").patch("/api/v1/repeaters/" + id).then().statusCode(400)
                .body("errors[0].field", equalTo("timeoutMs"));
        api().body("{\"timeoutMs\": \"soon\"}").patch("/api/v1/repeaters/" + id).then().statusCode(400).contentType(PROBLEM);
        api().body("{}").patch("/api/v1/repeaters/" + id).then().statusCode(400).contentType(PROBLEM);
        api().body(Map.of("url", "http://169.254.169.254/latest/meta-data")).patch("/api/v1/repeaters/" + id)
                .then().statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("url"));
        assertEquals(5000, repeater(id).getInteger("timeout_ms"), "refused updates wrote nothing");
        assertEquals(receiver.url("/new"), repeater(id).getString("url"));

        String audit = api().get("/api/v1/audit?action=repeater.update").then().statusCode(200)
                .body("items.size()", equalTo(3))
                .body("items[1].detail.before.nextAttemptAt", notNullValue())
                .body("items[1].detail.after.nextAttemptAt", nullValue())
                .body("items[1].detail.fields", hasItems("auth", "url"))
                .extract().asString();
        assertFalse(audit.contains("new-pw-123") || audit.contains("old-secret-token"), audit);
    }

    @Test
    void aDeletedRepeaterStopsAndItsRecordsStayReadable() {
        long id = createRepeater("acme", receiver.url("/x"), 1);
        sql("UPDATE repeater SET is_paused = true");
        List<Long> ids = enqueue(id, 3, "d-");
        api().delete("/api/v1/repeaters/" + id).then().statusCode(200)
                .body("deleted", equalTo(true)).body("records.cancelled", equalTo(3)).body("records.pending", equalTo(0));
        api().get("/api/v1/records/" + ids.get(0)).then().statusCode(200).body("state", equalTo("cancelled"));
        api().get("/api/v1/repeaters/" + id + "/records").then().statusCode(200).body("items.size()", equalTo(3));
        api().body(Map.of("name", "again")).patch("/api/v1/repeaters/" + id).then().statusCode(409).contentType(PROBLEM);
        api().post("/api/v1/repeaters/" + id + "/resume").then().statusCode(409);
        api().delete("/api/v1/repeaters/" + id).then().statusCode(409);
        api().body("[{\"payloadId\":\"x\",\"payload\":1}]").post("/api/v1/repeaters/" + id + "/records").then().statusCode(404);
        api().get("/api/v1/audit?action=repeater.delete").then().body("items[0].detail.cancelledRecords", equalTo(3));
    }

    @Test
    void domainsAreListedWithTheirFlagAndQueuedCounts() {
        long a = createRepeater("alpha", UNROUTABLE, 1);
        createRepeater("beta", UNROUTABLE, 1);
        sql("UPDATE repeater SET is_paused = true");
        enqueue(a, 3, "q-");
        sql("UPDATE repeat_record SET state = 2 WHERE id = (SELECT min(id) FROM repeat_record_all)");
        api().body(Map.of("enabled", false)).put("/api/v1/domains/gamma/flags/process-repeaters").then().statusCode(200);

        JsonPath first = api().get("/api/v1/domains?limit=2").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("alpha", "beta"), first.getList("items.domain"));
        assertEquals(2, first.getInt("items[0].queued.pending"));
        assertEquals(1, first.getInt("items[0].queued.failed"));
        assertEquals(1, first.getInt("items[0].repeaters"));
        assertEquals("default", first.getString("items[0].flagSource"));
        JsonPath second = api().get("/api/v1/domains?limit=2&cursor=" + first.getString("next")).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("gamma"), second.getList("items.domain"));
        assertEquals(false, second.getBoolean("items[0].processRepeaters"));
        assertEquals("domain", second.getString("items[0].flagSource"));
        assertNull(second.get("next"));
        api().get("/api/v1/audit?action=domain.flag.set").then().body("items[0].detail.before.source", equalTo("default"))
                .body("items[0].detail.after.enabled", equalTo(false)).body("items[0].target", equalTo("domain/gamma"));
    }

    @Test
    void theAuditTrailListsEveryChangeNewestFirstInPages() {
        long id = createRepeater("acme", UNROUTABLE, 1);
        api().post("/api/v1/repeaters/" + id + "/pause").then().statusCode(200);
        enqueue(id, 2, "a-");
        api().post("/api/v1/repeaters/" + id + "/resume").then().statusCode(200);
        api().get("/api/v1/repeaters/" + id).then().statusCode(200); // reads are not audited

        JsonPath page1 = api().get("/api/v1/audit?limit=2").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("repeater.resume", "records.enqueue"), page1.getList("items.action"));
        assertEquals(2, page1.getInt("items[1].detail.records"));
        assertEquals(List.of("ci-admin", "ci-admin"), page1.getList("items.actor"));
        JsonPath page2 = api().get("/api/v1/audit?limit=2&cursor=" + page1.getString("next")).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("repeater.pause", "repeater.create"), page2.getList("items.action"));
        assertEquals(true, page2.getBoolean("items[0].detail.after.paused"));
        assertEquals(false, page2.getBoolean("items[0].detail.before.paused"));
        assertNull(page2.get("next"));
        api().get("/api/v1/audit?actor=nobody").then().statusCode(200).body("items.size()", equalTo(0));
        api().get("/api/v1/audit?cursor=%%%").then().statusCode(400).body("errors.field", hasItem("cursor"));
    }

    private List<Long> ids(String url) {
        return api().get(url).then().statusCode(200).extract().jsonPath().getList("items.id", Long.class);
    }

    private List<Long> recordIds(String url) {
        return ids(url);
    }
}
