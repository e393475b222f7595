package io.repeaterdispatch.admin;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.repeaterdispatch.admin.entity.AuditEntity;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;

/** The audit trail of mutating admin calls, newest first. */
@Tag(name = "Audit", description = "Every mutating admin call")
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    public record AuditView(long id, Instant at, String actor, String action, String target, JsonNode detail) {
    }

    private final ObjectMapper json;

    public AuditResource(ObjectMapper json) {
        this.json = json;
    }

    @GET
    @WithSession
    @Operation(summary = "List the audit trail", description = "Newest first, keyset-paginated; filters: actor (token name), action (e.g. repeater.update, records.requeue).")
    public Uni<Page<AuditView>> list(@QueryParam("actor") String actor, @QueryParam("action") String action,
                                     @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        long before = params.idCursor(cursor, true);
        params.text(actor, "actor", 64);
        params.text(action, "action", 64);
        params.check();
        StringBuilder where = new StringBuilder("id < :before");
        Parameters args = Parameters.with("before", before);
        if (actor != null) {
            where.append(" and actor = :actor");
            args.and("actor", actor);
        }
        if (action != null) {
            where.append(" and action = :action");
            args.and("action", action);
        }
        return AuditEntity.<AuditEntity>find(where + " order by id desc", args).range(0, limit).list()
                .map(rows -> Page.of(rows.stream().map(this::view).toList(), limit, v -> Long.toString(v.id())));
    }

    private AuditView view(AuditEntity e) {
        try {
            return new AuditView(e.id, e.at, e.actor, e.action, e.target, json.readTree(e.detail));
        } catch (Exception unreadable) {
            return new AuditView(e.id, e.at, e.actor, e.action, e.target, json.getNodeFactory().textNode(e.detail));
        }
    }
}
