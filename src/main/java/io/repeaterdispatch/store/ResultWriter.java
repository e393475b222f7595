package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Writes batches' outcomes in ONE statement: the records' new states, their attempts, and the
 * repeaters' backoff state, for one batch or several at once (see {@link ResultWriteGroups}).
 * Record updates are fenced by each record's claim token, and attempts are only inserted for
 * records the update matched, so a sender whose lease was taken over (or handed back at
 * shutdown) cannot overwrite newer work; a repeater's backoff is only written along with at least
 * one of its records, so such a sender cannot back the repeater off either.
 */
@ApplicationScoped
public class ResultWriter {

    /**
     * $1..$9 parallel arrays, one element per record (record id, attempt state, new record state,
     * http status, message, duration, attempted at, next check, claim token); $10 now;
     * $11..$14 parallel arrays, one element per repeater update (repeater id, backed off,
     * next_attempt_at, last_attempt_at); $15 per record, 1 if the attempt counts toward the maximum. Returns the ids of the records written.
     */
    static final String RECORD = SqlStatements.load("record-results");

    private final Pool pool;

    public ResultWriter(Pool pool) {
        this.pool = pool;
    }

    /** @return how many records were written (fewer than given if some leases were lost) */
    public Uni<Integer> write(BatchOutcome batch, Instant now) {
        return write(List.of(batch), now).map(Set::size);
    }

    /** @return the ids of the records written (a record whose lease was lost is missing) */
    public Uni<Set<Long>> write(List<BatchOutcome> batches, Instant now) {
        int n = batches.stream().mapToInt(b -> b.results().size()).sum();
        Long[] ids = new Long[n];
        Short[] attemptStates = new Short[n];
        Short[] recordStates = new Short[n];
        Integer[] statuses = new Integer[n];
        String[] messages = new String[n];
        Integer[] durations = new Integer[n];
        OffsetDateTime[] attemptedAt = new OffsetDateTime[n];
        OffsetDateTime[] nextChecks = new OffsetDateTime[n];
        UUID[] tokens = new UUID[n];
        Short[] counted = new Short[n];
        List<RepeaterUpdate> repeaters = new ArrayList<>();
        int i = 0;
        for (BatchOutcome batch : batches) {
            if (batch.repeater() != null) {
                repeaters.add(batch.repeater());
            }
            for (RecordResult r : batch.results()) {
                ids[i] = r.attempt().recordId();
                attemptStates[i] = r.attempt().outcome().code;
                recordStates[i] = r.newState().code;
                statuses[i] = r.attempt().httpStatus();
                messages[i] = r.attempt().message();
                durations[i] = (int) Math.min(Integer.MAX_VALUE, r.attempt().durationMs());
                attemptedAt[i] = Sql.ts(r.attempt().attemptedAt());
                nextChecks[i] = Sql.ts(r.nextCheck());
                tokens[i] = batch.claimToken();
                counted[i] = (short) (r.counted() ? 1 : 0);
                i++;
            }
        }
        int m = repeaters.size();
        Long[] repeaterIds = new Long[m];
        Boolean[] backedOff = new Boolean[m];
        OffsetDateTime[] nextAttemptAt = new OffsetDateTime[m];
        OffsetDateTime[] lastAttemptAt = new OffsetDateTime[m];
        for (int j = 0; j < m; j++) {
            RepeaterUpdate u = repeaters.get(j);
            repeaterIds[j] = u.repeaterId();
            backedOff[j] = u.backedOff();
            nextAttemptAt[j] = Sql.ts(u.nextAttemptAt());
            lastAttemptAt[j] = Sql.ts(u.lastAttemptAt());
        }
        Tuple args = Tuple.tuple()
                .addValue(ids).addValue(attemptStates).addValue(recordStates).addValue(statuses)
                .addValue(messages).addValue(durations).addValue(attemptedAt).addValue(nextChecks).addValue(tokens)
                .addValue(Sql.ts(now))
                .addValue(repeaterIds).addValue(backedOff).addValue(nextAttemptAt).addValue(lastAttemptAt)
                .addValue(counted);
        return pool.preparedQuery(RECORD).execute(args).map(rows -> {
            Set<Long> written = new HashSet<>(rows.rowCount() * 2);
            rows.forEach(row -> written.add(row.getLong(0)));
            return written;
        });
    }
}
