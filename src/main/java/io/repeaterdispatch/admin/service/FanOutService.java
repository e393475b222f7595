package io.repeaterdispatch.admin.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.repeaterdispatch.config.AdminConfig;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.core.WorkQueued;
import io.repeaterdispatch.store.EventFanOut;
import io.repeaterdispatch.store.EventFanOut.Outcome;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fan-out by event type: a domain's events queued once for each of its repeaters subscribed to the
 * event's type, all in one statement or none (store.EventFanOut), at most admin.fan-out.max-records
 * per call; with an Idempotency-Key, once per key and window, as the per-repeater enqueue.
 */
@ApplicationScoped
public class FanOutService {

    /**
     * @param records the new record ids per repeater id, repeaters in id order, each list in event order;
     *                empty when no repeater of the domain subscribes to the events' types
     * @param count   how many records that is
     */
    public record FanOutResponse(String domain,
                                 @Schema(description = "record ids per repeater id, in event order; {} when no repeater subscribes")
                                 Map<String, List<Long>> records,
                                 long count) {
    }

    /** @param replayed whether this is the answer of an earlier call with the same Idempotency-Key (nothing was queued now) */
    public record FannedOut(FanOutResponse response, boolean replayed) {
    }

    private final EventFanOut fanOut;
    private final EnqueueItems items;
    private final DispatchClock clock;
    private final Event<WorkQueued> workQueued;
    private final AdminConfig admin;

    public FanOutService(EventFanOut fanOut, EnqueueItems items, DispatchClock clock, Event<WorkQueued> workQueued, AdminConfig admin) {
        this.fanOut = fanOut;
        this.items = items;
        this.clock = clock;
        this.workQueued = workQueued;
        this.admin = admin;
    }

    /**
     * Checks the domain name, the key and every event first (400, 413 for a payload), then fans out.
     * A domain without subscribed repeaters (or without any repeater) answers no records: the call
     * is still a success, audited, and its key remembered.
     *
     * @param traceparent a valid W3C traceparent (core.TraceParent) the records keep; null: none
     */
    public Uni<FannedOut> publish(String domain, JsonNode body, String idempotencyKey, String actor, String traceparent) {
        if (!RepeaterValidator.DOMAIN.matcher(domain).matches()) {
            throw ApiException.invalid(List.of(new ApiException.FieldError("domain", "not a valid domain name")));
        }
        String key = idempotencyKey == null ? null : IdempotencyKey.check(idempotencyKey);
        EnqueueItems.Events read = items.readEvents(body);
        EventFanOut.Events events = new EventFanOut.Events(read.eventTypes(), read.payloadIds(), read.payloads());
        Instant now = clock.now();
        int maxRecords = admin.fanOut().maxRecords();
        Uni<Outcome> outcome = key == null
                ? fanOut.fanOut(domain, events, maxRecords, now, actor, traceparent)
                : fanOut.fanOutOnce(domain, key, read.fingerprint(), now.minus(admin.idempotency().window()), events, maxRecords, now, actor,
                        traceparent);
        return outcome.map(done -> switch (done.kind()) {
            case CREATED -> new FannedOut(response(domain, done), false);
            case REPLAYED -> new FannedOut(response(domain, done), true);
            case KEY_REUSED -> throw keyReused(domain);
            case TOO_MANY -> throw tooMany(done.matched(), read.payloadIds().size(), maxRecords);
        }).invoke(done -> {
            if (!done.replayed() && done.response().count() > 0) {
                workQueued.fire(new WorkQueued("events fanned out"));
            }
        });
    }

    private static FanOutResponse response(String domain, Outcome outcome) {
        Map<String, List<Long>> records = new LinkedHashMap<>();
        outcome.records().forEach((repeater, ids) -> records.put(Long.toString(repeater), List.copyOf(ids)));
        return new FanOutResponse(domain, records, outcome.count());
    }

    private ApiException keyReused(String domain) {
        return IdempotencyKey.reused("events", "domain " + domain, admin.idempotency().window());
    }

    private static ApiException tooMany(long records, int events, int maxRecords) {
        return new ApiException(413, "Payload Too Large", "these " + events + " events would make " + records
                + " records for the domain's subscribed repeaters, more than admin.fan-out.max-records (" + maxRecords
                + "): nothing was queued; send the events in smaller calls", null);
    }
}
