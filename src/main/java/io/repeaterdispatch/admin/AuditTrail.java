package io.repeaterdispatch.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.repeaterdispatch.admin.entity.AuditEntity;
import io.repeaterdispatch.dispatch.DispatchClock;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.SecurityContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the audit row of a mutating admin call. Callers run it inside the transaction of the
 * change itself, so a change and its audit row commit together or not at all. Details hold views
 * (never secrets: views don't carry them) and filters, not payloads.
 */
@ApplicationScoped
public class AuditTrail {

    private final ObjectMapper json;
    private final DispatchClock clock;

    public AuditTrail(ObjectMapper json, DispatchClock clock) {
        this.json = json;
        this.clock = clock;
    }

    public Uni<Void> record(SecurityContext who, String action, String target, Map<String, ?> detail) {
        AuditEntity entry = new AuditEntity();
        entry.at = clock.now();
        entry.actor = actor(who);
        entry.action = action;
        entry.target = target;
        try {
            entry.detail = json.writeValueAsString(detail == null ? Map.of() : detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit detail of " + action + " is not serialisable", e);
        }
        return entry.persist().replaceWithVoid();
    }

    public static String actor(SecurityContext who) {
        return who == null || who.getUserPrincipal() == null ? "unknown" : who.getUserPrincipal().getName();
    }

    /** A before/after pair, for changes of one object. */
    public static Map<String, Object> change(Object before, Object after) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("before", before);
        detail.put("after", after);
        return detail;
    }
}
