package io.repeaterdispatch.admin.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.repeaterdispatch.admin.entity.DomainFlagEntity;
import io.repeaterdispatch.admin.entity.DomainLimitEntity;
import io.repeaterdispatch.core.RecordState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Domains (every domain with a repeater or a flag), their process-repeaters flags and their remote-time limits. */
@ApplicationScoped
public class DomainRepository {

    /**
     * @param flag       the domain's own flag, null when it has none
     * @param repeaters  repeaters not deleted
     * @param pending    queued records in state pending
     * @param failed     queued records in state failed
     */
    public record DomainRow(String domain, Boolean flag, long repeaters, long pending, long failed) {
    }

    /** Counts come from the queued-records partial index, not a table scan. ?1 after, ?2 limit. */
    private static final String PAGE = """
            WITH page AS (
                SELECT domain FROM (SELECT domain FROM repeater UNION SELECT domain FROM domain_flag) d
                 WHERE domain > ?1 ORDER BY domain LIMIT ?2
            )
            SELECT p.domain, f.process_repeaters,
                   (SELECT count(*) FROM repeater r WHERE r.domain = p.domain AND NOT r.is_deleted),
                   (SELECT count(*) FROM repeater r JOIN repeat_record q ON q.repeater_id = r.id AND q.state IN (%1$s)
                     WHERE r.domain = p.domain AND q.state = %2$d),
                   (SELECT count(*) FROM repeater r JOIN repeat_record q ON q.repeater_id = r.id AND q.state IN (%1$s)
                     WHERE r.domain = p.domain AND q.state = %3$d)
              FROM page p LEFT JOIN domain_flag f ON f.domain = p.domain
             ORDER BY p.domain
            """.formatted(RecordState.sqlList(RecordState.QUEUED), RecordState.PENDING.code, RecordState.FAILED.code);

    private static final String SET_FLAG = """
            INSERT INTO domain_flag (domain, process_repeaters, updated_at) VALUES (?1, ?2, now())
            ON CONFLICT (domain) DO UPDATE SET process_repeaters = excluded.process_repeaters, updated_at = now()
            """;

    private static final String SET_LIMITS = """
            INSERT INTO domain_limit (domain, remote_ms_per_minute, remote_ms_per_hour, updated_at) VALUES (?1, ?2, ?3, now())
            ON CONFLICT (domain) DO UPDATE SET remote_ms_per_minute = excluded.remote_ms_per_minute,
                                               remote_ms_per_hour = excluded.remote_ms_per_hour, updated_at = now()
            """;

    /** Up to {@code limit} domains named after {@code afterDomain}, in name order. */
    public Uni<List<DomainRow>> page(String afterDomain, int limit) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(PAGE, Object[].class)
                        .setParameter(1, afterDomain).setParameter(2, limit).getResultList())
                .map(rows -> {
                    List<DomainRow> domains = new ArrayList<>(rows.size());
                    for (Object[] row : rows) {
                        domains.add(new DomainRow((String) row[0], (Boolean) row[1], ((Number) row[2]).longValue(),
                                ((Number) row[3]).longValue(), ((Number) row[4]).longValue()));
                    }
                    return domains;
                });
    }

    /** The domain's own flag, or null when it has none (the configured default applies). */
    public Uni<Boolean> flag(String domain) {
        return DomainFlagEntity.<DomainFlagEntity>findById(domain).map(flag -> flag == null ? null : flag.processRepeaters);
    }

    public Uni<Void> setFlag(String domain, boolean processRepeaters) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(SET_FLAG)
                .setParameter(1, domain).setParameter(2, processRepeaters).executeUpdate()).replaceWithVoid();
    }

    /** The domain's own limits, or null when it has none. */
    public Uni<DomainLimitEntity> limits(String domain) {
        return DomainLimitEntity.findById(domain);
    }

    /** Upserts the domain's own limits; a null value is the configured default. */
    public Uni<Void> setLimits(String domain, Long remoteMsPerMinute, Long remoteMsPerHour) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(SET_LIMITS)
                .setParameter(1, domain).setParameter(2, remoteMsPerMinute).setParameter(3, remoteMsPerHour)
                .executeUpdate()).replaceWithVoid();
    }

    /** Drops the domain's own limits, if it has any. */
    public Uni<Void> deleteLimits(String domain) {
        return DomainLimitEntity.delete("domain", domain).replaceWithVoid();
    }
}
