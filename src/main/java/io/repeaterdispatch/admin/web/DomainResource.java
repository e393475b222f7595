package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.service.DomainService;
import io.repeaterdispatch.admin.service.DomainService.DomainView;
import io.repeaterdispatch.admin.service.Page;
import io.repeaterdispatch.admin.service.RecordService;
import io.repeaterdispatch.admin.service.RecordViews;
import io.repeaterdispatch.admin.service.RepeaterValidator;
import io.repeaterdispatch.core.RecordState;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Domains (tenants): every domain with a repeater or a flag, and a domain's records. */
@Tag(name = "Domains", description = "Tenants: their dispatch flag and queued work")
@Path("/api/v1/domains")
@Produces(MediaType.APPLICATION_JSON)
public class DomainResource {

    private final DomainService domains;
    private final RecordService records;

    public DomainResource(DomainService domains, RecordService records) {
        this.domains = domains;
        this.records = records;
    }

    @GET
    @Operation(summary = "List domains", description = "Every domain with a repeater or a flag, in name order, keyset-paginated, with its effective flag, repeater count and queued records.")
    public Uni<Page<DomainView>> list(@QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        String after = params.textCursor(cursor);
        params.check();
        return domains.list(after, limit);
    }

    @GET
    @Path("{domain}/records")
    @Operation(summary = "List a domain's records", description = "Across its repeaters, newest first, keyset-paginated; filters: state, payloadId.")
    public Uni<Page<RecordViews.RecordSummary>> records(@PathParam("domain") String domain, @QueryParam("state") String state,
                                                        @QueryParam("payloadId") String payloadId,
                                                        @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        QueryParams params = new QueryParams();
        if (!RepeaterValidator.DOMAIN.matcher(domain).matches()) {
            params.invalid("domain", "not a valid domain name");
        }
        int limit = params.limit(limitParam);
        long before = params.idCursor(cursor, true);
        List<RecordState> states = params.states(state);
        params.text(payloadId, "payloadId", 255);
        params.check();
        return records.listOfDomain(domain, states, payloadId, before, limit);
    }
}
