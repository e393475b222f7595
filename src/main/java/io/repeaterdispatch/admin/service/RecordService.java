package io.repeaterdispatch.admin.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.repeaterdispatch.admin.entity.RepeatRecordEntity;
import io.repeaterdispatch.admin.model.Payload;
import io.repeaterdispatch.admin.model.RecordFilter;
import io.repeaterdispatch.admin.repository.RecordRepository;
import io.repeaterdispatch.admin.model.RecordTransition;
import io.repeaterdispatch.admin.repository.RepeaterRepository;
import io.repeaterdispatch.config.AdminConfig;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.core.WorkQueued;
import io.repeaterdispatch.store.RecordQueue;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records: enqueue, list, read, and requeue / resend / cancel one or in bulk. Each change is one
 * statement plus its audit row in one transaction; a change that queues records wakes dispatch
 * after the commit.
 */
@ApplicationScoped
public class RecordService {

    public record EnqueueResponse(long repeaterId, List<Long> recordIds) {
    }

    /** @param replayed whether this is the answer of an earlier call with the same Idempotency-Key (nothing was queued now) */
    public record Enqueued(EnqueueResponse response, boolean replayed) {
    }

    /** @param changed how many records took the transition */
    public record BulkResult(long repeaterId, String action, int changed) {
    }

    private final RecordQueue queue;
    private final RecordRepository records;
    private final RepeaterRepository repeaters;
    private final EnqueueItems items;
    private final AuditTrail audit;
    private final DispatchClock clock;
    private final Event<WorkQueued> workQueued;
    private final AdminConfig admin;

    public RecordService(RecordQueue queue, RecordRepository records, RepeaterRepository repeaters, EnqueueItems items,
                         AuditTrail audit, DispatchClock clock, Event<WorkQueued> workQueued, AdminConfig admin) {
        this.admin = admin;
        this.queue = queue;
        this.records = records;
        this.repeaters = repeaters;
        this.items = items;
        this.audit = audit;
        this.clock = clock;
        this.workQueued = workQueued;
    }

    /**
     * All items are queued (with their audit row, in one statement: see store.RecordQueue) or none.
     * With an Idempotency-Key ({@code idempotencyKey} not null), a call that repeats the key's first
     * call within admin.idempotency.window (same repeater, same records: EnqueueItems.Items.fingerprint)
     * queues nothing and answers what that call answered; the same key with other records is a 422.
     * Concurrent calls with one key queue the records once (store.RecordQueue.enqueueOnce).
     *
     * @param traceparent a valid W3C traceparent (core.TraceParent) the records keep, so that their
     *                    deliveries continue the caller's trace; null: none
     */
    public Uni<Enqueued> enqueue(long repeaterId, JsonNode body, String idempotencyKey, String actor, String traceparent) {
        String key = idempotencyKey == null ? null : IdempotencyKey.check(idempotencyKey);
        EnqueueItems.Items batch = items.read(body);
        Instant now = clock.now();
        Uni<Enqueued> enqueued = key == null
                ? queue.enqueue(repeaterId, batch.payloadIds(), batch.payloads(), now, actor, traceparent)
                        .map(ids -> new Enqueued(new EnqueueResponse(repeaterId, ids.orElseThrow(() -> noRepeater(repeaterId))), false))
                : queue.enqueueOnce(repeaterId, key, batch.fingerprint(), now.minus(admin.idempotency().window()), batch.payloadIds(),
                        batch.payloads(), now, actor, traceparent).map(keyed -> switch (keyed.outcome()) {
                            case CREATED -> new Enqueued(new EnqueueResponse(repeaterId, keyed.recordIds()), false);
                            case REPLAYED -> new Enqueued(new EnqueueResponse(repeaterId, keyed.recordIds()), true);
                            case KEY_REUSED -> throw keyReused(repeaterId);
                            case NO_REPEATER -> throw noRepeater(repeaterId);
                        });
        return enqueued.invoke(done -> {
            if (!done.replayed()) {
                workQueued.fire(new WorkQueued("records enqueued"));
            }
        });
    }

    private static ApiException noRepeater(long repeaterId) {
        return new ApiException(404, "Not Found", "repeater " + repeaterId + " does not exist or is deleted", null);
    }

    private ApiException keyReused(long repeaterId) {
        return IdempotencyKey.reused("records", "repeater " + repeaterId, admin.idempotency().window());
    }

    /** A repeater's records, newest first, one keyset page. */
    public Uni<Page<RecordViews.RecordSummary>> listOfRepeater(long repeaterId, List<RecordState> states, String payloadId,
                                                               long beforeId, int limit) {
        return Panache.withSession(() -> repeaters.exists(repeaterId).flatMap(exists -> exists
                ? records.pageOfRepeater(repeaterId, states, payloadId, beforeId, limit).map(rows -> page(rows, limit))
                : Uni.createFrom().failure(ApiException.notFound("repeater", repeaterId))));
    }

