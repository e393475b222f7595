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
 * Finds the repeaters of per-repeater-path domains that can be dispatched now.
 *
 * <p>The "not backed off" test is split into a NULL branch and a past branch joined by UNION ALL:
 * an OR of the two cannot be answered by one index scan, so the planner would fall back to
 * scanning (the seed's first query did, at 1.6 s). Each branch reads its own partial index on
 * active repeaters, then probes the queued-records partial index once per repeater. The probe is
 * a LATERAL subquery with LIMIT 1 rather than EXISTS on purpose: PostgreSQL may turn an EXISTS
 * into a merge or hash semi-join that reads every queued record (it does at 100k records), while
 * LIMIT 1 keeps it a per-repeater probe that stops at the first due record. Its ORDER BY
 * next_check is what only the queued partial index can give without a sort, so the planner does
 * not wander to the admin side's (repeater_id, id) index, which also holds every finished record
 * (the benchmark saw 152 ms a query on a busy table). So the cost follows
 * the number of repeaters, never the number of records; {@code ReadyRepeaterQueryPlanTest} holds
 * the plan to that.
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
     * autovacuum has analyzed the table, PostgreSQL may judge repeat_record small enough to scan
     * once per repeater, and the benchmark saw that plan take 5 s instead of milliseconds. The
     * partial indexes are always the right path for this query (ReadyRepeaterQueryPlanTest).
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
