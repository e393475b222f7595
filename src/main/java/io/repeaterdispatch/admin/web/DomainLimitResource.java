package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.service.ApiException;
import io.repeaterdispatch.admin.service.DomainService;
import io.repeaterdispatch.admin.service.DomainService.LimitsView;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A domain's remote-time budget per minute and per hour: its own values, or the configured defaults. */
@Tag(name = "Domains")
@Path("/api/v1/domains/{domain}/limits")
@Produces(MediaType.APPLICATION_JSON)
public class DomainLimitResource {

    /** Both values replace the stored ones; null or absent is the configured default. Unknown fields are refused (StrictFields). */
    public record LimitsRequest(
            @Schema(description = "remote time (sum of request durations) the domain may spend per minute, in ms: 1 to 10^12; null: the default",
                    nullable = true)
            Long remoteTimePerMinuteMs,
            @Schema(description = "the same per hour; null: the default", nullable = true)
            Long remoteTimePerHourMs) {
    }

    private final DomainService domains;

    public DomainLimitResource(DomainService domains) {
        this.domains = domains;
    }

    @GET
    @Operation(operationId = "getDomainLimits", summary = "Read a domain's remote-time limits", description = "The domain's own values (null where it has none) and the effective ones: its own, else dispatch.domain-budget.per-minute / per-hour.")
    @APIResponse(responseCode = "200", description = "the domain's own limits and the effective ones")
    @APIResponse(responseCode = "400", ref = "BadRequest", description = "not a valid domain name")
    public Uni<LimitsView> get(@PathParam("domain") String domain) {
        DomainFlagResource.checkDomain(domain);
        return domains.limits(domain);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "setDomainLimits", summary = "Set a domain's remote-time limits", description = "Replaces both values: remoteTimePerMinuteMs and remoteTimePerHourMs, positive integers up to 10^12, or null for the configured default.")
    @APIResponse(responseCode = "200", description = "the limits as set")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    public Uni<LimitsView> put(@PathParam("domain") String domain,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "a tighter minute, the default hour", value = ApiExamples.SET_LIMITS))) LimitsRequest request,
            @Context SecurityContext who) {
        DomainFlagResource.checkDomain(domain);
        if (request == null) {
            throw ApiException.badRequest("request body is required: {\"remoteTimePerMinuteMs\": n or null, \"remoteTimePerHourMs\": n or null}");
        }
        return domains.setLimits(domain, request.remoteTimePerMinuteMs(), request.remoteTimePerHourMs(), Callers.name(who));
    }

    @DELETE
    @Operation(operationId = "deleteDomainLimits", summary = "Drop a domain's remote-time limits", description = "The configured defaults apply again; answers the limits as they are now.")
    @APIResponse(responseCode = "200", description = "the limits as they are now: the configured defaults")
    @APIResponse(responseCode = "400", ref = "BadRequest", description = "not a valid domain name")
    public Uni<LimitsView> delete(@PathParam("domain") String domain, @Context SecurityContext who) {
        DomainFlagResource.checkDomain(domain);
        return domains.clearLimits(domain, Callers.name(who));
    }
}
