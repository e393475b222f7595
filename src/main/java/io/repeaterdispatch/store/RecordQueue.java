package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Enqueues payloads for a repeater: all of them in one INSERT, or none, with its audit row; with an
 * idempotency key, at most once per key and window.
 */
@ApplicationScoped
public class RecordQueue {

    /**
     * $1 repeater, $2 payload ids, $3 payloads, $4 now, $5 actor, $6 idempotency key or null (for
     * the audit row), $7 the records' W3C traceparent or null (core.TraceParent). Nothing is inserted (not even the audit row) for a missing or deleted repeater.
     */
    static final String ENQUEUE = SqlStatements.load("enqueue");
    static final String LOCK_KEY = SqlStatements.load("idempotency-lock");
    static final String FIND_KEY = SqlStatements.load("idempotency-find");
    static final String REMEMBER_KEY = SqlStatements.load("idempotency-remember");

    /**
     * What an enqueue with an idempotency key did.
     *
     * @param recordIds the new ids (CREATED) or those the key's first call answered (REPLAYED); else empty
     */
    public record Keyed(Outcome outcome, List<Long> recordIds) {

        public enum Outcome {
            /** the records were queued and the key remembered */
            CREATED,
            /** the key was used in the window for the same request: nothing queued */
            REPLAYED,
            /** the key was used in the window for another request: nothing queued */
            KEY_REUSED,
            /** no such repeater, or deleted: nothing queued, the key not remembered */
            NO_REPEATER
        }
    }

    private final Pool pool;

    public RecordQueue(Pool pool) {
        this.pool = pool;
    }

    /** @return the new record ids in input order, or empty if the repeater does not exist */
    public Uni<Optional<List<Long>>> enqueue(long repeaterId, List<String> payloadIds, List<String> payloads, Instant now,
                                             String actor, String traceparent) {
        return insert(pool, repeaterId, payloadIds, payloads, now, actor, null, traceparent);
    }

    /**
     * Enqueues unless repeater {@code repeaterId}'s {@code key} was used since {@code keptSince}: one
     * transaction that locks the key (a transaction-scoped advisory lock, so a concurrent retry waits
     * here), looks it up, and either answers what its first use answered or queues the records and
     * remembers the key with them.
     *
     * @param requestHash what identifies the request (hex of a SHA-256), compared with the key's first use
     */
    public Uni<Keyed> enqueueOnce(long repeaterId, String key, String requestHash, Instant keptSince, List<String> payloadIds,
                                  List<String> payloads, Instant now, String actor, String traceparent) {
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK_KEY).execute(Tuple.of(repeaterId, key))
                .flatMap(locked -> conn.preparedQuery(FIND_KEY).execute(Tuple.of(repeaterId, key, Sql.ts(keptSince), requestHash)))
                .flatMap(found -> found.rowCount() > 0
                        ? Uni.createFrom().item(previous(found.iterator().next()))
                        : insert(conn, repeaterId, payloadIds, payloads, now, actor, key, traceparent).flatMap(ids -> ids.isEmpty()
                                ? Uni.createFrom().item(new Keyed(Keyed.Outcome.NO_REPEATER, List.of()))
                                : remember(conn, repeaterId, key, requestHash, ids.get(), now))));
    }

    private static Keyed previous(Row row) {
        return row.getBoolean("same_request")
                ? new Keyed(Keyed.Outcome.REPLAYED, List.copyOf(Arrays.asList(row.getArrayOfLongs("record_ids"))))
                : new Keyed(Keyed.Outcome.KEY_REUSED, List.of());
    }

    private static Uni<Keyed> remember(SqlConnection conn, long repeaterId, String key, String requestHash, List<Long> ids,
                                       Instant now) {
        return conn.preparedQuery(REMEMBER_KEY)
                .execute(Tuple.of(repeaterId, key, requestHash, ids.toArray(Long[]::new), Sql.ts(now)))
                .replaceWith(new Keyed(Keyed.Outcome.CREATED, ids));
    }

    private static Uni<Optional<List<Long>>> insert(SqlClient client, long repeaterId, List<String> payloadIds, List<String> payloads,
                                                     Instant now, String actor, String key, String traceparent) {
        Tuple args = Tuple.of(repeaterId, payloadIds.toArray(String[]::new), payloads.toArray(String[]::new), Sql.ts(now), actor, key)
                .addString(traceparent);
        return client.preparedQuery(ENQUEUE).execute(args).map(rows -> {
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
