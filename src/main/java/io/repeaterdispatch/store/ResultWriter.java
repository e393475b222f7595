package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Writes a whole batch's outcome in ONE statement: the records' new states, their attempts, and
 * the repeater's backoff state. Record updates are fenced by the claim token, and attempts are
 * only inserted for records the update matched, so a sender whose lease was taken over cannot
 * overwrite newer work.
 */
@ApplicationScoped
public class ResultWriter {

    /**
     * $1..$8 parallel arrays (record id, attempt state, new record state, http status, message,
     * duration, attempted at, next check), $9 claim token, $10 now, $11 repeater id or NULL (legacy:
     * no repeater update), $12 backed off, $13 next_attempt_at, $14 last_attempt_at.
     */
    static final String RECORD = """
            WITH res AS (
                SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::smallint[], $4::int[], $5::text[],
                                     $6::int[], $7::timestamptz[], $8::timestamptz[])
                       AS t(record_id, attempt_state, record_state, http_status, message, duration_ms, attempted_at, next_check)
            ), rec AS (
                UPDATE repeat_record q
                   SET state = res.record_state, next_check = res.next_check, attempt_count = q.attempt_count + 1,
                       claim_token = NULL, updated_at = $10
                  FROM res
                 WHERE q.id = res.record_id AND q.claim_token = $9
                RETURNING q.id
            ), rep AS (
                UPDATE repeater
                   SET next_attempt_at = $13, last_attempt_at = $14, updated_at = $10,
                       consecutive_failed_batches = CASE WHEN $12 THEN consecutive_failed_batches + 1 ELSE 0 END
                 WHERE id = $11
            )
            INSERT INTO repeat_record_attempt (record_id, state, http_status, message, duration_ms, created_at)
            SELECT res.record_id, res.attempt_state, res.http_status, res.message, res.duration_ms, res.attempted_at
              FROM res JOIN rec ON rec.id = res.record_id
            """;

    private final Pool pool;

    public ResultWriter(Pool pool) {
        this.pool = pool;
    }

    /** @return how many records were written (fewer than given if some leases were lost) */
    public Uni<Integer> write(UUID claimToken, List<RecordResult> results, RepeaterUpdate repeater, Instant now) {
        int n = results.size();
        Long[] ids = new Long[n];
        Short[] attemptStates = new Short[n];
        Short[] recordStates = new Short[n];
        Integer[] statuses = new Integer[n];
        String[] messages = new String[n];
        Integer[] durations = new Integer[n];
        OffsetDateTime[] attemptedAt = new OffsetDateTime[n];
        OffsetDateTime[] nextChecks = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            RecordResult r = results.get(i);
            ids[i] = r.attempt().recordId();
            attemptStates[i] = r.attempt().outcome().code;
            recordStates[i] = r.newState().code;
            statuses[i] = r.attempt().httpStatus();
            messages[i] = r.attempt().message();
            durations[i] = (int) Math.min(Integer.MAX_VALUE, r.attempt().durationMs());
            attemptedAt[i] = Sql.ts(r.attempt().attemptedAt());
            nextChecks[i] = Sql.ts(r.nextCheck());
        }
        Tuple args = Tuple.tuple()
                .addValue(ids).addValue(attemptStates).addValue(recordStates).addValue(statuses)
                .addValue(messages).addValue(durations).addValue(attemptedAt).addValue(nextChecks)
                .addUUID(claimToken).addValue(Sql.ts(now))
                .addValue(repeater == null ? null : repeater.repeaterId())
                .addValue(repeater != null && repeater.backedOff())
                .addValue(repeater == null ? null : Sql.ts(repeater.nextAttemptAt()))
                .addValue(repeater == null ? null : Sql.ts(repeater.lastAttemptAt()));
        return pool.preparedQuery(RECORD).execute(args).map(rows -> rows.rowCount());
    }
}
