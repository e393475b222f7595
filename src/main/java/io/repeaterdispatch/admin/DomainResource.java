package io.repeaterdispatch.admin;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.delivery.RecordState;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Domains (tenants): every domain with a repeater or a flag, and a domain's records. */
@Tag(name = "Domains", description = "Tenants: their dispatch flag and queued work")
@Path("/api/v1/domains")
@Produces(MediaType.APPLICATION_JSON)
public class DomainResource {

    /**
     * @param processRepeaters the effective flag: per-repeater loop (true) or legacy path (false)
     * @param flagSource       "domain" when the domain has its own flag, "default" otherwise
     * @param repeaters        repeaters not deleted
     * @param queued           queued records by state (pending, failed)
     */
    public record DomainView(String domain, boolean processRepeaters, String flagSource, long repeaters,
                             Map<String, Long> queued) {
    }

    private final DispatchConfig config;

    public DomainResource(DispatchConfig config) {
        this.config = config;
    }

    /** In name order, keyset-paginated. Counts come from the queued-records index, not a table scan. */
    @GET
    @WithSession
    @Operation(summary = "List domains", description = "Every domain with a repeater or a flag, in name order, keyset-paginated, with its effective flag, repeater count and queued records.")
    public Uni<Page<DomainView>> list(@QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        String after = params.textCursor(cursor);
        params.check();
        return Panache.getSession().flatMap(s -> s.createNativeQuery("""
                        WITH page AS (
                            SELECT domain FROM (SELECT domain FROM repeater UNION SELECT domain FROM domain_flag) d
                             WHERE domain > ?1 ORDER BY domain LIMIT ?2
                        )
                        SELECT p.domain, f.process_repeaters,
                               (SELECT count(*) FROM repeater r WHERE r.domain = p.domain AND NOT r.is_deleted),
                               (SELECT count(*) FROM repeater r JOIN repeat_record q ON q.repeater_id = r.id AND q.state IN (1, 2)
                                 WHERE r.domain = p.domain AND q.state = 1),
                               (SELECT count(*) FROM repeater r JOIN repeat_record q ON q.repeater_id = r.id AND q.state IN (1, 2)
                                 WHERE r.domain = p.domain AND q.state = 2)
                          FROM page p LEFT JOIN domain_flag f ON f.domain = p.domain
                         ORDER BY p.domain
                        """, Object[].class)
                        .setParameter(1, after).setParameter(2, limit + 1).getResultList())
                .map(rows -> {
                    List<DomainView> views = new ArrayList<>();
                    for (Object[] row : rows) {
                        Boolean flag = (Boolean) row[1];
                        Map<String, Long> queued = new java.util.LinkedHashMap<>();
                        queued.put(RecordViews.stateName(RecordState.PENDING), ((Number) row[3]).longValue());
                        queued.put(RecordViews.stateName(RecordState.FAILED), ((Number) row[4]).longValue());
                        views.add(new DomainView((String) row[0], flag == null ? config.processRepeatersDefault() : flag,
                                flag == null ? "default" : "domain", ((Number) row[2]).longValue(), queued));
                    }
                    return Page.of(views, limit, DomainView::domain);
                });
    }

    /** A domain's records across its repeaters, newest first, optionally by state and payload id. */
    @GET
    @Path("{domain}/records")
    @WithSession
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
        return RecordLists.page("domain = :owner", Parameters.with("owner", domain), states, payloadId, before, limit);
    }
}
