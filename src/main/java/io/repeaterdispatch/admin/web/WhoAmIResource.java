package io.repeaterdispatch.admin.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Who the presented token is: its name (what the audit trail records) and its role. The console
 * signs in with it and shows a read token no control that would change anything (the server
 * refuses those calls anyway: admin.auth.BearerTokenFilter).
 */
@Tag(name = "Tokens", description = "The calling token")
@Path("/api/v1/whoami")
@Produces(MediaType.APPLICATION_JSON)
public class WhoAmIResource {

    public record WhoAmI(@Schema(description = "the token's configured name, as the audit trail records it") String actor,
                         @Schema(description = "read: GET routes only; admin: every route", enumeration = {"read", "admin"}) String role) {
    }

    @GET
    @APIResponse(responseCode = "200", description = "the token's name and role")
    @Operation(operationId = "whoami", summary = "The calling token", description = "The token's name and role (read or admin). Any valid token may call it.")
    public WhoAmI whoami(@Context SecurityContext who) {
        return new WhoAmI(Callers.name(who), who != null && who.isUserInRole("admin") ? "admin" : "read");
    }
}
