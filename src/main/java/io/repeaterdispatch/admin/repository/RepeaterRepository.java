package io.repeaterdispatch.admin.repository;

import io.repeaterdispatch.admin.model.RecordFilter;
import io.repeaterdispatch.admin.model.RecordTransition;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.repeaterdispatch.admin.entity.RepeaterEntity;
import io.repeaterdispatch.admin.model.RepeaterFilter;
import io.repeaterdispatch.core.RecordState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The admin side's repeater queries (HQL over the Panache session). */
@ApplicationScoped
public class RepeaterRepository {

    private final RecordRepository records;

    public RepeaterRepository(RecordRepository records) {
        this.records = records;
    }

    public Uni<RepeaterEntity> find(long repeaterId) {
        return RepeaterEntity.findById(repeaterId);
    }

    /** The repeater, row-locked for this transaction so concurrent admin changes apply one after the other. */
    public Uni<RepeaterEntity> lock(long repeaterId) {
        return RepeaterEntity.findById(repeaterId, LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<Boolean> exists(long repeaterId) {
        return RepeaterEntity.count("id", repeaterId).map(n -> n > 0);
    }

    /**
     * The id of the domain's repeater that is not deleted and has this name, other than {@code exceptId}
     * (0: none excepted); null if there is none. Names are unique among them (migrations/V20).
     */
    public Uni<Long> liveNamed(String domain, String name, long exceptId) {
        return RepeaterEntity.<RepeaterEntity>find("domain = ?1 and name = ?2 and deleted = false and id <> ?3", domain, name, exceptId)
                .firstResult().map(r -> r == null ? null : r.id);
    }

    public Uni<RepeaterEntity> persist(RepeaterEntity repeater) {
        return repeater.persist();
    }

    /** Up to {@code limit + 1} repeaters with ids above {@code afterId}, in id order (the extra one tells a next page exists). */
    public Uni<List<RepeaterEntity>> page(RepeaterFilter filter, long afterId, int limit, Instant now) {
        StringBuilder where = new StringBuilder("id > :after and deleted = :deleted");
        Parameters args = Parameters.with("after", afterId).and("deleted", filter.deleted());
        if (filter.domain() != null) {
            where.append(" and domain = :domain");
            args.and("domain", filter.domain());
        }
        if (filter.paused() != null) {
            where.append(" and paused = :paused");
            args.and("paused", filter.paused());
        }
        if (filter.backedOff() != null) {
            where.append(filter.backedOff() ? " and nextAttemptAt > :now" : " and (nextAttemptAt is null or nextAttemptAt <= :now)");
            args.and("now", now);
        }
        if (filter.disabled() != null) { // disabled is paused with a reason (RepeaterView)
            where.append(filter.disabled() ? " and disabledAt is not null and paused = true" : " and (disabledAt is null or paused = false)");
        }
        return RepeaterEntity.<RepeaterEntity>find(where + " order by id", args).range(0, limit).list();
    }

    /** Record counts by state for each repeater (only states with records), in one grouped query. */
    public Uni<Map<Long, Map<RecordState, Long>>> recordCounts(List<Long> repeaterIds, boolean queuedOnly) {
        String states = queuedOnly ? " and r.state in (" + RecordState.sqlList(RecordState.QUEUED) + ")" : "";
        return Panache.getSession().flatMap(session -> session
                        .createSelectionQuery("select r.repeaterId, r.state, count(r) from RepeatRecordEntity r "
                                + "where r.repeaterId in (:ids)" + states + " group by r.repeaterId, r.state", Object[].class)
                        .setParameter("ids", repeaterIds)
                        .getResultList())
                .map(rows -> {
                    Map<Long, Map<RecordState, Long>> counts = new HashMap<>();
                    for (Object[] row : rows) {
                        counts.computeIfAbsent((Long) row[0], id -> new EnumMap<>(RecordState.class))
                                .put(RecordState.of(((Number) row[1]).intValue()), ((Number) row[2]).longValue());
                    }
                    return counts;
                });
    }

    /** Most records of each kind (queued, finished) {@link #activity} reads: it stays cheap for the busiest repeater. */
    public static final int ACTIVITY_CAP = 2000;

    /** One row of {@link #activity}: kind "count" (state, n, at = the latest), "last" (state, httpStatus, at) or "queued"/"finished" (n). */
    public record ActivityRow(String kind, Short state, Long n, Integer httpStatus, Instant at) {
    }

    /**
     * The repeater's delivery attempts since {@code since}: counts by attempt state, the latest
     * attempt, and how many records of each kind were read. An attempt since then belongs to a
     * record written since then: still queued (its result write set updated_at) or finished (its
     * finished_at, the history's partition key, so only the last day's partitions are read). Each
     * kind is read newest first through the (repeater_id, id) indexes, at most {@link #ACTIVITY_CAP}
     * records, and their attempts through (record_id, id).
     */
    public Uni<List<ActivityRow>> activity(long repeaterId, Instant since) {
        String sql = """
                WITH queued AS (
                    SELECT id FROM repeat_record WHERE repeater_id = :id AND updated_at >= :since ORDER BY id DESC LIMIT :cap
                ), finished AS (
                    SELECT id FROM repeat_record_history WHERE repeater_id = :id AND finished_at >= :since ORDER BY id DESC LIMIT :cap
                ), recent AS (
                    SELECT a.id, a.state, a.http_status, a.created_at
                      FROM (SELECT id FROM queued UNION ALL SELECT id FROM finished) t
                      JOIN repeat_record_attempt a ON a.record_id = t.id
                     WHERE a.created_at >= :since
                )
                SELECT 'count', state, count(*), CAST(NULL AS integer), max(created_at) FROM recent GROUP BY state
                UNION ALL
                (SELECT 'last', state, CAST(NULL AS bigint), http_status, created_at FROM recent ORDER BY created_at DESC, id DESC LIMIT 1)
                UNION ALL
                SELECT 'queued', CAST(NULL AS smallint), count(*), CAST(NULL AS integer), CAST(NULL AS timestamptz) FROM queued
                UNION ALL
                SELECT 'finished', CAST(NULL AS smallint), count(*), CAST(NULL AS integer), CAST(NULL AS timestamptz) FROM finished
                """;
        return Panache.getSession().flatMap(session -> session.createNativeQuery(sql, Object[].class)
                        .setParameter("id", repeaterId)
                        .setParameter("since", since)
                        .setParameter("cap", ACTIVITY_CAP)
                        .getResultList())
                .map(rows -> rows.stream().map(row -> new ActivityRow((String) row[0],
                        row[1] == null ? null : ((Number) row[1]).shortValue(),
                        row[2] == null ? null : ((Number) row[2]).longValue(),
                        row[3] == null ? null : ((Number) row[3]).intValue(),
                        instant(row[4]))).toList());
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.LocalDateTime l) {
            return l.toInstant(java.time.ZoneOffset.UTC);
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass().getName());
    }

    /**
     * Some of the repeater's records became due at {@code at} (requeue, resend): its next_due_at
     * may only move earlier, and the version bump tells a concurrent claim or result write not to
     * overwrite it with a value computed before (migrations/V6__repeater_ready_at.sql).
     */
    public Uni<Integer> recordsDueAt(long repeaterId, Instant at) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("UPDATE repeater SET next_due_at = LEAST(next_due_at, :at), due_version = due_version + 1 WHERE id = :id")
                .setParameter("at", at)
                .setParameter("id", repeaterId)
                .executeUpdate());
    }

    /**
     * Records left the repeater's queue by an operator's cancel. A strict repeater's head may have
     * been one of them, and the record behind it may be due already: its next_due_at (its old head's)
     * moves down to {@code at}, and the next claim computes the new head's. Parallel repeaters need
     * nothing: fewer records never make them due earlier.
     */
    public Uni<Integer> recordsLeft(long repeaterId, Instant at) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("UPDATE repeater SET next_due_at = LEAST(next_due_at, :at), due_version = due_version + 1 "
                        + "WHERE id = :id AND ordering = 'strict'")
                .setParameter("at", at)
                .setParameter("id", repeaterId)
                .executeUpdate());
    }

    /** Cancels every queued record of the repeater (with its soft delete, in the caller's transaction). */
    public Uni<Integer> cancelQueuedRecords(long repeaterId, Instant now) {
        return records.apply(RecordTransition.CANCEL, repeaterId, new RecordFilter(null, null, null, null), now);
    }
}
