package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A repeater's status policy decides what its endpoint's answers mean, on both dispatch paths:
 * each test sends the same answer to a repeater with a policy and to one without, against the
 * real receiver, and the two records end differently.
 */
@QuarkusTest
class StatusPolicyDispatchTest extends IntegrationTest {

    private static final int FAILED = 2, SUCCEEDED = 4, INVALID = 32;

    @Test
    void a404InTheRetryListKeepsTheRecordQueuedAndRetriesItWhileWithoutThePolicyItIsAnInvalidPayload() {
        receiver.answer("/gone", 404);
        long retrying = createRepeater(withPolicy("acme", "/gone", Map.of("retry", List.of(404))));
        long plain = createRepeater(withPolicy("acme", "/gone", null));
        long kept = enqueue(retrying, 1, "r").get(0);
        long dropped = enqueue(plain, 1, "p").get(0);

        Await.until("both answered and recorded", () -> records(retrying, FAILED) == 1 && records(plain, INVALID) == 1);
        assertEquals(1, count("SELECT count(*) FROM repeat_record WHERE id = $1", kept), "still in the queue");
        api().get("/api/v1/records/" + kept).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("failed"))
                .body("attempts[0].httpStatus", org.hamcrest.Matchers.equalTo(404))
                .body("nextCheck", org.hamcrest.Matchers.notNullValue());
        api().get("/api/v1/records/" + dropped).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("invalid_payload"));
        assertNotNull(repeater(retrying).getValue("next_attempt_at"), "a batch that only failed backs its repeater off");
        assertNull(repeater(plain).getValue("next_attempt_at"), "an endpoint that rejected a payload is healthy");

        // past the backoff and the record's own wait: the kept record is sent again, the dropped one never
        advance(Duration.ofHours(2));
        Await.until("the kept record retried", () -> count("SELECT count(*) FROM repeat_record_attempt WHERE record_id = $1", kept) == 2);
        assertEquals(2, hitsOf(kept));
        assertEquals(1, hitsOf(dropped), "an invalid payload is not retried");
        assertEquals(FAILED, count("SELECT state FROM repeat_record WHERE id = $1", kept));
    }

    @Test
    void a500InTheInvalidPayloadListIsNotRetriedWhileWithoutThePolicyItFails() {
        receiver.answer("/boom", 500);
        long rejecting = createRepeater(withPolicy("acme", "/boom", Map.of("invalidPayload", List.of(500))));
        long plain = createRepeater(withPolicy("acme", "/boom", null));
        long rejected = enqueue(rejecting, 1, "r").get(0);
        enqueue(plain, 1, "p");

        Await.until("both answered and recorded", () -> records(rejecting, INVALID) == 1 && records(plain, FAILED) == 1);
        api().get("/api/v1/records/" + rejected).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("invalid_payload"))
                .body("attempts[0].httpStatus", org.hamcrest.Matchers.equalTo(500));
        assertNull(repeater(rejecting).getValue("next_attempt_at"), "the policy's invalid payload keeps the repeater healthy");
        assertNotNull(repeater(plain).getValue("next_attempt_at"), "a 500 by default fails the batch and backs off");
    }

    /** The legacy per-record path claims through its own statement: it reads the policy too. */
    @Test
    void theLegacyPathAppliesThePolicyToo() {
        api().body(Map.of("enabled", false)).put("/api/v1/domains/legacy-co/flags/process-repeaters").then().statusCode(200);
        receiver.answer("/gone", 404);
        receiver.answer("/boom", 500);
        long retrying = createRepeater(withPolicy("legacy-co", "/gone", Map.of("retry", List.of(404))));
        long plain = createRepeater(withPolicy("legacy-co", "/gone", null));
        long rejecting = createRepeater(withPolicy("legacy-co", "/boom", Map.of("invalidPayload", List.of(500))));
        long fine = createRepeater(withPolicy("legacy-co", "/ok", Map.of("retry", List.of(404), "invalidPayload", List.of(500))));
        enqueue(retrying, 1, "r");
        enqueue(plain, 1, "p");
        enqueue(rejecting, 1, "j");
        enqueue(fine, 1, "f");

        Await.until("all four answered and recorded", () -> records(retrying, FAILED) == 1 && records(plain, INVALID) == 1
                && records(rejecting, INVALID) == 1 && records(fine, SUCCEEDED) == 1);
        assertEquals(0, count("SELECT count(*) FROM repeater WHERE next_attempt_at IS NOT NULL"), "the legacy path backs no repeater off");
    }

    private Map<String, Object> withPolicy(String domain, String path, Map<String, Object> statusPolicy) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("domain", domain, "name", "policy-" + System.nanoTime(),
                "url", receiver.url(path), "batchSize", 1, "timeoutMs", 10_000));
        if (statusPolicy != null) {
            body.put("statusPolicy", statusPolicy);
        }
        return body;
    }

    private long hitsOf(long recordId) {
        return receiver.hits().stream().filter(hit -> hit.recordId() == recordId).count();
    }
}
