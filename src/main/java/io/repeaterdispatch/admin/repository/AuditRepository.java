package io.repeaterdispatch.admin.repository;

import io.quarkus.panache.common.Parameters;
import io.repeaterdispatch.admin.entity.AuditEntity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The audit trail's rows. */
@ApplicationScoped
public class AuditRepository {

    public Uni<Void> persist(AuditEntity entry) {
        return entry.persist().replaceWithVoid();
    }

    /** Up to {@code limit + 1} entries with ids below {@code beforeId}, newest first; null filters do not filter. */
    public Uni<List<AuditEntity>> page(String actor, String action, long beforeId, int limit) {
        StringBuilder where = new StringBuilder("id < :before");
        Parameters args = Parameters.with("before", beforeId);
        if (actor != null) {
            where.append(" and actor = :actor");
            args.and("actor", actor);
        }
        if (action != null) {
            where.append(" and action = :action");
            args.and("action", action);
        }
        return AuditEntity.<AuditEntity>find(where + " order by id desc", args).range(0, limit).list();
    }
}
