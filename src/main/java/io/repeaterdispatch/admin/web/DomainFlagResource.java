package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.service.ApiException;
import io.repeaterdispatch.admin.service.DomainService;
import io.repeaterdispatch.admin.service.DomainService.FlagView;
import io.repeaterdispatch.admin.service.RepeaterValidator;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A domain's process-repeaters flag: on = per-repeater loop, off = legacy per-record path. */
@Tag(name = "Domains")
@Path("/api/v1/domains/{domain}/flags/process-repeaters")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DomainFlagResource {

    public record FlagRequest(Boolean enabled) {
    }

    private final DomainService domains;

    public DomainFlagResource(DomainService domains) {
        this.domains = domains;
    }

    @GET
    @Operation(operationId = "getProcessRepeatersFlag", summary = "Read a domain's process-repeaters flag", description = "true: per-repeater loop; false: legacy per-record path; source says whether the configured default applies.")
    @APIResponse(responseCode = "200", description = "the flag (the configured default for a domain that has none of its own)")
    @APIResponse(responseCode = "400", ref = "BadRequest", description = "not a valid domain name")
    public Uni<FlagView> get(@PathParam("domain") String domain) {
        checkDomain(domain);
        return domains.flag(domain);
    }

    @PUT
    @Operation(operationId = "setProcessRepeatersFlag", summary = "Set a domain's process-repeaters flag", description = "Safe at any moment: both paths claim records through the same leases.")
    @APIResponse(responseCode = "200", description = "the flag as set")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge")
    public Uni<FlagView> put(@PathParam("domain") String domain,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "legacy path", value = ApiExamples.SET_FLAG))) FlagRequest request, @Context SecurityContext who) {
        checkDomain(domain);
        return domains.setFlag(domain, request == null ? null : request.enabled(), Callers.name(who));
    }

    static void checkDomain(String domain) {
        if (!RepeaterValidator.DOMAIN.matcher(domain).matches()) {
            throw ApiException.badRequest("not a valid domain name");
        }
    }
}
