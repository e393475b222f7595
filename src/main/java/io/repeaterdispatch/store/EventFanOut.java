package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fans events out to a domain's subscribed repeaters: every record in one INSERT … SELECT, with its
 * audit row (and, with an idempotency key, the key's row), or nothing at all (sql/fanout.sql).
 */
@ApplicationScoped
public class EventFanOut {

    /**
     * $1 domain, $2 event types, $3 payload ids, $4 payloads, $5 now, $6 actor, $7 idempotency key
     * or null, $8 the most records one call may make, $9 the request's hash (hex) or null.
     */
    static final String FAN_OUT = SqlStatements.load("fanout");
    static final String LOCK_KEY = SqlStatements.load("fanout-idempotency-lock");
    static final String FIND_KEY = SqlStatements.load("fanout-idempotency-find");

    /** The events to fan out, in input order: parallel lists. */
    public record Events(List<String> eventTypes, List<String> payloadIds, List<String> payloads) {
    }

    /**
     * What a call did.
     *
     * @param records the record ids per repeater (repeaters in id order, ids in event order): the new
     *                ones (CREATED) or those the key's first call answered (REPLAYED); else empty
     * @param matched how many records the events make for the domain's subscribers (CREATED, TOO_MANY)
     */
    public record Outcome(Kind kind, Map<Long, List<Long>> records, long matched) {

        public enum Kind {
            /** the records were queued (none, if nobody subscribes), and the key remembered if there was one */
            CREATED,
            /** the key was used in the window for the same request: nothing queued */
            REPLAYED,
            /** the key was used in the window for another request: nothing queued */
            KEY_REUSED,
            /** more records than the cap: nothing queued, the key not remembered */
            TOO_MANY
        }

        public long count() {
            return records.values().stream().mapToLong(List::size).sum();
        }
    }

    private final Pool pool;

    public EventFanOut(Pool pool) {
        this.pool = pool;
    }

    /** Without a key: one statement, its own transaction. */
    public Uni<Outcome> fanOut(String domain, Events events, long maxRecords, Instant now, String actor, String traceparent) {
        return insert(pool, domain, events, maxRecords, now, actor, null, null, traceparent);
    }

    /**
     * Unless domain {@code domain}'s {@code key} was used since {@code keptSince}: one transaction
     * that locks the key (a transaction-scoped advisory lock, so a concurrent retry waits here),
     * looks it up, and either answers what its first use answered or fans out and remembers the key
     * (in the fan-out statement itself).
     *
     * @param requestHash what identifies the request (hex of a SHA-256), compared with the key's first use
     */
    public Uni<Outcome> fanOutOnce(String domain, String key, String requestHash, Instant keptSince, Events events,
                                   long maxRecords, Instant now, String actor, String traceparent) {
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK_KEY).execute(Tuple.of(domain, key))
                .flatMap(locked -> conn.preparedQuery(FIND_KEY).execute(Tuple.of(domain, key, Sql.ts(keptSince), requestHash)))
                .flatMap(found -> found.rowCount() > 0
                        ? Uni.createFrom().item(previous(found.iterator().next()))
                        : insert(conn, domain, events, maxRecords, now, actor, key, requestHash, traceparent)));
    }

    private static Outcome previous(Row row) {
        if (!row.getBoolean("same_request")) {
            return new Outcome(Outcome.Kind.KEY_REUSED, Map.of(), 0);
        }
        Long[] ids = row.getArrayOfLongs("record_ids");
        Long[] repeaters = row.getArrayOfLongs("repeater_ids");
        Map<Long, List<Long>> records = new TreeMap<>();
        for (int i = 0; i < ids.length; i++) {
            records.computeIfAbsent(repeaters[i], r -> new ArrayList<>()).add(ids[i]);
        }
        return new Outcome(Outcome.Kind.REPLAYED, records, ids.length);
    }

    private static Uni<Outcome> insert(SqlClient client, String domain, Events events, long maxRecords, Instant now, String actor,
                                       String key, String requestHash, String traceparent) {
        // Arrays.asList: the key, the hash and the traceparent may be null
        Tuple args = Tuple.from(Arrays.asList(domain, events.eventTypes().toArray(String[]::new), events.payloadIds().toArray(String[]::new),
                events.payloads().toArray(String[]::new), Sql.ts(now), actor, key, maxRecords, requestHash, traceparent));
        return client.preparedQuery(FAN_OUT).execute(args).map(EventFanOut::outcome);
    }

    private static Outcome outcome(RowSet<Row> rows) {
        long matched = 0;
        Map<Long, List<Long>> records = new TreeMap<>();
        for (Row row : rows) {
            matched = row.getLong("matched");
            Long id = row.getLong("id");
            if (id != null) {
                records.computeIfAbsent(row.getLong("repeater_id"), r -> new ArrayList<>()).add(id);
            }
        }
        if (records.isEmpty() && matched > 0) {
            return new Outcome(Outcome.Kind.TOO_MANY, Map.of(), matched);
        }
        // identity values follow insertion order, which is each repeater's events in input order
        records.values().forEach(ids -> ids.sort(null));
        return new Outcome(Outcome.Kind.CREATED, records, matched);
    }
}
