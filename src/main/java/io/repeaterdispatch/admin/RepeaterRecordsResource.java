package io.repeaterdispatch.admin;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.repeaterdispatch.admin.entity.RepeatRecordEntity;
import io.repeaterdispatch.admin.entity.RepeaterEntity;
import io.repeaterdispatch.config.AdminConfig;
import io.repeaterdispatch.delivery.RecordState;
import io.repeaterdispatch.dispatch.DispatchClock;
import io.repeaterdispatch.dispatch.DispatchScheduler;
import io.repeaterdispatch.store.RecordQueue;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.jboss.resteasy.reactive.RestResponse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A repeater's records: enqueue, list, and requeue / resend / cancel in bulk. */
@Tag(name = "Records", description = "Queued payloads and their delivery attempts")
@Path("/api/v1/repeaters/{id}/records")
@Produces(MediaType.APPLICATION_JSON)
public class RepeaterRecordsResource {

    public record EnqueueResponse(long repeaterId, List<Long> recordIds) {
    }

    /** @param changed how many records took the transition */
    public record BulkResult(long repeaterId, String action, int changed) {
    }

    private final RecordQueue queue;
    private final DispatchScheduler dispatch;
    private final DispatchClock clock;
    private final AdminConfig admin;
    private final AuditTrail audit;

    public RepeaterRecordsResource(RecordQueue queue, DispatchScheduler dispatch, DispatchClock clock, AdminConfig admin,
                                   AuditTrail audit) {
        this.queue = queue;
        this.dispatch = dispatch;
        this.clock = clock;
        this.admin = admin;
        this.audit = audit;
    }

    /** Body: a JSON array of {"payloadId": "...", "payload": <any JSON>}; all are queued or none. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enqueue records", description = "A JSON array of {payloadId, payload}; all are queued or none (at most admin.max-enqueue-items per call, admin.max-payload-bytes per payload: 400 / 413).")
    public Uni<RestResponse<EnqueueResponse>> enqueue(@PathParam("id") String id, 
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "two records", value = ApiExamples.ENQUEUE))) JsonNode body, @Context SecurityContext who) {
        long repeaterId = Ids.parse(id, "repeater");
        List<String> payloadIds = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        readItems(body, payloadIds, payloads);
        return queue.enqueue(repeaterId, payloadIds, payloads, clock.now(), AuditTrail.actor(who))
                .map(ids -> ids.orElseThrow(() -> new ApiException(404, "Not Found",
                        "repeater " + repeaterId + " does not exist or is deleted", null)))
                .invoke(dispatch::nudge)
                .map(ids -> RestResponse.status(RestResponse.Status.ACCEPTED, new EnqueueResponse(repeaterId, ids)));
    }

    /** Newest first, optionally only some states and one payload id; keyset-paginated. */
    @GET
    @WithSession
    @Operation(summary = "List a repeater's records", description = "Newest first, keyset-paginated; filters: state (comma-separated names), payloadId.")
    public Uni<Page<RecordViews.RecordSummary>> list(@PathParam("id") String id, @QueryParam("state") String state,
                                                     @QueryParam("payloadId") String payloadId,
                                                     @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        long repeaterId = Ids.parse(id, "repeater");
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        long before = params.idCursor(cursor, true);
        List<RecordState> states = params.states(state);
        params.text(payloadId, "payloadId", 255);
        params.check();
        return RepeaterEntity.count("id", repeaterId).flatMap(exists -> {
            if (exists == 0) {
                return Uni.createFrom().failure(ApiException.notFound("repeater", repeaterId));
            }
            return RecordLists.page("repeaterId = :owner", Parameters.with("owner", repeaterId), states, payloadId, before, limit);
        });
    }

