package io.repeaterdispatch.admin.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.repeaterdispatch.admin.model.RepeaterFilter;
import io.repeaterdispatch.admin.service.CreateRepeaterRequest;
import io.repeaterdispatch.admin.service.Page;
import io.repeaterdispatch.admin.service.RepeaterActivity;
import io.repeaterdispatch.admin.service.RepeaterService;
import io.repeaterdispatch.admin.service.RepeaterValidator;
import io.repeaterdispatch.admin.service.RepeaterView;
import io.repeaterdispatch.admin.service.RepeaterWithSecret;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Repeaters: create, list, read (with backoff state and record counts), update, delete, pause, resume, rotate the signing secret. */
@Tag(name = "Repeaters", description = "Remote endpoints, one per domain and URL, with their backoff state")
@Path("/api/v1/repeaters")
@Produces(MediaType.APPLICATION_JSON)
public class RepeaterResource {

    private final RepeaterService repeaters;

    public RepeaterResource(RepeaterService repeaters) {
        this.repeaters = repeaters;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createRepeater", summary = "Create a repeater", description = "Secrets in auth are write-only: stored encrypted, never returned. The URL must pass the outbound URL policy. Optional rateLimit {perSecond, burst} caps the requests per second sent to the endpoint; optional statusPolicy {retry, invalidPayload} lists HTTP status codes (300-599) that this endpoint means as a retryable failure or an invalid payload, overriding the default reading. Deliveries are signed (Standard Webhooks) unless signing {enabled: false}; the signing secret (given as signingSecret, or generated) is answered in this response only, as signingSecret."
            + " Optional eventTypes (names or prefixes such as case.*; absent or []: every type) choose the events a fan-out to the domain queues for it."
            + " The name is unique among the domain's repeaters that are not deleted: another one is a 409 that names the repeater holding it.")
    @APIResponse(responseCode = "201", description = "created: the repeater, and its signing secret (this once)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RepeaterWithSecret.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "the domain has a repeater of this name that is not deleted")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    public Uni<RestResponse<RepeaterWithSecret>> create(
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "new repeater", value = ApiExamples.CREATE_REPEATER))) CreateRepeaterRequest request, @Context SecurityContext who) {
        return repeaters.create(request, Callers.name(who)).map(view -> RestResponse.status(RestResponse.Status.CREATED, view));
    }

    @GET
    @Operation(operationId = "listRepeaters", summary = "List repeaters", description = "Keyset-paginated in id order (limit 1-500, cursor from the previous page). Filters: domain, paused, backedOff, disabled, deleted (default false). Each item has its backoff state and queued-record counts.")
    @APIResponse(responseCode = "200", description = "a page of repeaters")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Uni<Page<RepeaterView>> list(@Parameter(description = "only this domain's repeaters") @QueryParam("domain") String domain,
            @Parameter(description = "true: the paused ones only (disabled ones included); false: the others", schema = @Schema(type = SchemaType.BOOLEAN)) @QueryParam("paused") String paused,
            @Parameter(description = "true: only those whose backoff (nextAttemptAt) lies ahead; false: the others", schema = @Schema(type = SchemaType.BOOLEAN)) @QueryParam("backedOff") String backedOff,
            @Parameter(description = "true: the deleted ones only; absent or false: the others", schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false")) @QueryParam("deleted") String deleted,
            @Parameter(description = "true: the ones the service disabled only; false: the others", schema = @Schema(type = SchemaType.BOOLEAN)) @QueryParam("disabled") String disabled,
            @Parameter(description = ApiSchemas.LIMIT, schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) @QueryParam("limit") String limitParam, @Parameter(description = ApiSchemas.CURSOR) @QueryParam("cursor") String cursor) {
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        long after = params.idCursor(cursor, false);
        if (domain != null && !RepeaterValidator.DOMAIN.matcher(domain).matches()) {
            params.invalid("domain", "not a valid domain name");
        }
        Boolean isPaused = params.bool(paused, "paused");
        Boolean isBackedOff = params.bool(backedOff, "backedOff");
        Boolean isDeleted = params.bool(deleted, "deleted");
        Boolean isDisabled = params.bool(disabled, "disabled");
        params.check();
        return repeaters.list(new RepeaterFilter(domain, isPaused, isBackedOff, isDeleted != null && isDeleted, isDisabled), after, limit);
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getRepeater", summary = "Read a repeater", description = "With backoff state and record counts by state.")
    @APIResponse(responseCode = "200", description = "the repeater")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Uni<RepeaterView> get(@PathParam("id") String id) {
        return repeaters.get(Ids.parse(id, "repeater"));
    }

    @GET
    @Path("{id}/activity")
    @APIResponse(responseCode = "200", description = "the repeater's attempts of the last hour by outcome, and the latest one")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @Operation(operationId = "getRepeaterActivity", summary = "A repeater's last hour", description = "Its delivery attempts of the last hour by outcome (failed, succeeded, empty, invalid_payload) and the latest of them (state, httpStatus, at), as the console's lists show them. Read from the records the repeater wrote in that hour, at most 2000 queued and 2000 finished ones, newest first: complete is false when it wrote more, and the counts are then a lower bound.")
    public Uni<RepeaterActivity> activity(@PathParam("id") String id) {
        return repeaters.activity(Ids.parse(id, "repeater"));
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateRepeater", summary = "Update a repeater", description = "Changes only the fields given (name, url, method, headers, auth, timeoutMs, batchSize, rateLimit, statusPolicy, signing); headers, auth, rateLimit, statusPolicy and signing are replaced whole, and null clears rateLimit (no limit) and statusPolicy (no codes of its own). The signing secret cannot be set here: rotate it. A new URL drops the backoff. A refused update changes nothing."
            + " eventTypes replaces the subscribed event types whole; null or [] subscribes to every type."
            + " A new name must be unique among the domain's repeaters that are not deleted (409 otherwise).")
    @APIResponse(responseCode = "200", description = "the repeater as changed")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "the repeater is deleted, or another of the domain's repeaters has the new name")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    public Uni<RepeaterView> update(@PathParam("id") String id,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiSchemas.UpdateRepeaterRequest.class),
                    examples = {@ExampleObject(name = "new URL and timeout", value = ApiExamples.UPDATE_REPEATER),
                            @ExampleObject(name = "a rate limit, the default status policy", value = ApiExamples.UPDATE_LIMITS)})) JsonNode body,
            @Context SecurityContext who)
            throws JsonProcessingException {
        return repeaters.update(Ids.parse(id, "repeater"), body, Callers.name(who));
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteRepeater", summary = "Delete a repeater (soft)", description = "It is never dispatched again; its queued records are cancelled; everything stays readable. Its name is free again in its domain.")
    @APIResponse(responseCode = "200", description = "the repeater, deleted: true")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "the repeater is deleted already")
    public Uni<RepeaterView> delete(@PathParam("id") String id, @Context SecurityContext who) {
        return repeaters.delete(Ids.parse(id, "repeater"), Callers.name(who));
    }

    @POST
    @Path("{id}/signing-secret/rotate")
    @Operation(operationId = "rotateSigningSecret", summary = "Rotate a repeater's signing secret", description = "Generates a new signing secret and answers it, as signingSecret, this once: it is never readable afterwards. For dispatch.signing.rotation-overlap (default 24h) deliveries carry two signatures, the new secret's and the replaced one's (webhook-signature: \"v1,<new> v1,<old>\"), so receivers can switch without refusing any. Audited without the secret.")
    @APIResponse(responseCode = "200", description = "the repeater, and its new signing secret (this once)")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "the repeater is deleted")
    public Uni<RepeaterWithSecret> rotateSigningSecret(@PathParam("id") String id, @Context SecurityContext who) {
        return repeaters.rotateSigningSecret(Ids.parse(id, "repeater"), Callers.name(who));
    }

    @POST
    @Path("{id}/pause")
    @Operation(operationId = "pauseRepeater", summary = "Pause a repeater", description = "Records keep queueing; nothing is sent until resumed. Clears the backoff.")
    @APIResponse(responseCode = "200", description = "the repeater, paused: true")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "the repeater is deleted")
    public Uni<RepeaterView> pause(@PathParam("id") String id, @Context SecurityContext who) {
        return repeaters.pause(Ids.parse(id, "repeater"), Callers.name(who));
    }

    @POST
    @Path("{id}/resume")
    @Operation(operationId = "resumeRepeater", summary = "Resume a repeater", description = "Dispatch picks it up at once. A repeater the service disabled (disabled: true) is re-enabled: its disabledReason, failing streak and backoff are cleared.")
    @APIResponse(responseCode = "200", description = "the repeater, paused: false")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict", description = "the repeater is deleted")
    public Uni<RepeaterView> resume(@PathParam("id") String id, @Context SecurityContext who) {
        return repeaters.resume(Ids.parse(id, "repeater"), Callers.name(who));
    }
}
