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
 * active repeaters, then probes the queued-records partial index once per repeater (EXISTS: a
 * semi-join that stops at the first due record), so the cost follows the number of repeaters,
 * never the number of records. {@code ReadyRepeaterQueryPlanTest} holds the plan to that.
 */
@ApplicationScoped
public class ReadyRepeaterQuery {

    /** $1 now, $2 default flag for domains without one, $3 row cap. */
    public static final String SQL = """
            SELECT r.id, r.domain, r.batch_size FROM repeater r
             WHERE r.next_attempt_at IS NULL AND NOT r.is_deleted AND NOT r.is_paused
               AND COALESCE((SELECT f.process_repeaters FROM domain_flag f WHERE f.domain = r.domain), $2)
               AND EXISTS (SELECT 1 FROM repeat_record q
                            WHERE q.repeater_id = r.id AND q.state IN (1, 2) AND q.next_check <= $1)
            UNION ALL
            SELECT r.id, r.domain, r.batch_size FROM repeater r
             WHERE r.next_attempt_at <= $1 AND NOT r.is_deleted AND NOT r.is_paused
               AND COALESCE((SELECT f.process_repeaters FROM domain_flag f WHERE f.domain = r.domain), $2)
               AND EXISTS (SELECT 1 FROM repeat_record q
                            WHERE q.repeater_id = r.id AND q.state IN (1, 2) AND q.next_check <= $1)
            LIMIT $3
            """;

    private final Pool pool;

    public ReadyRepeaterQuery(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<ReadyRepeater>> find(Instant now, boolean processRepeatersDefault, int limit) {
        return pool.preparedQuery(SQL)
                .execute(Tuple.of(Sql.ts(now), processRepeatersDefault, limit))
                .map(rows -> {
                    List<ReadyRepeater> ready = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        ready.add(new ReadyRepeater(row.getLong("id"), row.getString("domain"), row.getInteger("batch_size")));
                    }
                    return ready;
                });
    }
}
