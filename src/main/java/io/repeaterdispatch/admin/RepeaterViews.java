package io.repeaterdispatch.admin;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.repeaterdispatch.admin.entity.RepeaterEntity;
import io.repeaterdispatch.delivery.RecordState;
import io.repeaterdispatch.store.HeadersColumn;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link RepeaterView}s with their record counts: every state for one repeater, the queued
 * states (pending, failed) for a page of them, counted in one grouped query per page.
 */
@ApplicationScoped
public class RepeaterViews {

    private final HeadersColumn headers;

    public RepeaterViews(HeadersColumn headers) {
        this.headers = headers;
    }

    public Uni<RepeaterView> load(long repeaterId) {
        return RepeaterEntity.<RepeaterEntity>findById(repeaterId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("repeater", repeaterId))
                .flatMap(r -> counts(List.of(repeaterId), false)
                        .map(counts -> view(r, counts.getOrDefault(repeaterId, zeros(false)))));
    }

    public Uni<List<RepeaterView>> withQueuedCounts(List<RepeaterEntity> repeaters) {
        if (repeaters.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return counts(repeaters.stream().map(r -> r.id).toList(), true)
                .map(counts -> repeaters.stream().map(r -> view(r, counts.getOrDefault(r.id, zeros(true)))).toList());
    }

    /** A view without counts, for audit before/after entries. */
    public RepeaterView bare(RepeaterEntity r) {
        return view(r, null);
    }

    private Uni<Map<Long, Map<String, Long>>> counts(List<Long> ids, boolean queuedOnly) {
        String states = queuedOnly ? " and r.state in (1, 2)" : "";
        return Panache.getSession().flatMap(session -> session
                        .createSelectionQuery("select r.repeaterId, r.state, count(r) from RepeatRecordEntity r "
                                + "where r.repeaterId in (:ids)" + states + " group by r.repeaterId, r.state", Object[].class)
                        .setParameter("ids", ids)
                        .getResultList())
                .map(rows -> {
                    Map<Long, Map<String, Long>> counts = new HashMap<>();
                    for (Object[] row : rows) {
                        counts.computeIfAbsent((Long) row[0], id -> zeros(queuedOnly))
                                .put(RecordViews.stateName(((Number) row[1]).intValue()), ((Number) row[2]).longValue());
                    }
                    return counts;
                });
    }

    private static Map<String, Long> zeros(boolean queuedOnly) {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<RecordState> states = queuedOnly ? List.of(RecordState.PENDING, RecordState.FAILED) : List.of(RecordState.values());
        for (RecordState state : states) {
            counts.put(RecordViews.stateName(state), 0L);
        }
        return counts;
    }

    RepeaterView view(RepeaterEntity r, Map<String, Long> counts) {
        Map<String, String> masked = new LinkedHashMap<>();
        headers.read(r.headers).keySet().forEach(name -> masked.put(name, "***"));
        return RepeaterView.of(r, masked, counts);
    }
}
