package io.repeaterdispatch.store;

import io.repeaterdispatch.core.ClaimedRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Leases due records to a sender. A lease is a {@code lease_until} in the future plus a fresh claim
 * token (both in no index, so a claim is a HOT update), written in the same statement that selects the records, so no other worker and no other
 * path (per-repeater or legacy) can pick them up meanwhile, and a crashed sender's records come
 * back by themselves when the lease ends.
 */
@ApplicationScoped
public class RecordClaims {

    /**
     * Per-repeater batch: the repeater's oldest due records, at most $3, only while the repeater is
     * still active, out of backoff and on the per-repeater path (re-checked here, under the claim).
     * One row more than needed is locked (not leased) to tell whether records remain after this
     * batch, so the loop requeues the repeater only when there is more to send.
     * $1 repeater, $2 now, $3 limit, $4 lease end, $5 token, $6 default flag.
     */
    static final String CLAIM_BATCH = SqlStatements.load("claim-batch");

    /**
     * Legacy path scan: due records of legacy-path domains, oldest first. Driven from the repeaters
     * so each probe reads the queued-records partial index of one repeater only.
     * $1 now, $2 default flag, $3 limit.
     */
    static final String LEGACY_DUE = SqlStatements.load("legacy-due");

    /** Legacy path: one record claimed on its own (the seed's optimistic per-record claim). $1 id, $2 now, $3 lease end, $4 token. */
    static final String CLAIM_ONE = SqlStatements.load("claim-one");

    private final Pool pool;
    private final EndpointRows rows;

    public RecordClaims(Pool pool, EndpointRows rows) {
        this.pool = pool;
        this.rows = rows;
    }

    public Uni<Optional<Claim>> claimBatch(long repeaterId, Instant now, int limit, Duration lease, boolean processRepeatersDefault) {
        UUID token = UUID.randomUUID();
        Tuple args = Tuple.tuple().addLong(repeaterId).addValue(Sql.ts(now)).addInteger(limit)
                .addValue(Sql.ts(now.plus(lease))).addUUID(token).addBoolean(processRepeatersDefault);
        return pool.preparedQuery(CLAIM_BATCH).execute(args).map(result -> toClaim(token, result));
    }

    public Uni<List<Long>> dueLegacyRecords(Instant now, boolean processRepeatersDefault, int limit) {
        return pool.preparedQuery(LEGACY_DUE).execute(Tuple.of(Sql.ts(now), processRepeatersDefault, limit))
                .map(result -> {
                    List<Long> ids = new ArrayList<>(result.size());
                    result.forEach(row -> ids.add(row.getLong("id")));
                    return ids;
                });
    }

    public Uni<Optional<Claim>> claimOne(long recordId, Instant now, Duration lease) {
        UUID token = UUID.randomUUID();
        Tuple args = Tuple.of(recordId, Sql.ts(now), Sql.ts(now.plus(lease)), token);
        return pool.preparedQuery(CLAIM_ONE).execute(args).map(result -> toClaim(token, result));
    }

    private Optional<Claim> toClaim(UUID token, RowSet<Row> result) {
        if (result.size() == 0) {
            return Optional.empty();
        }
        List<ClaimedRecord> records = new ArrayList<>(result.size());
        Row first = null;
        for (Row row : result) {
            first = first == null ? row : first;
            records.add(rows.record(row));
        }
        boolean more = first.getColumnIndex("more") >= 0 && Boolean.TRUE.equals(first.getBoolean("more"));
        return Optional.of(new Claim(token, rows.endpoint(first), Sql.instant(first, "last_attempt_at"), records, more));
    }
}
