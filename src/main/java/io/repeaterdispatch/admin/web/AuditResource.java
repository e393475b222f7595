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
    @Operation(summary = "List the audit trail", description = "Newest first, keyset-paginated; filters: actor (token name), action (e.g. repeater.update, records.requeue).")
    public Uni<Page<AuditView>> list(@QueryParam("actor") String actor, @QueryParam("action") String action,
                                     @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        long before = params.idCursor(cursor, true);
        params.text(actor, "actor", 64);
        params.text(action, "action", 64);
        params.check();
        return audit.list(actor, action, before, limit);
    }
}
