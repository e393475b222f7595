package io.repeaterdispatch.admin.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.repeaterdispatch.admin.model.RecordFilter;
import io.repeaterdispatch.admin.model.RecordTransition;
import io.repeaterdispatch.admin.service.BulkRecordFilter;
import io.repeaterdispatch.admin.service.IdempotencyKey;
import io.repeaterdispatch.admin.service.Page;
import io.repeaterdispatch.admin.service.RecordService;
import io.repeaterdispatch.admin.service.RecordService.BulkResult;
import io.repeaterdispatch.admin.service.RecordService.EnqueueResponse;
import io.repeaterdispatch.admin.service.RecordViews;
import io.repeaterdispatch.core.RecordState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.List;

/** A repeater's records: enqueue, list, and requeue / resend / cancel in bulk. */
@Tag(name = "Records", description = "Queued payloads and their delivery attempts")
@Path("/api/v1/repeaters/{id}/records")
@Produces(MediaType.APPLICATION_JSON)
public class RepeaterRecordsResource {

    /** On an answer repeated for an Idempotency-Key: nothing was queued by this call. */
    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final RecordService records;

    public RepeaterRecordsResource(RecordService records) {
        this.records = records;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "enqueueRecords", summary = "Enqueue records", description = "A JSON array of {payloadId, payload}; all are queued or none (at most admin.max-enqueue-items per call, admin.max-payload-bytes per payload: 400 / 413). With an Idempotency-Key, a retry of the same records within admin.idempotency.window queues nothing and answers the first call's 202 (with Idempotent-Replayed: true); the same key with other records is a 422.")
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, required = false,
            description = "Makes the call safe to retry: 1-255 printable ASCII characters, scoped to this repeater. Within admin.idempotency.window (24h) the same key with the same records (the same items in the same order, whitespace aside) answers the first call's recordIds and queues nothing; with other records it is a 422.",
            schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = 255, pattern = "^[ -~]+$"),
            example = "order-4711-attempt")
    @Parameter(name = "traceparent", in = ParameterIn.HEADER, required = false,
            description = "W3C trace context (docs/operations.md, Tracing): stored with the records; each of their deliveries continues this trace and sends it on to the receiver. A malformed value is ignored.",
            schema = @Schema(type = SchemaType.STRING, pattern = "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"),
            example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    @APIResponse(responseCode = "202", description = "queued: the new record ids, in the order given (or, for a replayed Idempotency-Key, the first call's)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EnqueueResponse.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound", description = "no such repeater, or it is deleted")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    @APIResponse(responseCode = "422", ref = "UnprocessableContent")
    public Uni<RestResponse<EnqueueResponse>> enqueue(@PathParam("id") String id,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = ApiSchemas.EnqueueItem.class, minItems = 1),
                    examples = @ExampleObject(name = "two records", value = ApiExamples.ENQUEUE))) JsonNode body,
            @Context HttpServerRequest request, @Context SecurityContext who) {
        long repeaterId = Ids.parse(id, "repeater");
        List<String> keys = request.headers().getAll(IdempotencyKey.HEADER);
        if (keys.size() > 1) {
            throw IdempotencyKey.several(keys.size());
        }
        return records.enqueue(repeaterId, body, keys.isEmpty() ? null : keys.get(0), Callers.name(who), TraceContexts.of(request))
                .map(enqueued -> enqueued.replayed()
                        ? RestResponse.ResponseBuilder.create(RestResponse.Status.ACCEPTED, enqueued.response())
                                .header(REPLAYED_HEADER, "true").build()
                        : RestResponse.status(RestResponse.Status.ACCEPTED, enqueued.response()));
    }

    @GET
    @Operation(operationId = "listRepeaterRecords", summary = "List a repeater's records", description = "Newest first, keyset-paginated; filters: state (comma-separated names), payloadId.")
    @APIResponse(responseCode = "200", description = "a page of records, newest first")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<Page<RecordViews.RecordSummary>> list(@PathParam("id") String id, @Parameter(description = ApiSchemas.STATE) @QueryParam("state") String state,
            @Parameter(description = "only records of this payload id") @QueryParam("payloadId") String payloadId,
            @Parameter(description = ApiSchemas.LIMIT, schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) @QueryParam("limit") String limitParam, @Parameter(description = ApiSchemas.CURSOR) @QueryParam("cursor") String cursor) {
        long repeaterId = Ids.parse(id, "repeater");
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        long before = params.idCursor(cursor, true);
        List<RecordState> states = params.states(state);
        params.text(payloadId, "payloadId", 255);
        params.check();
        return records.listOfRepeater(repeaterId, states, payloadId, before, limit);
    }

    @POST
    @Path("requeue")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "requeueRepeaterRecords", summary = "Requeue a repeater's records", description = "Cancelled and invalid-payload records get a fresh set of tries; failed ones become due now. One statement; answers how many changed. 409 if the states asked for can never be requeued.")
    @APIResponse(responseCode = "200", description = "how many records changed")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "none of the states asked for can be requeued")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    public Uni<BulkResult> requeue(@PathParam("id") String id,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "rejected this month", value = ApiExamples.BULK_REQUEUE))) BulkRecordFilter filter, @Context SecurityContext who) {
        return bulk(RecordTransition.REQUEUE, id, filter, who);
    }

    @POST
    @Path("resend")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "resendRepeaterRecords", summary = "Resend a repeater's records", description = "Succeeded (and empty) records are sent again. One statement; answers how many changed.")
    @APIResponse(responseCode = "200", description = "how many records changed")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "none of the states asked for can be resent")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    public Uni<BulkResult> resend(@PathParam("id") String id,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "one payload again", value = ApiExamples.BULK_RESEND))) BulkRecordFilter filter, @Context SecurityContext who) {
        return bulk(RecordTransition.RESEND, id, filter, who);
    }

    @POST
    @Path("cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "cancelRepeaterRecords", summary = "Cancel a repeater's records", description = "Pending and failed records stop. One statement; answers how many changed.")
    @APIResponse(responseCode = "200", description = "how many records changed")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "none of the states asked for can be cancelled")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    public Uni<BulkResult> cancel(@PathParam("id") String id,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "everything still queued", value = ApiExamples.BULK_CANCEL))) BulkRecordFilter filter, @Context SecurityContext who) {
        return bulk(RecordTransition.CANCEL, id, filter, who);
    }

    private Uni<BulkResult> bulk(RecordTransition transition, String id, BulkRecordFilter body, SecurityContext who) {
        long repeaterId = Ids.parse(id, "repeater");
        BulkRecordFilter requested = body == null ? new BulkRecordFilter(null, null, null, null) : body;
        QueryParams params = new QueryParams();
        List<RecordState> states = params.states(requested.state());
        String payloadId = params.text(requested.payloadId(), "payloadId", 255);
        Instant after = params.instant(requested.registeredAfter(), "registeredAfter");
        Instant before = params.instant(requested.registeredBefore(), "registeredBefore");
        if (after != null && before != null && !after.isBefore(before)) {
            params.invalid("registeredBefore", "must be later than registeredAfter");
        }
        params.check();
        return records.applyAll(transition, repeaterId, new RecordFilter(states, payloadId, after, before), requested,
                Callers.name(who));
    }
}
