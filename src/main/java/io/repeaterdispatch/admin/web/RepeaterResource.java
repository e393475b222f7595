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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
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
    @Operation(summary = "Create a repeater", description = "Secrets in auth are write-only: stored encrypted, never returned. The URL must pass the outbound URL policy. Optional rateLimit {perSecond, burst} caps the requests per second sent to the endpoint; optional statusPolicy {retry, invalidPayload} lists HTTP status codes (300-599) that this endpoint means as a retryable failure or an invalid payload, overriding the default reading. Deliveries are signed (Standard Webhooks) unless signing {enabled: false}; the signing secret (given as signingSecret, or generated) is answered in this response only, as signingSecret."
            + " Optional eventTypes (names or prefixes such as case.*; absent or []: every type) choose the events a fan-out to the domain queues for it.")
    public Uni<RestResponse<RepeaterWithSecret>> create(
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "new repeater", value = ApiExamples.CREATE_REPEATER))) CreateRepeaterRequest request, @Context SecurityContext who) {
        return repeaters.create(request, Callers.name(who)).map(view -> RestResponse.status(RestResponse.Status.CREATED, view));
    }

    @GET
    @Operation(summary = "List repeaters", description = "Keyset-paginated in id order (limit 1-500, cursor from the previous page). Filters: domain, paused, backedOff, disabled, deleted (default false). Each item has its backoff state and queued-record counts.")
    public Uni<Page<RepeaterView>> list(@QueryParam("domain") String domain, @QueryParam("paused") String paused,
                                        @QueryParam("backedOff") String backedOff, @QueryParam("deleted") String deleted,
                                        @QueryParam("disabled") String disabled,
                                        @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
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
    @Operation(summary = "Read a repeater", description = "With backoff state and record counts by state.")
    public Uni<RepeaterView> get(@PathParam("id") String id) {
        return repeaters.get(Ids.parse(id, "repeater"));
    }

    @GET
    @Path("{id}/activity")
    @APIResponse(responseCode = "200", description = "the repeater's attempts of the last hour by outcome, and the latest one")
    @APIResponse(responseCode = "404", description = "no such repeater")
    @Operation(operationId = "getRepeaterActivity", summary = "A repeater's last hour", description = "Its delivery attempts of the last hour by outcome (failed, succeeded, empty, invalid_payload) and the latest of them (state, httpStatus, at), as the console's lists show them. Read from the records the repeater wrote in that hour, at most 2000 queued and 2000 finished ones, newest first: complete is false when it wrote more, and the counts are then a lower bound.")
    public Uni<RepeaterActivity> activity(@PathParam("id") String id) {
        return repeaters.activity(Ids.parse(id, "repeater"));
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Update a repeater", description = "Changes only the fields given (name, url, method, headers, auth, timeoutMs, batchSize, rateLimit, statusPolicy, signing); headers, auth, rateLimit, statusPolicy and signing are replaced whole, and null clears rateLimit (no limit) and statusPolicy (no codes of its own). The signing secret cannot be set here: rotate it. A new URL drops the backoff. A refused update changes nothing."
            + " eventTypes replaces the subscribed event types whole; null or [] subscribes to every type.")
    public Uni<RepeaterView> update(@PathParam("id") String id,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = {@ExampleObject(name = "new URL and timeout", value = ApiExamples.UPDATE_REPEATER),
                            @ExampleObject(name = "a rate limit, the default status policy", value = ApiExamples.UPDATE_LIMITS)})) JsonNode body,
            @Context SecurityContext who)
            throws JsonProcessingException {
        return repeaters.update(Ids.parse(id, "repeater"), body, Callers.name(who));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a repeater (soft)", description = "It is never dispatched again; its queued records are cancelled; everything stays readable.")
    public Uni<RepeaterView> delete(@PathParam("id") String id, @Context SecurityContext who) {
        return repeaters.delete(Ids.parse(id, "repeater"), Callers.name(who));
    }

    @POST
    @Path("{id}/signing-secret/rotate")
    @Operation(summary = "Rotate a repeater's signing secret", description = "Generates a new signing secret and answers it, as signingSecret, this once: it is never readable afterwards. For dispatch.signing.rotation-overlap (default 24h) deliveries carry two signatures, the new secret's and the replaced one's (webhook-signature: \"v1,<new> v1,<old>\"), so receivers can switch without refusing any. Audited without the secret.")
    public Uni<RepeaterWithSecret> rotateSigningSecret(@PathParam("id") String id, @Context SecurityContext who) {
        return repeaters.rotateSigningSecret(Ids.parse(id, "repeater"), Callers.name(who));
    }

    @POST
    @Path("{id}/pause")
    @Operation(summary = "Pause a repeater", description = "Records keep queueing; nothing is sent until resumed. Clears the backoff.")
    public Uni<RepeaterView> pause(@PathParam("id") String id, @Context SecurityContext who) {
        return repeaters.pause(Ids.parse(id, "repeater"), Callers.name(who));
    }

    @POST
    @Path("{id}/resume")
    @Operation(summary = "Resume a repeater", description = "Dispatch picks it up at once. A repeater the service disabled (disabled: true) is re-enabled: its disabledReason, failing streak and backoff are cleared.")
    public Uni<RepeaterView> resume(@PathParam("id") String id, @Context SecurityContext who) {
        return repeaters.resume(Ids.parse(id, "repeater"), Callers.name(who));
    }
}
