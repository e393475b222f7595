package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the repeaters of per-repeater-path domains that can be dispatched now, in the order the
 * loop should serve them.
 *
 * <p>One range scan of the partial index {@code repeater_ready_at_idx}: each repeater row carries
 * {@code ready_at}, the latest of its earliest due queued record, its backoff end and its last
 * claim (migrations/V6__repeater_ready_at.sql), so the cost follows the repeaters that are ready,
 * not the repeaters that exist nor the records they hold. No record is read.
 *
 * <p>Order, so that no repeater and no domain starves however many are ready beyond the row cap:
 * every domain's first turn before any domain's second ({@code row_number()} per domain), and
 * within a turn the repeater that has waited longest first. A repeater's claim moves its
 * {@code ready_at} to the claim time, so a repeater just served queues behind the others.
 * {@code ReadyRepeaterQueryPlanTest} holds the plan and the order to that.
 */
@ApplicationScoped
public class ReadyRepeaterQuery {

    /** $1 now, $2 default flag for domains without one, $3 row cap. */
    public static final String SQL = SqlStatements.load("ready-repeaters");

    private final Pool pool;

    public ReadyRepeaterQuery(Pool pool) {
        this.pool = pool;
    }

    /**
     * Runs with sequential scans disabled for its transaction: right after a bulk load, before
     * autovacuum has analyzed the table, PostgreSQL may judge the repeater table small enough to
     * scan whole. The partial index is always the right path for this query
     * (ReadyRepeaterQueryPlanTest).
     */
    public Uni<List<ReadyRepeater>> find(Instant now, boolean processRepeatersDefault, int limit) {
        return pool.withTransaction(conn -> conn.query("SET LOCAL enable_seqscan = off").execute()
                        .chain(() -> conn.preparedQuery(SQL).execute(Tuple.of(Sql.ts(now), processRepeatersDefault, limit))))
                .map(rows -> {
                    List<ReadyRepeater> ready = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        ready.add(new ReadyRepeater(row.getLong("id"), row.getString("domain"), row.getInteger("batch_size")));
                    }
                    return ready;
                });
    }
}
