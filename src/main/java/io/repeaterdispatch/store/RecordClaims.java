package io.repeaterdispatch.store;

import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.core.Endpoint;
import io.repeaterdispatch.security.SigningSecrets;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * Per-repeater batches, one or several repeaters' in one statement (see {@link ClaimGroups}):
     * each repeater's oldest due records, at most its limit, only while the repeater is still
     * active, out of backoff and on the per-repeater path (re-checked here, under the claim). One
     * row more than needed is locked (not leased) to tell whether records remain after this batch,
     * so the loop requeues the repeater only when there is more to send.
     * $1 repeaters, $2 now, $3 their limits, $4 lease end, $5 their tokens, $6 default flag.
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
    private final SigningSecrets signingSecrets;

    public RecordClaims(Pool pool, EndpointRows rows, SigningSecrets signingSecrets) {
        this.pool = pool;
        this.rows = rows;
        this.signingSecrets = signingSecrets;
    }

    /** A batch wanted: the repeater and how many records at most. Each repeater at most once per call. */
    public record BatchRequest(long repeaterId, int limit) {
    }

    /**
     * @return one answer per request, in the requests' order: the claim, empty if nothing was
     * claimable, or the error reading that repeater's rows (its records stay leased until their
     * lease ends, as after any failed turn)
     */
    public Uni<List<ClaimAnswer>> claimBatches(List<BatchRequest> requests, Instant now, Duration lease,
                                                   boolean processRepeatersDefault) {
        int n = requests.size();
        Long[] repeaters = new Long[n];
        Integer[] limits = new Integer[n];
        UUID[] tokens = new UUID[n];
        for (int i = 0; i < n; i++) {
            repeaters[i] = requests.get(i).repeaterId();
            limits[i] = requests.get(i).limit();
            tokens[i] = UUID.randomUUID();
        }
        Tuple args = Tuple.tuple().addValue(repeaters).addValue(Sql.ts(now)).addValue(limits)
                .addValue(Sql.ts(now.plus(lease))).addValue(tokens).addBoolean(processRepeatersDefault);
        return pool.preparedQuery(CLAIM_BATCH).execute(args).map(result -> {
            Map<Long, List<Row>> byRepeater = new HashMap<>();
            for (Row row : result) {
                byRepeater.computeIfAbsent(row.getLong("repeater_id"), id -> new ArrayList<>()).add(row);
            }
            List<ClaimAnswer> answers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                List<Row> rowsOf = byRepeater.get(repeaters[i]);
                try {
                    answers.add(ClaimAnswer.of(rowsOf == null ? Optional.empty() : Optional.of(toClaim(tokens[i], rowsOf))));
                } catch (RuntimeException e) {
                    answers.add(ClaimAnswer.failed(e));
                }
            }
            return answers;
        });
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
        List<Row> all = new ArrayList<>(result.size());
        result.forEach(all::add);
        return Optional.of(toClaim(token, all));
    }

    private Claim toClaim(UUID token, List<Row> result) {
        List<ClaimedRecord> records = new ArrayList<>(result.size());
        for (Row row : result) {
            records.add(rows.record(row));
        }
        Row first = result.get(0);
        boolean more = first.getColumnIndex("more") >= 0 && Boolean.TRUE.equals(first.getBoolean("more"));
        Endpoint endpoint = rows.endpoint(first);
        if (endpoint.signing().missingSecret()) {
            // these records go unsigned; the repeater's next claim reads the secret made now
            signingSecrets.fillMissing(endpoint.repeaterId(), endpoint.domain());
        }
        return new Claim(token, endpoint, Sql.instant(first, "last_attempt_at"), records, more);
    }
}