    /** A domain's records across its repeaters, newest first, one keyset page. */
    public Uni<Page<RecordViews.RecordSummary>> listOfDomain(String domain, List<RecordState> states, String payloadId,
                                                             long beforeId, int limit) {
        return Panache.withSession(() -> records.pageOfDomain(domain, states, payloadId, beforeId, limit).map(rows -> page(rows, limit)));
    }

    private static Page<RecordViews.RecordSummary> page(List<RepeatRecordEntity> rows, int limit) {
        return Page.of(rows.stream().map(RecordViews::summary).toList(), limit, r -> Long.toString(r.id()));
    }

    /** The record with every attempt, oldest first. */
    public Uni<RecordViews.RecordView> get(long recordId) {
        return Panache.withSession(() -> view(recordId));
    }

    private Uni<RecordViews.RecordView> view(long recordId) {
        return find(recordId).flatMap(r -> records.attempts(recordId).map(attempts -> RecordViews.view(r, attempts)));
    }

    public Uni<Payload> payload(long recordId) {
        return Panache.withSession(() -> records.payload(recordId))
                .onItem().ifNull().failWith(() -> ApiException.notFound("record", recordId));
    }

    /** One record through a transition; 409 if its state does not allow it or a delivery holds it right now. */
    public Uni<RecordViews.RecordView> apply(RecordTransition transition, long recordId, String actor) {
        Instant now = clock.now();
        return Panache.withTransaction(() -> find(recordId).flatMap(before -> {
            String beforeState = RecordState.of(before.state).apiName();
            return records.apply(transition, recordId, now)
                    .flatMap(changed -> changed == 0
                            ? Uni.createFrom().<Integer>failure(conflict(transition, before))
                            : transition.queues() ? repeaters.recordsDueAt(before.repeaterId, now) : repeaters.recordsLeft(before.repeaterId, now))
                    .flatMap(ignored -> records.reload(recordId)) // the update bypassed the session's copy
                    .call(after -> audit.record(actor, "record." + transition.verb, "record/" + recordId,
                            AuditTrail.change(Map.of("state", beforeState), Map.of("state", RecordState.of(after.state).apiName()))))
                    .flatMap(after -> view(recordId));
        })).invoke(() -> workQueued.fire(new WorkQueued("record " + transition.verb))); // a cancel may free a strict repeater's queue
    }

    /**
     * Every record of the repeater matching the filter through a transition, in one UPDATE; asking
     * only for states the transition never applies to is a 409.
     *
     * @param requested the filter as the caller sent it, for the audit row
     */
    public Uni<BulkResult> applyAll(RecordTransition transition, long repeaterId, RecordFilter filter, Object requested,
                                    String actor) {
        if (filter.states() != null && filter.states().stream().noneMatch(transition::appliesTo)) {
            throw ApiException.conflict("cannot " + transition.verb + " records in state "
                    + filter.states().stream().map(RecordState::apiName).toList() + " (allowed from: "
                    + transition.from.stream().map(RecordState::apiName).toList() + ")");
        }
        Instant now = clock.now();
        return Panache.withTransaction(() -> repeaters.exists(repeaterId)
                        .flatMap(exists -> exists
                                ? records.apply(transition, repeaterId, filter, now)
                                : Uni.createFrom().<Integer>failure(ApiException.notFound("repeater", repeaterId)))
                        .call(changed -> changed == 0 ? Uni.createFrom().voidItem()
                                : transition.queues() ? repeaters.recordsDueAt(repeaterId, now) : repeaters.recordsLeft(repeaterId, now))
                        .call(changed -> {
                            Map<String, Object> detail = new LinkedHashMap<>();
                            detail.put("filter", requested);
                            detail.put("changed", changed);
                            return audit.record(actor, "records." + transition.verb, "repeater/" + repeaterId, detail);
                        }))
                .invoke(changed -> {
                    if (changed > 0) { // a cancel may free a strict repeater's queue
                        workQueued.fire(new WorkQueued("records " + transition.verb));
                    }
                })
                .map(changed -> new BulkResult(repeaterId, transition.verb, changed));
    }

    private static ApiException conflict(RecordTransition transition, RepeatRecordEntity record) {
        RecordState state = RecordState.of(record.state);
        return ApiException.conflict(transition.appliesTo(state)
                ? "record " + record.id + " is being delivered right now; try again when the attempt is recorded"
                : "cannot " + transition.verb + " a record in state " + state.apiName() + " (allowed from: "
                + transition.from.stream().map(RecordState::apiName).toList() + ")");
    }

    private Uni<RepeatRecordEntity> find(long recordId) {
        return records.find(recordId).onItem().ifNull().failWith(() -> ApiException.notFound("record", recordId));
    }
}