    @POST
    @Path("requeue")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Requeue a repeater's records", description = "Cancelled and invalid-payload records get a fresh set of tries; failed ones become due now. One statement; answers how many changed. 409 if the states asked for can never be requeued.")
    public Uni<BulkResult> requeue(@PathParam("id") String id, 
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "rejected this month", value = ApiExamples.BULK_REQUEUE))) BulkRecordFilter filter, @Context SecurityContext who) {
        return bulk(RecordTransition.REQUEUE, id, filter, who);
    }

    @POST
    @Path("resend")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Resend a repeater's records", description = "Succeeded (and empty) records are sent again. One statement; answers how many changed.")
    public Uni<BulkResult> resend(@PathParam("id") String id, 
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "one payload again", value = ApiExamples.BULK_RESEND))) BulkRecordFilter filter, @Context SecurityContext who) {
        return bulk(RecordTransition.RESEND, id, filter, who);
    }

    @POST
    @Path("cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel a repeater's records", description = "Pending and failed records stop. One statement; answers how many changed.")
    public Uni<BulkResult> cancel(@PathParam("id") String id, 
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "everything still queued", value = ApiExamples.BULK_CANCEL))) BulkRecordFilter filter, @Context SecurityContext who) {
        return bulk(RecordTransition.CANCEL, id, filter, who);
    }

    /** One UPDATE over the filter; asking for states the transition never applies to is a 409. */
    private Uni<BulkResult> bulk(RecordTransition transition, String id, BulkRecordFilter body, SecurityContext who) {
        long repeaterId = Ids.parse(id, "repeater");
        BulkRecordFilter filter = body == null ? new BulkRecordFilter(null, null, null, null) : body;
        QueryParams params = new QueryParams();
        List<RecordState> states = params.states(filter.state());
        String payloadId = params.text(filter.payloadId(), "payloadId", 255);
        Instant after = params.instant(filter.registeredAfter(), "registeredAfter");
        Instant before = params.instant(filter.registeredBefore(), "registeredBefore");
        if (after != null && before != null && !after.isBefore(before)) {
            params.invalid("registeredBefore", "must be later than registeredAfter");
        }
        params.check();
        if (states != null && states.stream().noneMatch(transition::appliesTo)) {
            throw new ApiException(409, "Conflict", "cannot " + transition.verb + " records in state "
                    + states.stream().map(RecordViews::stateName).toList() + " (allowed from: "
                    + transition.from.stream().map(RecordViews::stateName).toList() + ")", null);
        }

        StringBuilder where = new StringBuilder("r.repeaterId = :owner");
        Parameters args = Parameters.with("owner", repeaterId).and("now", clock.now());
        if (states != null) {
            where.append(" and r.state in (:states)");
            args.and("states", states.stream().map(s -> s.code).toList());
        }
        if (payloadId != null) {
            where.append(" and r.payloadId = :payloadId");
            args.and("payloadId", payloadId);
        }
        if (after != null) {
            where.append(" and r.registeredAt >= :after");
            args.and("after", after);
        }
        if (before != null) {
            where.append(" and r.registeredAt < :before");
            args.and("before", before);
        }
        Uni<Integer> changes = Panache.withTransaction(() -> RepeaterEntity.count("id", repeaterId)
                .flatMap(exists -> exists == 0
                        ? Uni.createFrom().failure(ApiException.notFound("repeater", repeaterId))
                        : RepeatRecordEntity.update(transition.update(where.toString()), args))
                .call(changed -> {
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("filter", filter);
                    detail.put("changed", changed);
                    return audit.record(who, "records." + transition.verb, "repeater/" + repeaterId, detail);
                }));
        return changes
                .invoke(changed -> {
                    if (changed > 0 && transition.queues()) {
                        dispatch.nudge(); // after the commit, so the loop sees the records
                    }
                })
                .map(changed -> new BulkResult(repeaterId, transition.verb, changed));
    }

    private void readItems(JsonNode body, List<String> payloadIds, List<String> payloads) {
        if (body == null || !body.isArray() || body.isEmpty()) {
            throw ApiException.badRequest("body must be a non-empty JSON array of {\"payloadId\": \"...\", \"payload\": <JSON>}");
        }
        if (body.size() > admin.maxEnqueueItems()) {
            throw ApiException.badRequest("at most " + admin.maxEnqueueItems() + " records per call, got " + body.size());
        }
        List<ApiException.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            JsonNode item = body.get(i);
            JsonNode payloadId = item.get("payloadId");
            if (!item.isObject()) {
                errors.add(new ApiException.FieldError("[" + i + "]", "must be an object"));
                continue;
            }
            if (payloadId == null || !payloadId.isTextual() || payloadId.asText().isBlank() || payloadId.asText().length() > 255
                    || RepeaterValidator.hasControl(payloadId.asText()) || RepeaterValidator.hasLoneSurrogate(payloadId.asText())) {
                errors.add(new ApiException.FieldError("[" + i + "].payloadId", "required; a string of 1-255 characters, no control characters or lone surrogates"));
            }
            if (!item.has("payload")) {
                errors.add(new ApiException.FieldError("[" + i + "].payload", "required; any JSON value"));
                continue;
            }
            String payload = item.get("payload").toString();
            if (RepeaterValidator.hasLoneSurrogate(payload)) {
                // JSON may spell one ("\ud800"), but UTF-8 cannot hold it: stored, it became '?'
                errors.add(new ApiException.FieldError("[" + i + "].payload", "not valid Unicode: a lone surrogate (\\ud800-\\udfff)"));
                continue;
            }
            if (payload.getBytes(StandardCharsets.UTF_8).length > admin.maxPayloadBytes()) {
                throw new ApiException(413, "Payload Too Large",
                        "record [" + i + "] payload exceeds " + admin.maxPayloadBytes() + " bytes", null);
            }
            payloadIds.add(payloadId == null ? null : payloadId.asText());
            payloads.add(payload);
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }
}
