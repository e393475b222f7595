package io.repeaterdispatch.dispatch;

import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.testsupport.Await;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing on with a sampling ratio of 0 (OTEL_TRACES_SAMPLER_ARG, docs/operations.md "Tracing"):
 * a batch that starts its own trace is not recorded, nor are its deliveries, yet each request still
 * carries a traceparent (flagged not sampled) for the receiver; a record enqueued within a sampled
 * trace is recorded all the same, because a caller's decision wins over the ratio.
 */
@QuarkusTest
@TestProfile(TraceSamplingTest.NoneSampled.class)
class TraceSamplingTest extends TracedTest {

    public static class NoneSampled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.traces.sampler.arg", "0");
        }
    }

    @Test
    void aBatchOutsideTheRatioRecordsNothingButStillPropagatesItsContext() {
        long repeater = createRepeater("sample-co", receiver.url("/ok"), 5);
        List<Long> ids = enqueue(repeater, 3, "s-");
        Await.until("delivered", () -> records(repeater, 4) == 3);
        assertTrue(exporter.named("repeater batch").isEmpty(), "no batch span: " + exporter.spans());
        assertTrue(exporter.named("deliver").isEmpty(), "no delivery span: " + exporter.spans());
        for (var hit : receiver.hits("/ok")) {
            String sent = hit.header("traceparent");
            assertNotNull(sent, "record " + hit.recordId());
            assertTrue(sent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"), sent);
        }
        assertEquals(ids.size(), receiver.hits("/ok").size());
    }

    @Test
    void aSampledCallerIsFollowedWhateverTheRatio() {
        long repeater = createRepeater("sample-co", receiver.url("/ok"), 5);
        long record = enqueueInCallersTrace(repeater, "01");
        Await.until("delivered and traced", () -> records(repeater, 4) == 1 && deliveries(List.of(record)).size() == 1);
        SpanData delivery = deliveries(List.of(record)).get(0);
        assertEquals(TRACE_ID, delivery.getTraceId());
        assertEquals("00-" + TRACE_ID + "-" + delivery.getSpanId() + "-01", receiver.hits("/ok").get(0).header("traceparent"));
        assertTrue(exporter.named("repeater batch").isEmpty(), "its batch, a trace of its own, is not sampled");
    }
}
