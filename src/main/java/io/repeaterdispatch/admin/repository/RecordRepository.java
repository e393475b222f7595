package io.repeaterdispatch.admin.repository;

import io.repeaterdispatch.admin.model.RecordFilter;
import io.repeaterdispatch.admin.model.Payload;
import io.repeaterdispatch.admin.model.RecordTransition;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.repeaterdispatch.admin.entity.AttemptEntity;
import io.repeaterdispatch.admin.entity.RepeatRecordEntity;
import io.repeaterdispatch.core.RecordState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The admin side's record queries (HQL over the Panache session); the dispatch loop writes records through store. */
@ApplicationScoped
public class RecordRepository {

    public Uni<RepeatRecordEntity> find(long recordId) {
        return RepeatRecordEntity.findById(recordId);
    }

    /** The record as the database has it now, after an update that bypassed the session's copy. */
    public Uni<RepeatRecordEntity> reload(long recordId) {
        return Panache.getSession().invoke(Mutiny.Session::clear).flatMap(s -> find(recordId));
    }

    public Uni<List<AttemptEntity>> attempts(long recordId) {
        return AttemptEntity.list("recordId = ?1 order by id", recordId);
    }

    public Uni<Payload> payload(long recordId) {
        return Panache.getSession().flatMap(s -> s
                        .createNativeQuery("SELECT payload, content_type FROM repeat_record_all WHERE id = ?1", Object[].class)
                        .setParameter(1, recordId).getSingleResultOrNull())
                .map(row -> row == null ? null : new Payload((String) row[0], (String) row[1]));
    }

    /** A repeater's records, newest first: up to {@code limit + 1} with ids below {@code beforeId}. */
    public Uni<List<RepeatRecordEntity>> pageOfRepeater(long repeaterId, List<RecordState> states, String payloadId,
                                                        long beforeId, int limit) {
        return page("repeaterId = :owner", Parameters.with("owner", repeaterId), states, payloadId, beforeId, limit);
    }

    /** A domain's records across its repeaters, newest first: up to {@code limit + 1} with ids below {@code beforeId}. */
    public Uni<List<RepeatRecordEntity>> pageOfDomain(String domain, List<RecordState> states, String payloadId,
                                                      long beforeId, int limit) {
        return page("domain = :owner", Parameters.with("owner", domain), states, payloadId, beforeId, limit);
    }

    private static Uni<List<RepeatRecordEntity>> page(String owner, Parameters args, List<RecordState> states, String payloadId,
                                                      long beforeId, int limit) {
        StringBuilder where = new StringBuilder(owner).append(" and id < :before");
        args.and("before", beforeId);
        if (states != null) {
            where.append(" and state in (:states)");
            args.and("states", codes(states));
        }
        if (payloadId != null) {
            where.append(" and payloadId = :payloadId");
            args.and("payloadId", payloadId);
        }
        return RepeatRecordEntity.<RepeatRecordEntity>find(where + " order by id desc", args).range(0, limit).list();
    }

    /** One record through a transition, in one statement; 0 if its state (or a claim in flight) does not allow it. */
    public Uni<Integer> apply(RecordTransition transition, long recordId, Instant now) {
        return changed(TransitionUpdates.statement(transition, "r.id = :id"), Parameters.with("id", recordId).and("now", now));
    }

    /** Every record of a repeater matching the filter, in queue and history, through a transition in one statement; how many changed. */
    public Uni<Integer> apply(RecordTransition transition, long repeaterId, RecordFilter filter, Instant now) {
        StringBuilder where = new StringBuilder("r.repeater_id = :owner");
        Parameters args = Parameters.with("owner", repeaterId).and("now", now);
        if (filter.states() != null) {
            where.append(" and r.state in (").append(RecordState.sqlList(Set.copyOf(filter.states()))).append(")");
        }
        if (filter.payloadId() != null) {
            where.append(" and r.payload_id = :payloadId");
            args.and("payloadId", filter.payloadId());
        }
        if (filter.registeredAfter() != null) {
            where.append(" and r.registered_at >= :after");
            args.and("after", filter.registeredAfter());
        }
        if (filter.registeredBefore() != null) {
            where.append(" and r.registered_at < :before");
            args.and("before", filter.registeredBefore());
        }
        return changed(TransitionUpdates.statement(transition, where.toString()), args);
    }

    private static Uni<Integer> changed(String statement, Parameters args) {
        return Panache.getSession().flatMap(session -> {
            Mutiny.SelectionQuery<Long> query = session.createNativeQuery(statement, Long.class);
            args.map().forEach(query::setParameter);
            return query.getSingleResult();
        }).map(Long::intValue);
    }

    private static List<Short> codes(List<RecordState> states) {
        return states.stream().map(s -> s.code).toList();
    }
}
