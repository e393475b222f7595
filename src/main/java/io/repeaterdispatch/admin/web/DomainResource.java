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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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
    @Operation(operationId = "listDomains", summary = "List domains", description = "Every domain with a repeater or a flag, in name order, keyset-paginated, with its effective flag, repeater count and queued records.")
    @APIResponse(responseCode = "200", description = "a page of domains, in name order")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Uni<Page<DomainView>> list(@Parameter(description = ApiSchemas.LIMIT, schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) @QueryParam("limit") String limitParam, @Parameter(description = ApiSchemas.CURSOR) @QueryParam("cursor") String cursor) {
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        String after = params.textCursor(cursor);
        params.check();
        return domains.list(after, limit);
    }

    @GET
    @Path("{domain}/records")
    @Operation(operationId = "listDomainRecords", summary = "List a domain's records", description = "Across its repeaters, newest first, keyset-paginated; filters: state, payloadId.")
    @APIResponse(responseCode = "200", description = "a page of the domain's records, newest first (none for a domain that has none)")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Uni<Page<RecordViews.RecordSummary>> records(@PathParam("domain") String domain, @Parameter(description = ApiSchemas.STATE) @QueryParam("state") String state,
            @Parameter(description = "only records of this payload id") @QueryParam("payloadId") String payloadId,
            @Parameter(description = ApiSchemas.LIMIT, schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50")) @QueryParam("limit") String limitParam, @Parameter(description = ApiSchemas.CURSOR) @QueryParam("cursor") String cursor) {
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
