package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.lock.TurnReport;

import java.util.List;

/**
 * What one turn's answers teach about its endpoint (additive increase, multiplicative decrease):
 * <ul>
 * <li>a 429 or 503 halves the repeater's concurrency (down to 1); a 429 also starts or halves a
 * learned request rate, beginning from the rate the turn saw;</li>
 * <li>a fragile endpoint (some requests answered, others failed) drops to the number it answered:
 * the concurrency it took;</li>
 * <li>a turn that used its whole concurrency and got only answers counts toward raising it: three
 * in a row raise it by one, up to the batch size (Redis keeps the count, see end-turn.lua);</li>
 * <li>a turn where everything failed changes nothing here: that is an outage, the backoff's business.</li>
 * </ul>
 * Every turn reports its remote time, which the domain's budget is charged with. Pure: no I/O.
 */
final class EndpointFeedback {

    private EndpointFeedback() {
    }

    /**
     * @param concurrency the repeater's concurrency when the turn was admitted
     * @param batchSize   its ceiling
     * @param turnMillis  how long the turn took, claim to last answer (for the rate the turn saw)
     * @param adaptive    false: only the remote time is reported
     */
    static TurnReport after(List<DeliveryResult> results, int concurrency, int batchSize, long turnMillis, boolean adaptive) {
        long remoteMs = 0;
        int answered = 0, failed = 0;
        boolean overloaded = false, throttled = false;
        for (DeliveryResult r : results) {
            remoteMs += r.durationMs();
            overloaded |= r.overloaded();
            throttled |= r.throttled();
            if (r.outcome().endpointResponded()) {
                answered++;
            } else if (r.outcome() == RecordState.FAILED) {
                failed++;
            }
        }
        int sent = results.size();
        if (!adaptive || sent == 0) {
            return new TurnReport(remoteMs, TurnReport.UNCHANGED, null, 0, sent);
        }
        if (overloaded) {
            Double seenRate = throttled ? sent * 1000.0 / Math.max(1, turnMillis) : null;
            return new TurnReport(remoteMs, Math.max(1, sent / 2), seenRate, answered, sent);
        }
        if (failed > 0 && answered > 0) {
            return new TurnReport(remoteMs, Math.max(1, Math.min(sent - 1, answered)), null, answered, sent);
        }
        if (failed == 0 && sent >= concurrency && concurrency < batchSize) {
            return new TurnReport(remoteMs, TurnReport.GROW, null, answered, sent);
        }
        return new TurnReport(remoteMs, TurnReport.UNCHANGED, null, answered, sent);
    }
}
