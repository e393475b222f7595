package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.service.AuditTrail;
import io.repeaterdispatch.admin.service.AuditView;
import io.repeaterdispatch.admin.service.Page;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit trail of mutating admin calls, newest first. */
@Tag(name = "Audit", description = "Every mutating admin call")
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditTrail audit;

    public AuditResource(AuditTrail audit) {
        this.audit = audit;
    }

    @GET
    @Operation(operationId = "listAuditEntries", summary = "List the audit trail", description = "Newest first, keyset-paginated; filters: actor (token name), action (e.g. repeater.update, records.requeue).")
    @APIResponse(responseCode = "200", description = "a page of audit entries, newest first")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Uni<Page<AuditView>> list(@Parameter(description = "only this token name's entries (migration: the schema upgrades')") @QueryParam("actor") String actor,
            @Parameter(description = "only this action's entries: repeater.create, repeater.update, records.requeue, ...") @QueryParam("action") String action,
            @Parameter(description = ApiSchemas.LIMIT, schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) @QueryParam("limit") String limitParam, @Parameter(description = ApiSchemas.CURSOR) @QueryParam("cursor") String cursor) {
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        long before = params.idCursor(cursor, true);
        params.text(actor, "actor", 64);
        params.text(action, "action", 64);
        params.check();
        return audit.list(actor, action, before, limit);
    }
}
