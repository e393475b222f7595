package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.model.RecordTransition;
import io.repeaterdispatch.admin.service.RecordService;
import io.repeaterdispatch.admin.service.RecordViews;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** One record: read it with its attempts, read its payload, requeue, resend or cancel it. */
@Tag(name = "Records")
@Path("/api/v1/records/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class RecordResource {

    private final RecordService records;

    public RecordResource(RecordService records) {
        this.records = records;
    }

    @GET
    @Operation(operationId = "getRecord", summary = "Read a record", description = "With every attempt, oldest first.")
    @APIResponse(responseCode = "200", description = "the record and its attempts")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<RecordViews.RecordView> get(@PathParam("id") String id) {
        return records.get(Ids.parse(id, "record"));
    }

    @GET
    @Path("payload")
    @Produces(MediaType.WILDCARD)
    @Operation(operationId = "getRecordPayload", summary = "Read a record's payload", description = "Exactly as queued, with its content type.")
    @APIResponse(responseCode = "200", description = "the payload byte for byte, with the content type it was queued with: "
            + "application/json for every record enqueued or fanned out through this API",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(description = "the payload: any JSON value")))
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<Response> payload(@PathParam("id") String id) {
        return records.payload(Ids.parse(id, "record")).map(payload -> Response.ok(payload.body(), payload.contentType()).build());
    }

    @POST
    @Path("requeue")
    @Operation(operationId = "requeueRecord", summary = "Requeue a record", description = "From cancelled or invalid_payload (fresh tries) or failed (due now); 409 otherwise or while it is being delivered.")
    @APIResponse(responseCode = "200", description = "the record after the change")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "its state allows no requeue, or it is being delivered right now")
    public Uni<RecordViews.RecordView> requeue(@PathParam("id") String id, @Context SecurityContext who) {
        return records.apply(RecordTransition.REQUEUE, Ids.parse(id, "record"), Callers.name(who));
    }

    @POST
    @Path("resend")
    @Operation(operationId = "resendRecord", summary = "Resend a record", description = "From succeeded or empty; 409 otherwise.")
    @APIResponse(responseCode = "200", description = "the record after the change")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "its state allows no resend")
    public Uni<RecordViews.RecordView> resend(@PathParam("id") String id, @Context SecurityContext who) {
        return records.apply(RecordTransition.RESEND, Ids.parse(id, "record"), Callers.name(who));
    }

    @POST
    @Path("cancel")
    @Operation(operationId = "cancelRecord", summary = "Cancel a record", description = "From pending or failed; 409 otherwise. Wins over an attempt in flight.")
    @APIResponse(responseCode = "200", description = "the record after the change")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "its state allows no cancel")
    public Uni<RecordViews.RecordView> cancel(@PathParam("id") String id, @Context SecurityContext who) {
        return records.apply(RecordTransition.CANCEL, Ids.parse(id, "record"), Callers.name(who));
    }
}
