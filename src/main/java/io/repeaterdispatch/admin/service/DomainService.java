package io.repeaterdispatch.admin.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.repeaterdispatch.admin.repository.DomainRepository;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.core.LimitsChanged;
import io.repeaterdispatch.core.WorkQueued;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Domains (tenants), their process-repeaters flag (on = per-repeater loop, off = legacy
 * per-record path; safe to flip at any moment: both paths claim records through the same leases)
 * and their remote-time limits.
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

    /**
     * A domain's remote-time budget (the sum of its requests' durations) per minute and per hour.
     *
     * @param remoteTimePerMinuteMs the domain's own value, null when the configured default applies
     * @param remoteTimePerHourMs   the same per hour
     * @param effective             what applies: the domain's own value, else dispatch.domain-budget.*
     */
    public record LimitsView(String domain,
                             @Schema(description = "the domain's own remote time per minute, in ms; null: the configured default", nullable = true)
                             Long remoteTimePerMinuteMs,
                             @Schema(description = "the domain's own remote time per hour, in ms; null: the configured default", nullable = true)
                             Long remoteTimePerHourMs,
                             @Schema(description = "what applies: the domain's own values, else dispatch.domain-budget.per-minute / per-hour")
                             RemoteTime effective) {
    }

    public record RemoteTime(long remoteTimePerMinuteMs, long remoteTimePerHourMs) {
    }

    /** Largest remote-time limit a domain may be given (about 31 years): past it a value is a typo, not a budget. */
    public static final long MAX_REMOTE_TIME_MS = 1_000_000_000_000L;

    private final DomainRepository domains;
    private final AuditTrail audit;
    private final DispatchConfig config;
    private final Event<WorkQueued> workQueued;
    private final Event<LimitsChanged> limitsChanged;

    public DomainService(DomainRepository domains, AuditTrail audit, DispatchConfig config, Event<WorkQueued> workQueued,
                         Event<LimitsChanged> limitsChanged) {
        this.limitsChanged = limitsChanged;
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

    public Uni<LimitsView> limits(String domain) {
        return Panache.withSession(() -> limitsView(domain));
    }

    /** Sets the domain's own limits, replacing both: a null value is the configured default. */
    public Uni<LimitsView> setLimits(String domain, Long remoteMsPerMinute, Long remoteMsPerHour, String actor) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        checkRemoteTime("remoteTimePerMinuteMs", remoteMsPerMinute, errors);
        checkRemoteTime("remoteTimePerHourMs", remoteMsPerHour, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        LimitsView after = limitsView(domain, remoteMsPerMinute, remoteMsPerHour);
        return Panache.withTransaction(() -> limitsView(domain)
                        .call(before -> domains.setLimits(domain, remoteMsPerMinute, remoteMsPerHour))
                        .call(before -> audit.record(actor, "domain.limits.set", "domain/" + domain, AuditTrail.change(before, after))))
                .invoke(() -> limitsChanged.fire(new LimitsChanged("domain limits set")))
                .map(before -> after);
    }

    /** Drops the domain's own limits: the configured defaults apply again. */
    public Uni<LimitsView> clearLimits(String domain, String actor) {
        LimitsView after = limitsView(domain, null, null);
        return Panache.withTransaction(() -> limitsView(domain)
                        .call(before -> domains.deleteLimits(domain))
                        .call(before -> audit.record(actor, "domain.limits.delete", "domain/" + domain, AuditTrail.change(before, after))))
                .invoke(() -> limitsChanged.fire(new LimitsChanged("domain limits dropped")))
                .map(before -> after);
    }

    private Uni<LimitsView> limitsView(String domain) {
        return domains.limits(domain).map(own -> own == null ? limitsView(domain, null, null)
                : limitsView(domain, own.remoteMsPerMinute, own.remoteMsPerHour));
    }

    private LimitsView limitsView(String domain, Long remoteMsPerMinute, Long remoteMsPerHour) {
        return new LimitsView(domain, remoteMsPerMinute, remoteMsPerHour, new RemoteTime(
                remoteMsPerMinute != null ? remoteMsPerMinute : config.domainBudget().perMinute().toMillis(),
                remoteMsPerHour != null ? remoteMsPerHour : config.domainBudget().perHour().toMillis()));
    }

    private static void checkRemoteTime(String field, Long ms, List<ApiException.FieldError> errors) {
        if (ms != null && (ms < 1 || ms > MAX_REMOTE_TIME_MS)) {
            errors.add(new ApiException.FieldError(field, "milliseconds from 1 to " + MAX_REMOTE_TIME_MS + ", or null for the default"));
        }
    }
}
