package io.repeaterdispatch.store;

import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DisableSignal;
import io.repeaterdispatch.core.RepeaterDisabled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes batches' outcomes in ONE statement: the records' new states, their attempts, and the
 * repeaters' backoff state, for one batch or several at once (see {@link ResultWriteGroups}).
 * Record updates are fenced by each record's claim token, and attempts are only inserted for
 * records the update matched, so a sender whose lease was taken over (or handed back at
 * shutdown) cannot overwrite newer work; a repeater's backoff is only written along with at least
 * one of its records, so such a sender cannot back the repeater off either, nor disable it. The same
 * statement disables repeaters (docs/api.md, "Disabled endpoints") and writes their audit rows.
 */
@ApplicationScoped
public class ResultWriter {

    private static final Logger LOG = Logger.getLogger(ResultWriter.class);

    /**
     * $1..$9 parallel arrays, one element per record (record id, attempt state, new record state,
     * http status, message, duration, attempted at, next check, claim token); $10 now;
     * $11..$14 parallel arrays, one element per repeater update (repeater id, backed off,
     * next_attempt_at, last_attempt_at); $15 per record, 1 if the attempt counts toward the maximum;
     * $16, $17 parallel arrays, one element per repeater an answer asked to disable (repeater id,
     * DisableSignal.reason); $18 dispatch.lifecycle.disable-after in milliseconds, NULL when off.
     * Returns the ids of the records written, then one row per repeater the statement disabled
     * (record id NULL; repeater id, domain, reason, failing_since).
     */
    static final String RECORD = SqlStatements.load("record-results");

    private final Pool pool;
    /** Milliseconds of wholly failed batches after which a repeater is disabled; null: never by time. */
    private final Long disableAfterMs;
    private final Event<RepeaterDisabled> disabled;

    @Inject
    public ResultWriter(Pool pool, DispatchConfig config, Event<RepeaterDisabled> disabled) {
        this.pool = pool;
        Duration after = config.lifecycle().disableAfter();
        this.disableAfterMs = after.isZero() ? null : after.toMillis();
        this.disabled = disabled;
    }

    /** Without the lifecycle's time limit nor its events (tests that stand in for the writer). */
    protected ResultWriter(Pool pool) {
        this.pool = pool;
        this.disableAfterMs = null;
        this.disabled = null;
    }

    /**
     * The statement has committed (autocommit): dispatch counts, logs and notifies. An observer that
     * fails must not fail the write it reports, which stands.
     */
    private void announce(List<RepeaterDisabled> disabledNow) {
        for (RepeaterDisabled event : disabledNow) {
            try {
                if (disabled != null) {
                    disabled.fire(event);
                }
            } catch (RuntimeException e) {
                LOG.warnf("repeater disabled, but announcing it failed repeater=%d domain=%s error=%s",
                        event.repeaterId(), event.domain(), e.toString());
            }
        }
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
        Map<Long, DisableSignal> disableRequests = new LinkedHashMap<>();
        int i = 0;
        for (BatchOutcome batch : batches) {
            if (batch.repeater() != null) {
                repeaters.add(batch.repeater());
            }
            if (batch.disable() != null) {
                disableRequests.merge(batch.disable().repeaterId(), batch.disable().signal(), DisableSignal::strongest);
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
                .addValue(counted)
                .addValue(disableRequests.keySet().toArray(Long[]::new))
                .addValue(disableRequests.values().stream().map(signal -> signal.reason).toArray(String[]::new))
                .addValue(disableAfterMs);
        return RolledBackStatements.runAgainIfRolledBack(pool.preparedQuery(RECORD).execute(args), "result write").map(rows -> {
            Set<Long> written = new HashSet<>(rows.rowCount() * 2);
            List<RepeaterDisabled> disabledNow = new ArrayList<>(0);
            for (Row row : rows) {
                Long recordId = row.getLong(0);
                if (recordId != null) {
                    written.add(recordId);
                } else {
                    OffsetDateTime failingSince = row.getOffsetDateTime(4);
                    disabledNow.add(new RepeaterDisabled(row.getLong(1), row.getString(2), row.getString(3), now,
                            failingSince == null ? null : failingSince.toInstant()));
                }
            }
            announce(disabledNow);
            return written;
        });
    }
}
