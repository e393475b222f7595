package io.repeaterdispatch.admin.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.repeaterdispatch.admin.repository.DomainRepository;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.core.WorkQueued;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Domains (tenants) and their process-repeaters flag: on = per-repeater loop, off = legacy
 * per-record path. Safe to flip at any moment: both paths claim records through the same leases.
 */
@ApplicationScoped
public class DomainService {

    /** Where a domain's effective flag comes from. */
    public static final String OWN_FLAG = "domain";
    public static final String DEFAULT_FLAG = "default";

    /**
     * @param processRepeaters the effective flag: per-repeater loop (true) or legacy path (false)
     * @param flagSource       "domain" when the domain has its own flag, "default" otherwise
     * @param repeaters        repeaters not deleted
     * @param queued           queued records by state (pending, failed)
     */
    public record DomainView(String domain, boolean processRepeaters, String flagSource, long repeaters,
                             Map<String, Long> queued) {
    }

    /** @param source "domain" when the domain has its own flag, "default" when the configured default applies */
    public record FlagView(String domain, boolean enabled, String source) {
    }

    private final DomainRepository domains;
    private final AuditTrail audit;
    private final DispatchConfig config;
    private final Event<WorkQueued> workQueued;

    public DomainService(DomainRepository domains, AuditTrail audit, DispatchConfig config, Event<WorkQueued> workQueued) {
        this.domains = domains;
        this.audit = audit;
        this.config = config;
        this.workQueued = workQueued;
    }

    /** In name order, one keyset page. */
    public Uni<Page<DomainView>> list(String afterDomain, int limit) {
        return Panache.withSession(() -> domains.page(afterDomain, limit + 1)).map(rows -> Page.of(rows.stream().map(row -> {
            Map<String, Long> queued = new LinkedHashMap<>();
            queued.put(RecordState.PENDING.apiName(), row.pending());
            queued.put(RecordState.FAILED.apiName(), row.failed());
            return new DomainView(row.domain(), row.flag() == null ? config.processRepeatersDefault() : row.flag(),
                    row.flag() == null ? DEFAULT_FLAG : OWN_FLAG, row.repeaters(), queued);
        }).toList(), limit, DomainView::domain));
    }

    public Uni<FlagView> flag(String domain) {
        return Panache.withSession(() -> view(domain));
    }

    private Uni<FlagView> view(String domain) {
        return domains.flag(domain).map(flag -> flag == null
                ? new FlagView(domain, config.processRepeatersDefault(), DEFAULT_FLAG)
                : new FlagView(domain, flag, OWN_FLAG));
    }

    /** Sets the domain's own flag; dispatch reads it after the commit. */
    public Uni<FlagView> setFlag(String domain, Boolean enabled, String actor) {
        if (enabled == null) {
            throw ApiException.invalid(List.of(new ApiException.FieldError("enabled", "required; true or false")));
        }
        FlagView after = new FlagView(domain, enabled, OWN_FLAG);
        return Panache.withTransaction(() -> view(domain)
                        .call(before -> domains.setFlag(domain, enabled))
                        .call(before -> audit.record(actor, "domain.flag.set", "domain/" + domain, AuditTrail.change(before, after))))
                .invoke(() -> workQueued.fire(new WorkQueued("domain flag set")))
                .map(before -> after);
    }
}
