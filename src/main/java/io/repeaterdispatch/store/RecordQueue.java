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
    static final String ENQUEUE = SqlStatements.load("enqueue");

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
