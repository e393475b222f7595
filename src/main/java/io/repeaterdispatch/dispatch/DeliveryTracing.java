package io.repeaterdispatch.dispatch;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.Endpoint;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.core.TraceParent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.Locale;

/**
 * OpenTelemetry spans of dispatch (docs/operations.md, "Tracing"): one per per-repeater batch
 * ({@code repeater batch}: claim, parallel send, result write) and one per delivery ({@code
 * deliver}, a CLIENT span), whose context goes out as the request's W3C {@code traceparent}.
 *
 * <p>A delivery's parent is its batch, unless its record was enqueued within a trace
 * (repeat_record.traceparent): then its parent is that trace's span, so the enqueuer's trace goes on
 * to the delivery and the receiver, and the batch is a link. A parent, not a link, for the record's
 * own trace: the caller asked for this delivery, and "what became of my event" is one trace; a
 * batch mixes the records of many enqueues, so it cannot be every record's parent, and a link keeps
 * it one click away. A caller's decision not to sample is kept (parent-based sampling).
 *
 * <p>Parents are passed explicitly, never through {@link Context#current()}: a batch's steps run on
 * whichever event loop the clients call back on, where a thread-local context would leak between
 * batches. With tracing off ({@code quarkus.otel.sdk.disabled=true}, the default) nothing is built:
 * {@link Span#getInvalid()} stands for every span and a record's stored traceparent is forwarded
 * to the receiver as it came.
 */
@ApplicationScoped
public class DeliveryTracing {

    /** Tracing off, for dispatchers built by hand (tests). */
    public static final DeliveryTracing OFF = new DeliveryTracing();

    static final AttributeKey<Long> REPEATER_ID = AttributeKey.longKey("repeater.id");
    static final AttributeKey<String> DOMAIN = AttributeKey.stringKey("domain");
    static final AttributeKey<Long> RECORDS = AttributeKey.longKey("records");
    static final AttributeKey<Long> RECORD_ID = AttributeKey.longKey("record.id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("record.attempt");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("dispatch.path");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> SUCCEEDED = AttributeKey.longKey("records.succeeded");
    static final AttributeKey<Long> FAILED = AttributeKey.longKey("records.failed");
    static final AttributeKey<Long> INVALID = AttributeKey.longKey("records.invalid");
    static final AttributeKey<Boolean> BACKED_OFF = AttributeKey.booleanKey("backed_off");

    private final Tracer tracer;
    private final boolean on;

    @Inject
    public DeliveryTracing(OpenTelemetry openTelemetry,
                           @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled) {
        this.on = !sdkDisabled;
        this.tracer = openTelemetry.getTracer("io.repeaterdispatch.dispatch");
    }

    private DeliveryTracing() {
        this.on = false;
        this.tracer = null;
    }

    /** Spans are made (the SDK is on); when false every method is a no-op but the traceparent pass-through. */
    public boolean on() {
        return on;
    }

    /** A claimed batch's span, begun when its claim began ({@code claimStarted}, taken only when {@link #on()}). */
    Span batch(long repeaterId, String domain, int records, Instant claimStarted) {
        if (!on) {
            return Span.getInvalid();
        }
        SpanBuilder builder = tracer.spanBuilder("repeater batch").setNoParent().setSpanKind(SpanKind.INTERNAL);
        if (claimStarted != null) {
            builder.setStartTimestamp(claimStarted);
        }
        Span batch = builder.startSpan();
        if (batch.isRecording()) { // attributes after the sampler's decision: an unsampled span gets none
            batch.setAttribute(REPEATER_ID, repeaterId).setAttribute(DOMAIN, domain).setAttribute(RECORDS, (long) records);
        }
        return batch;
    }

    /** The batch was sent and its results written. */
    void batchEnded(Span batch, BatchTally tally, boolean backedOff) {
        if (!batch.isRecording()) {
            batch.end();
            return;
        }
        batch.setAttribute(SUCCEEDED, (long) tally.succeeded()).setAttribute(FAILED, (long) tally.failed())
                .setAttribute(INVALID, (long) tally.invalid()).setAttribute(BACKED_OFF, backedOff);
        batch.end();
    }

    /** The batch's sending or result write failed (its records come back when their leases end). */
    void batchFailed(Span batch, Throwable error) {
        if (!on) {
            return;
        }
        batch.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        batch.setAttribute(ERROR_TYPE, error.getClass().getName());
        batch.end();
    }

    /**
     * A delivery's span, started now: a child of the record's enqueued trace if it has one (linked to
     * {@code batch}), else of {@code batch}, else a root (the legacy path has no batch).
     */
    Span delivery(Span batch, Endpoint endpoint, ClaimedRecord record, DispatchListener.Path path) {
        if (!on) {
            return Span.getInvalid();
        }
        SpanBuilder builder = tracer.spanBuilder("deliver").setSpanKind(SpanKind.CLIENT);
        SpanContext enqueued = remote(record.traceparent());
        SpanContext batchContext = batch.getSpanContext();
        if (enqueued != null) {
            builder.setParent(Context.root().with(Span.wrap(enqueued)));
            if (batchContext.isValid()) {
                builder.addLink(batchContext);
            }
        } else if (batchContext.isValid()) {
            builder.setParent(Context.root().with(batch));
        } else {
            builder.setNoParent();
        }
        Span delivery = builder.startSpan();
        if (delivery.isRecording()) { // attributes after the sampler's decision: an unsampled span gets none
            delivery.setAttribute(RECORD_ID, record.id())
                    .setAttribute(REPEATER_ID, endpoint.repeaterId())
                    .setAttribute(DOMAIN, endpoint.domain())
                    .setAttribute(ATTEMPT, record.attemptCount() + 1L)
                    .setAttribute(PATH, path == DispatchListener.Path.LEGACY ? "legacy" : "repeater")
                    .setAttribute(METHOD, endpoint.method());
        }
        return delivery;
    }

    /**
     * The {@code traceparent} the delivery request carries: its span's context; with tracing off,
     * the record's own (as enqueued), or null (no header).
     */
    String traceparent(Span delivery, ClaimedRecord record) {
        SpanContext context = delivery.getSpanContext();
        if (!context.isValid()) {
            return record.traceparent();
        }
        return TraceParent.of(context.getTraceId(), context.getSpanId(), context.getTraceFlags().asHex());
    }

    /** The delivery's answer (or failure to get one) is in. */
    void delivered(Span delivery, DeliveryResult result) {
        if (!delivery.isRecording()) {
            delivery.end();
            return;
        }
        delivery.setAttribute(OUTCOME, result.outcome().name().toLowerCase(Locale.ROOT));
        if (result.httpStatus() != null) {
            delivery.setAttribute(HTTP_STATUS, (long) result.httpStatus());
        }
        if (result.failure() != null) {
            delivery.setAttribute(ERROR_TYPE, result.failure().name().toLowerCase(Locale.ROOT));
        }
        if (result.outcome() == RecordState.FAILED || result.outcome() == RecordState.INVALID_PAYLOAD) {
            delivery.setStatus(StatusCode.ERROR);
        }
        delivery.end();
    }

    private static SpanContext remote(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        String valid = TraceParent.valid(traceparent);
        if (valid == null) {
            return null;
        }
        SpanContext context = SpanContext.createFromRemoteParent(TraceParent.traceId(valid), TraceParent.parentId(valid),
                TraceFlags.fromHex(TraceParent.flags(valid), 0), TraceState.getDefault());
        return context.isValid() ? context : null;
    }
}
