package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Tracing off (the default): no span is made, yet a record enqueued with a valid traceparent keeps it
 * and every delivery forwards it as it came, on both paths, across a retry; without one, or with a
 * malformed one, no traceparent goes out.
 */
@QuarkusTest
class TraceparentForwardingTest extends IntegrationTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void anEnqueuedTraceparentIsForwardedAsItCame() {
        long repeater = createRepeater("fwd-co", receiver.url("/ok"), 5);
        long withHeader = enqueueWith(repeater, TRACEPARENT, "with");
        long without = enqueueWith(repeater, null, "without");
        long malformed = enqueueWith(repeater, "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "malformed");
        Await.until("delivered", () -> records(repeater, 4) == 3);
        assertEquals(TRACEPARENT, hit(withHeader), "forwarded unchanged");
        assertNull(hit(without), "none enqueued, none sent");
        assertNull(hit(malformed), "upper-case hex is not a traceparent: ignored");
        assertEquals(TRACEPARENT, sql("SELECT traceparent FROM repeat_record_history WHERE id = $1", withHeader).get(0).getString(0));
    }

    @Test
    void theLegacyPathAndARetryForwardItToo() {
        api().body(Map.of("enabled", false)).put("/api/v1/domains/fwd-legacy/flags/process-repeaters").then().statusCode(200);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        receiver.answer("/flaky", hit -> java.util.concurrent.CompletableFuture.completedFuture(
                io.repeaterdispatch.testsupport.TestReceiver.Reply.of(calls.incrementAndGet() == 1 ? 500 : 200)));
        long repeater = createRepeater("fwd-legacy", receiver.url("/flaky"), 5);
        long record = enqueueWith(repeater, TRACEPARENT, "legacy");
        Await.until("failed once", () -> records(repeater, 2) == 1);
        advance(java.time.Duration.ofMinutes(10));
        Await.until("delivered on retry", () -> records(repeater, 4) == 1);
        assertEquals(2, receiver.hits("/flaky").size());
        receiver.hits("/flaky").forEach(h -> assertEquals(TRACEPARENT, h.header("traceparent"), "attempt " + h.seq()));
        assertEquals(record, receiver.hits("/flaky").get(1).recordId());
    }

    @Test
    void aFanOutKeepsItsTraceparentToo() {
        long repeater = createRepeater("fwd-fan", receiver.url("/ok"), 5);
        api().header("traceparent", TRACEPARENT)
                .body(List.of(Map.of("eventType", "case.created", "payloadId", "fan-1", "payload", Map.of("n", 1))))
                .post("/api/v1/domains/fwd-fan/events").then().statusCode(202);
        Await.until("delivered", () -> records(repeater, 4) == 1);
        assertEquals(TRACEPARENT, receiver.hits("/ok").get(0).header("traceparent"));
    }

    private long enqueueWith(long repeater, String traceparent, String payloadId) {
        var request = api();
        if (traceparent != null) {
            request = request.header("traceparent", traceparent);
        }
        return request.body(List.of(Map.of("payloadId", payloadId, "payload", Map.of("n", 1))))
                .post("/api/v1/repeaters/" + repeater + "/records").then().statusCode(202).extract().jsonPath()
                .getList("recordIds", Long.class).get(0);
    }

    private String hit(long record) {
        return receiver.hits("/ok").stream().filter(h -> h.recordId() == record).findFirst().orElseThrow().header("traceparent");
    }
}
