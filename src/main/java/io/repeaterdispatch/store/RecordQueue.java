package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Enqueues payloads for a repeater: all of them in one INSERT, or none, with its audit row. */
@ApplicationScoped
public class RecordQueue {

    /**
     * $1 repeater, $2 payload ids, $3 payloads, $4 now, $5 actor. Nothing is inserted (not even
     * the audit row) for a missing or deleted repeater.
     */
    static final String ENQUEUE = """
            WITH queued AS (
                INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, content_type, state, registered_at, next_check)
                SELECT r.domain, r.id, t.payload_id, t.payload, 'application/json', 1, $4, $4
                  FROM repeater r, unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(payload_id, payload, ord)
                 WHERE r.id = $1 AND NOT r.is_deleted
                 ORDER BY t.ord
                RETURNING id
            ), audited AS (
                INSERT INTO admin_audit (at, actor, action, target, detail)
                SELECT $4, $5, 'records.enqueue', 'repeater/' || $1,
                       jsonb_build_object('records', count(*), 'firstRecordId', min(id), 'lastRecordId', max(id))
                  FROM queued HAVING count(*) > 0
            )
            SELECT id FROM queued
            """;

    private final Pool pool;

    public RecordQueue(Pool pool) {
        this.pool = pool;
    }

    /** @return the new record ids in input order, or empty if the repeater does not exist */
    public Uni<Optional<List<Long>>> enqueue(long repeaterId, List<String> payloadIds, List<String> payloads, Instant now,
                                             String actor) {
        Tuple args = Tuple.of(repeaterId, payloadIds.toArray(String[]::new), payloads.toArray(String[]::new), Sql.ts(now), actor);
        return pool.preparedQuery(ENQUEUE).execute(args).map(rows -> {
            if (rows.rowCount() == 0) {
                return Optional.empty();
            }
            List<Long> ids = new ArrayList<>(rows.rowCount());
            rows.forEach(row -> ids.add(row.getLong("id")));
            ids.sort(null); // identity values follow insertion order, which follows the input
            return Optional.of(ids);
        });
    }
}
