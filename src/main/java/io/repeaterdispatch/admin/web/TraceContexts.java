package io.repeaterdispatch.admin.web;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.repeaterdispatch.core.TraceParent;
import io.vertx.core.http.HttpServerRequest;

/**
 * The trace an enqueue continues, kept with its records (repeat_record.traceparent) so that their
 * deliveries continue it too: only when the caller sent a valid W3C {@code traceparent}. With
 * tracing on, the request's own server span (the caller's child, so the trace reads caller,
 * enqueue, delivery); with tracing off, the caller's header as sent, which deliveries forward to the
 * receiver. Without a header (or with a malformed one, which W3C Trace Context says to ignore) the
 * records keep nothing and their deliveries are children of their batches.
 */
final class TraceContexts {

    private TraceContexts() {
    }

    static String of(HttpServerRequest request) {
        String header = TraceParent.valid(request.getHeader(TraceParent.HEADER));
        if (header == null) {
            return null;
        }
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid() && !span.isRemote() && span.getTraceId().equals(TraceParent.traceId(header))) {
            return TraceParent.of(span.getTraceId(), span.getSpanId(), span.getTraceFlags().asHex());
        }
        return header;
    }
}
