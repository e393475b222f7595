package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every admin route that takes a JSON body refuses a field it does not know: a 400 problem whose
 * error names the field (nested ones by their path) and lists the fields accepted there, and
 * nothing written. An enqueued payload stays any JSON.
 */
@QuarkusTest
class UnknownFieldsTest extends IntegrationTest {

    private static final String PROBLEM = "application/problem+json";

    private long repeater;
    private String records;

    /** A paused repeater (nothing dispatched, so nothing moves by itself) with a pending, a succeeded and a cancelled record. */
    @BeforeEach
    void aRepeaterWithRecordsInSeveralStates() {
        repeater = createRepeater("acme", receiver.url("/never"), 5);
        api().post("/api/v1/repeaters/" + repeater + "/pause").then().statusCode(200);
        List<Long> ids = enqueue(repeater, 3, "case-");
        finish(4, ids.get(1));
        finish(8, ids.get(2));
        records = "/api/v1/repeaters/" + repeater + "/records";
    }

    @Test
    void aCreateWithAnUnknownFieldIsRefusedAndCreatesNothing() {
        String before = everything();
        refused(api().body(Map.of("domain", "acme", "name", "strict", "url", receiver.url("/x"), "priority", "high"))
                .post("/api/v1/repeaters"), "priority")
                .body("errors[0].message", containsString("accepted here: auth, batchSize, domain, eventTypes, headers, lifecycle, method, name,"
                        + " ordering, rateLimit, signing, signingSecret, statusPolicy, timeoutMs, url"));
        refused(api().body(Map.of("domain", "acme", "name", "n", "url", receiver.url("/x"),
                "auth", Map.of("type", "bearer", "token", "t0ken-value", "tokn", "x"))).post("/api/v1/repeaters"), "auth.tokn")
                .body("errors[0].message", containsString("password, token, type, username"));
        assertEquals(before, everything());
    }

    @Test
    void aPatchWithAnUnknownFieldIsRefusedAtAnyDepthAndChangesNothing() {
        String before = everything();
        refused(api().body(Map.of("priority", "high")).patch("/api/v1/repeaters/" + repeater), "priority");
        // the valid field beside it is not applied either
        refused(api().body(Map.of("name", "renamed", "auth", Map.of("type", "basic", "username", "u", "password", "p", "realm", "r")))
                .patch("/api/v1/repeaters/" + repeater), "auth.realm");
        refused(api().body(Map.of("rateLimit", Map.of("perSecond", 5, "brust", 9))).patch("/api/v1/repeaters/" + repeater),
                "rateLimit.brust");
        assertEquals(before, everything());
    }

    @Test
    void anEnqueueItemWithAnUnknownFieldIsRefusedButAPayloadIsAnyJson() {
        String before = everything();
        refused(api().body(List.of(Map.of("payloadId", "p1", "payload", Map.of("n", 1), "extra", true))).post(records), "[0].extra")
                .body("errors[0].message", containsString("accepted here: payload, payloadId"));
        // a misspelt payloadId: both the unknown name and the missing one are reported, nothing queued from the valid first item
        Response misspelt = api().body("[{\"payloadId\": \"ok\", \"payload\": 1}, {\"payloadID\": \"p2\", \"payload\": 2}]").post(records);
        misspelt.then().statusCode(400).contentType(PROBLEM);
        assertEquals(List.of("[1].payloadID", "[1].payloadId"), misspelt.jsonPath().getList("errors.field"));
        assertEquals(before, everything());

        // the payload's own fields, at any depth, are the receiver's business
        api().body("[{\"payloadId\": \"free\", \"payload\": {\"ordering\": \"strict\", \"extra\": {\"payloadID\": [1]}}}]")
                .post(records).then().statusCode(202);
        assertEquals(1, count("SELECT count(*) FROM repeat_record WHERE payload_id = 'free'"
                + " AND payload = '{\"ordering\":\"strict\",\"extra\":{\"payloadID\":[1]}}'"));
    }

    @Test
    void aFanOutEventWithAnUnknownFieldIsRefusedAndQueuesNothing() {
        String before = everything();
        refused(api().body(List.of(Map.of("eventType", "case.created", "payloadId", "p1", "payload", 1, "event_type", "x")))
                .post("/api/v1/domains/acme/events"), "[0].event_type")
                .body("errors[0].message", containsString("accepted here: eventType, payload, payloadId"));
        assertEquals(before, everything());
    }

    /**
     * The dangerous one: a bulk filter whose field is misspelt was an empty filter, every record of
     * the repeater. Refused, it changes no record; the same call with an empty filter does.
     */
    @Test
    void aBulkFilterWithAnUnknownFieldIsRefusedAndChangesNoRecord() {
        String before = everything();
        for (String action : List.of("requeue", "resend", "cancel")) {
            refused(api().body(Map.of("payloadID", "case-0")).post(records + "/" + action), "payloadID")
                    .body("errors[0].message", containsString("accepted here: payloadId, registeredAfter, registeredBefore, state"));
            refused(api().body("{\"state\": [\"pending\"], \"registered_after\": \"2026-01-01T00:00:00Z\"}").post(records + "/" + action),
                    "registered_after");
        }
        assertEquals(before, everything());

        // what the refusal saves: without the misspelt field the filter is every record
        api().body(Map.of()).post(records + "/cancel").then().statusCode(200).body("changed", equalTo(1));
        assertNotEquals(before, everything(), "the control call changes something, so the comparison can fail");
    }

    @Test
    void theDomainFlagAndLimitsBodiesRefuseUnknownFields() {
        String before = everything();
        refused(api().body(Map.of("enabled", false, "enable", false)).put("/api/v1/domains/acme/flags/process-repeaters"), "enable")
                .body("errors[0].message", containsString("accepted here: enabled"));
        refused(api().body(Map.of("remoteTimePerMinute", 600000)).put("/api/v1/domains/acme/limits"), "remoteTimePerMinute");
        assertEquals(before, everything());
    }

    /** A 400 problem with one error, for {@code field}, that says the field is unknown. */
    private static io.restassured.response.ValidatableResponse refused(Response response, String field) {
        return response.then().statusCode(400).contentType(PROBLEM)
                .body("status", equalTo(400))
                .body("errors.field", equalTo(List.of(field)))
                .body("errors[0].message", containsString("unknown field; accepted here: "));
    }

    /** Every row an admin call could write, as text: repeaters, records and their states, flags, limits, the audit trail. */
    private String everything() {
        String text = sql("""
                SELECT concat_ws(' | ',
                    (SELECT string_agg(row_to_json(r)::text, ',' ORDER BY id) FROM repeater r),
                    (SELECT string_agg(id || ':' || state || ':' || payload_id, ',' ORDER BY id) FROM repeat_record_all),
                    (SELECT string_agg(row_to_json(f)::text, ',' ORDER BY domain) FROM domain_flag f),
                    (SELECT string_agg(row_to_json(l)::text, ',' ORDER BY domain) FROM domain_limit l),
                    (SELECT count(*) FROM admin_audit))""").get(0).getString(0);
        assertTrue(text.contains("case-0"), "the records are in the snapshot: " + text);
        return text;
    }
}
