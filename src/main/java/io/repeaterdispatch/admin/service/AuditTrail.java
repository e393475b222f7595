package io.repeaterdispatch.admin.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.repeaterdispatch.admin.entity.AuditEntity;
import io.repeaterdispatch.admin.repository.AuditRepository;
import io.repeaterdispatch.core.DispatchClock;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audit trail of mutating admin calls. {@link #record} runs inside the transaction of the
 * change itself, so a change and its audit row commit together or not at all. Details hold views
 * (never secrets: views don't carry them) and filters, not payloads.
 */
@ApplicationScoped
public class AuditTrail {

    private final AuditRepository entries;
    private final ObjectMapper json;
    private final DispatchClock clock;

    public AuditTrail(AuditRepository entries, ObjectMapper json, DispatchClock clock) {
        this.entries = entries;
        this.json = json;
        this.clock = clock;
    }

    /** @param actor the calling token's name */
    public Uni<Void> record(String actor, String action, String target, Map<String, ?> detail) {
        AuditEntity entry = new AuditEntity();
        entry.at = clock.now();
        entry.actor = actor;
        entry.action = action;
        entry.target = target;
        try {
            entry.detail = json.writeValueAsString(detail == null ? Map.of() : detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit detail of " + action + " is not serialisable", e);
        }
        return entries.persist(entry);
    }

    /** Newest first, one keyset page; null filters do not filter. */
    public Uni<Page<AuditView>> list(String actor, String action, long beforeId, int limit) {
        return Panache.withSession(() -> entries.page(actor, action, beforeId, limit))
                .map(rows -> Page.of(rows.stream().map(this::view).toList(), limit, v -> Long.toString(v.id())));
    }

    private AuditView view(AuditEntity e) {
        try {
            return new AuditView(e.id, e.at, e.actor, e.action, e.target, json.readTree(e.detail));
        } catch (Exception unreadable) {
            return new AuditView(e.id, e.at, e.actor, e.action, e.target, json.getNodeFactory().textNode(e.detail));
        }
    }

    /** A before/after pair, for changes of one object. */
    public static Map<String, Object> change(Object before, Object after) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("before", before);
        detail.put("after", after);
        return detail;
    }
}
