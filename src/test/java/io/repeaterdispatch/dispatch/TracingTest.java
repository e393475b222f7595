package io.repeaterdispatch.dispatch;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.TestReceiver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing on (docs/operations.md, "Tracing"), against the real PostgreSQL, Redis and receiver: a
 * span per batch and per delivery with their attributes, the delivery span's context as the
 * request's traceparent, and an enqueue's trace continued by its records' deliveries.
 */
@QuarkusTest
@TestProfile(TracingTest.On.class)
class TracingTest extends TracedTest {

    public static class On implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false");
        }
    }

    @Test
    void aBatchSpanParentsADeliverySpanPerRecordWhoseContextTheReceiverGets() {
        receiver.answer("/down", 500);
        long ok = createRepeater("trace-co", receiver.url("/ok"), 5);
        List<Long> ids = enqueue(ok, 3, "t-");
        Await.until("delivered and traced", () -> records(ok, 4) == 3 && deliveries(ids).size() == 3 && batches(ok).size() == 1);

        SpanData batch = batches(ok).get(0);
        assertEquals("trace-co", batch.getAttributes().get(AttributeKey.stringKey("domain")));
        assertEquals(3L, batch.getAttributes().get(AttributeKey.longKey("records")));
        assertEquals(3L, batch.getAttributes().get(AttributeKey.longKey("records.succeeded")));
        assertEquals(Boolean.FALSE, batch.getAttributes().get(AttributeKey.booleanKey("backed_off")));
        assertFalse(batch.getParentSpanContext().isValid(), "a batch starts its own trace");

        Map<Long, TestReceiver.Hit> hits = receiver.hits("/ok").stream().collect(Collectors.toMap(TestReceiver.Hit::recordId, h -> h));
        for (SpanData delivery : deliveries(ids)) {
            assertEquals(SpanKind.CLIENT, delivery.getKind());
            assertEquals(batch.getTraceId(), delivery.getTraceId());
            assertEquals(batch.getSpanId(), delivery.getParentSpanId(), "the batch is the delivery's parent");
            long record = delivery.getAttributes().get(AttributeKey.longKey("record.id"));
            assertEquals(ok, delivery.getAttributes().get(AttributeKey.longKey("repeater.id")));
            assertEquals("trace-co", delivery.getAttributes().get(AttributeKey.stringKey("domain")));
            assertEquals("succeeded", delivery.getAttributes().get(AttributeKey.stringKey("outcome")));
            assertEquals(200L, delivery.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
            assertEquals(1L, delivery.getAttributes().get(AttributeKey.longKey("record.attempt")));
            assertEquals("00-" + delivery.getTraceId() + "-" + delivery.getSpanId() + "-01", hits.get(record).header("traceparent"),
                    "the receiver gets the delivery span's context, once");
        }

        long down = createRepeater("trace-co", receiver.url("/down"), 5);
        List<Long> failing = enqueue(down, 1, "f-");
        Await.until("failed and traced", () -> deliveries(failing).size() == 1 && batches(down).size() == 1);
        SpanData failed = deliveries(failing).get(0);
        assertEquals("failed", failed.getAttributes().get(AttributeKey.stringKey("outcome")));
        assertEquals(500L, failed.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertEquals(io.opentelemetry.api.trace.StatusCode.ERROR, failed.getStatus().getStatusCode());
        assertEquals(Boolean.TRUE, batches(down).get(0).getAttributes().get(AttributeKey.booleanKey("backed_off")));
    }

    @Test
    void aRecordEnqueuedWithATraceparentContinuesThatTrace() {
        long repeater = createRepeater("trace-co", receiver.url("/ok"), 5);
        List<Long> ids = List.of(enqueueInCallersTrace(repeater, "01"));
        Await.until("delivered and traced", () -> records(repeater, 4) == 1 && deliveries(ids).size() == 1 && batches(repeater).size() == 1);

        SpanData delivery = deliveries(ids).get(0);
        assertEquals(TRACE_ID, delivery.getTraceId(), "the caller's trace goes on");
        // its parent: the enqueue request's server span, itself the caller's child
        SpanData enqueue = exporter.spans().stream().filter(s -> s.getSpanId().equals(delivery.getParentSpanId())).findFirst()
                .orElseThrow(() -> new AssertionError("the delivery's parent span was not exported: " + exporter.spans()));
        assertEquals(SpanKind.SERVER, enqueue.getKind());
        assertEquals(CALLER_SPAN, enqueue.getParentSpanId());
        SpanData batch = batches(repeater).get(0);
        assertTrue(delivery.getLinks().stream().anyMatch(l -> l.getSpanContext().getSpanId().equals(batch.getSpanId())),
                "the batch is a link");
        assertEquals("00-" + TRACE_ID + "-" + delivery.getSpanId() + "-01", receiver.hits("/ok").get(0).header("traceparent"));
        assertEquals("00-" + TRACE_ID + "-" + enqueue.getSpanId() + "-01",
                sql("SELECT traceparent FROM repeat_record_history WHERE id = $1", ids.get(0)).get(0).getString(0),
                "kept with the record into history");
    }

    @Test
    void aCallerThatDoesNotSampleIsRespected() {
        long repeater = createRepeater("trace-co", receiver.url("/ok"), 5);
        List<Long> ids = List.of(enqueueInCallersTrace(repeater, "00"));
        Await.until("delivered", () -> records(repeater, 4) == 1 && batches(repeater).size() == 1);
        assertTrue(deliveries(ids).isEmpty(), "not sampled: not exported");
        String sent = receiver.hits("/ok").get(0).header("traceparent");
        assertNotNull(sent);
        assertTrue(sent.startsWith("00-" + TRACE_ID + "-") && sent.endsWith("-00"), sent);
    }

    private List<SpanData> batches(long repeater) {
        return exporter.named("repeater batch").stream()
                .filter(s -> Long.valueOf(repeater).equals(s.getAttributes().get(AttributeKey.longKey("repeater.id")))).toList();
    }
}
