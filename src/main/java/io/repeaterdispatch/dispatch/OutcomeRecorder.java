package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.DisableSignal;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.store.Claim;
import io.repeaterdispatch.store.RecordResult;
import io.repeaterdispatch.store.RepeaterUpdate;
import io.repeaterdispatch.store.BatchOutcome;
import io.repeaterdispatch.store.ResultWriteGroups;
import io.repeaterdispatch.store.ResultWriter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the answers to a claim into each record's next state (retry policy) and, on the
 * per-repeater path, the repeater's backoff (backoff policy), with any ask to disable the repeater
 * (a 410 on either path); writes it all in one statement and reports the attempts. Both dispatch
 * paths record through here.
 */
@ApplicationScoped
public class OutcomeRecorder {

    private static final Logger LOG = Logger.getLogger(OutcomeRecorder.class);

    private final ResultWriter writer;
    private final ResultWriteGroups groups;
    private final RecordRetryPolicy retryPolicy;
    private final RepeaterBackoffPolicy backoffPolicy;
    private final DispatchEvents events;
    private final DispatchClock clock;
    private final DeliveryLimits limits;

    public OutcomeRecorder(ResultWriter writer, ResultWriteGroups groups, RecordRetryPolicy retryPolicy, RepeaterBackoffPolicy backoffPolicy,
                           DispatchEvents events, DispatchClock clock, DeliveryLimits limits) {
        this.limits = limits;
        this.writer = writer;
        this.groups = groups;
        this.retryPolicy = retryPolicy;
        this.backoffPolicy = backoffPolicy;
        this.events = events;
        this.clock = clock;
    }

    /**
     * @param results one per claimed record, in the claim's order
     * @param path    REPEATER also updates the repeater's backoff; LEGACY leaves the repeater alone
     * @return the repeater update written (null on the legacy path)
     */
    public Uni<RepeaterUpdate> record(Claim claim, List<DeliveryResult> results, DispatchListener.Path path) {
        Instant now = clock.now();
        // Only the per-repeater path's limiter slows down on a 429; elsewhere it is a failure like any other.
        boolean paced = path == DispatchListener.Path.REPEATER && limits.enabled();
        List<RecordResult> outcomes = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            outcomes.add(retryPolicy.next(claim.records().get(i), results.get(i), now, paced));
        }
        RepeaterUpdate update = path == DispatchListener.Path.REPEATER
                ? backoffPolicy.after(claim.endpoint().repeaterId(), claim.lastAttemptAt(), results, now, paced) : null;
        long repeaterId = claim.endpoint().repeaterId();
        String domain = claim.endpoint().domain();
        BatchOutcome batch = new BatchOutcome(claim.token(), outcomes, update, disableRequest(repeaterId, results));
        // The per-repeater path shares statements with other repeaters' batches; the legacy path
        // stays what it is, one write per record.
        Uni<Integer> write = path == DispatchListener.Path.REPEATER ? groups.write(batch) : writer.write(batch, now);
        return write.map(written -> {
            if (written < results.size()) {
                LOG.warnf("results not written repeater=%d domain=%s unwritten=%d of=%d: lease taken over",
                        repeaterId, domain, results.size() - written, results.size());
            }
            results.forEach(r -> events.attemptRecorded(path, repeaterId, domain, r));
            logCancelled(repeaterId, domain, outcomes);
            if (update != null && update.backedOff() && written > 0) { // a fenced-off write backs nothing off
                LOG.infof("backoff started repeater=%d domain=%s until=%s failed_attempts=%d",
                        repeaterId, domain, update.nextAttemptAt(), results.size());
            }
            return update;
        });
    }

    /** The strongest ask to disable the repeater among the answers (410, webhook-delivery: disable); the write decides. */
    private static BatchOutcome.DisableRequest disableRequest(long repeaterId, List<DeliveryResult> results) {
        DisableSignal signal = null;
        for (DeliveryResult result : results) {
            signal = DisableSignal.strongest(signal, result.disable());
        }
        return signal == null ? null : new BatchOutcome.DisableRequest(repeaterId, signal);
    }

    /** Status only: the attempt's message may quote the endpoint's answer, which is not for logs. */
    private void logCancelled(long repeaterId, String domain, List<RecordResult> outcomes) {
        for (RecordResult outcome : outcomes) {
            if (outcome.newState() == RecordState.CANCELLED) {
                LOG.warnf("record cancelled after max attempts record=%d repeater=%d domain=%s http_status=%s",
                        outcome.attempt().recordId(), repeaterId, domain, outcome.attempt().httpStatus());
            }
        }
    }
}
