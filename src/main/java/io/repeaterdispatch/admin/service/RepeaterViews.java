package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.admin.entity.RepeaterEntity;
import io.repeaterdispatch.admin.repository.RepeaterRepository;
import io.repeaterdispatch.core.LearnedConcurrency;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.store.HeadersColumn;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link RepeaterView}s with their record counts: every state for one repeater, the queued
 * states (pending, failed) for a page of them, counted in one grouped query per page.
 */
@ApplicationScoped
public class RepeaterViews {

    private final RepeaterRepository repeaters;
    private final HeadersColumn headers;
    private final LearnedConcurrency learned;

    public RepeaterViews(RepeaterRepository repeaters, HeadersColumn headers, LearnedConcurrency learned) {
        this.repeaters = repeaters;
        this.headers = headers;
        this.learned = learned;
    }

    public Uni<RepeaterView> load(long repeaterId) {
        return repeaters.find(repeaterId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("repeater", repeaterId))
                .flatMap(r -> repeaters.recordCounts(List.of(repeaterId), false)
                        .flatMap(counts -> concurrency(r).map(concurrency ->
                                view(r, named(counts.get(repeaterId), Set.of(RecordState.values())), concurrency))));
    }

    /** From Redis; without Redis the view still answers, without it (null). */
    private Uni<RepeaterView.ConcurrencyView> concurrency(RepeaterEntity r) {
        return learned.of(r.id)
                .map(n -> new RepeaterView.ConcurrencyView(n == null ? r.batchSize : Math.max(1, Math.min(n, r.batchSize)), r.batchSize))
                .ifNoItem().after(Duration.ofSeconds(1)).recoverWithItem((RepeaterView.ConcurrencyView) null)
                .onFailure().recoverWithNull();
    }

    public Uni<List<RepeaterView>> withQueuedCounts(List<RepeaterEntity> page) {
        if (page.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return repeaters.recordCounts(page.stream().map(r -> r.id).toList(), true)
                .map(counts -> page.stream().map(r -> view(r, named(counts.get(r.id), RecordState.QUEUED), null)).toList());
    }

    /** A view without counts, for audit before/after entries. */
    public RepeaterView bare(RepeaterEntity r) {
        return view(r, null, null);
    }

    /** Counts by API state name, in state order, zero for the states without records. */
    private static Map<String, Long> named(Map<RecordState, Long> counts, Set<RecordState> states) {
        Map<String, Long> named = new LinkedHashMap<>();
        for (RecordState state : RecordState.values()) {
            if (states.contains(state)) {
                named.put(state.apiName(), counts == null ? 0L : counts.getOrDefault(state, 0L));
            }
        }
        return named;
    }

    private RepeaterView view(RepeaterEntity r, Map<String, Long> counts, RepeaterView.ConcurrencyView concurrency) {
        Map<String, String> masked = new LinkedHashMap<>();
        headers.read(r.headers).keySet().forEach(name -> masked.put(name, "***"));
        return RepeaterView.of(r, masked, counts, concurrency);
    }
}
