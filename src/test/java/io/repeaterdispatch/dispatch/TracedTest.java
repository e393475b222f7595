package io.repeaterdispatch.dispatch;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.RecordingSpanExporter;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the tests with tracing on share: the spans Quarkus exports to the CDI {@link
 * RecordingSpanExporter} (emptied before each test), a caller's trace to enqueue within, and the
 * delivery spans of given records.
 */
abstract class TracedTest extends IntegrationTest {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";

    @Inject
    RecordingSpanExporter exporter;

    @BeforeEach
    void noSpansYet() {
        exporter.reset();
    }

    /** Enqueues one record with the caller's traceparent, sampled ({@code "01"}) or not ({@code "00"}); answers its id. */
    long enqueueInCallersTrace(long repeater, String flags) {
        return api().header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-" + flags)
                .body(List.of(Map.of("payloadId", "p-1", "payload", Map.of("n", 1))))
                .post("/api/v1/repeaters/" + repeater + "/records").then().statusCode(202).extract().jsonPath()
                .getList("recordIds", Long.class).get(0);
    }

    List<SpanData> deliveries(Collection<Long> ids) {
        Set<Long> wanted = Set.copyOf(ids);
        return exporter.named("deliver").stream()
                .filter(s -> wanted.contains(s.getAttributes().get(AttributeKey.longKey("record.id")))).toList();
    }
}
