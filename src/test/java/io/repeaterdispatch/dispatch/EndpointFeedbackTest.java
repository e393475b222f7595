package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.FailureKind;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.lock.TurnReport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What a turn's answers teach about its endpoint: additive increase, multiplicative decrease. No servers. */
class EndpointFeedbackTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static DeliveryResult answer(int status, long ms) {
        RecordState state = status == 204 ? RecordState.EMPTY : status < 300 ? RecordState.SUCCEEDED
                : status >= 500 || status == 429 ? RecordState.FAILED : RecordState.INVALID_PAYLOAD;
        return new DeliveryResult(1, state, status, "", NOW, ms, null);
    }

    private static DeliveryResult timeout() {
        return new DeliveryResult(1, RecordState.FAILED, null, "timeout", NOW, 1000, null, FailureKind.TIMEOUT);
    }

    private static List<DeliveryResult> times(int n, DeliveryResult r) {
        List<DeliveryResult> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(r);
        }
        return all;
    }

    @Test
    void everyTurnReportsItsRemoteTimeForTheDomainBudget() {
        TurnReport r = EndpointFeedback.after(List.of(answer(200, 30), answer(200, 12), timeout()), 7, 7, 50, true);
        assertEquals(1042, r.remoteMs());
        assertEquals(1042, EndpointFeedback.after(List.of(answer(200, 30), answer(200, 12), timeout()), 7, 7, 50, false).remoteMs());
    }

    @Test
    void a429HalvesTheConcurrencyAndStartsALearnedRateFromTheRateSeen() {
        List<DeliveryResult> results = new ArrayList<>(times(6, answer(200, 5)));
        results.add(answer(429, 1));
        results.add(answer(429, 1));
        TurnReport r = EndpointFeedback.after(results, 8, 10, 40, true);
        assertEquals(4, r.concurrency());
        assertEquals(200.0, r.throttledAtRate(), 1e-9, "8 requests in 40 ms");
    }

    @Test
    void a503HalvesTheConcurrencyWithoutLearningARate() {
        TurnReport r = EndpointFeedback.after(List.of(answer(200, 5), answer(503, 5), answer(503, 5)), 3, 10, 40, true);
        assertEquals(1, r.concurrency());
        assertNull(r.throttledAtRate());
    }

    @Test
    void theConcurrencyNeverGoesBelowOne() {
        assertEquals(1, EndpointFeedback.after(List.of(answer(429, 1)), 1, 7, 10, true).concurrency());
    }

    @Test
    void aFragileEndpointDropsToWhatItAnswered() {
        List<DeliveryResult> results = new ArrayList<>(times(3, answer(200, 20)));
        results.addAll(times(7, answer(500, 1)));
        assertEquals(3, EndpointFeedback.after(results, 10, 10, 30, true).concurrency());
        // at 4 when it takes 3: back to 3
        results = new ArrayList<>(times(3, answer(200, 20)));
        results.add(timeout());
        assertEquals(3, EndpointFeedback.after(results, 4, 10, 30, true).concurrency());
    }

    @Test
    void aWholeTurnOfAnswersAtFullConcurrencyCountsTowardRaisingIt() {
        assertEquals(TurnReport.GROW, EndpointFeedback.after(times(3, answer(200, 5)), 3, 10, 30, true).concurrency());
        assertEquals(TurnReport.GROW, EndpointFeedback.after(times(9, answer(200, 5)), 9, 10, 30, true).concurrency());
        // invalid payloads are answers too: the endpoint coped with the load
        assertEquals(TurnReport.GROW, EndpointFeedback.after(times(4, answer(422, 5)), 4, 10, 30, true).concurrency());
    }

    @Test
    void aTurnThatDidNotUseItsConcurrencyTeachesNothing() {
        assertEquals(TurnReport.UNCHANGED, EndpointFeedback.after(times(2, answer(200, 5)), 5, 10, 30, true).concurrency());
        assertEquals(TurnReport.UNCHANGED, EndpointFeedback.after(times(10, answer(200, 5)), 10, 10, 30, true).concurrency(),
                "already at its batch size");
    }

    @Test
    void anOutageIsTheBackoffsBusinessNotTheConcurrencys() {
        TurnReport r = EndpointFeedback.after(times(5, answer(500, 5)), 5, 10, 30, true);
        assertEquals(TurnReport.UNCHANGED, r.concurrency());
        assertNull(r.throttledAtRate());
    }

    @Test
    void withLimitsOffOnlyTheRemoteTimeIsReported() {
        TurnReport r = EndpointFeedback.after(times(5, answer(429, 5)), 5, 10, 30, false);
        assertEquals(TurnReport.UNCHANGED, r.concurrency());
        assertNull(r.throttledAtRate());
        assertNotNull(r);
    }
}
