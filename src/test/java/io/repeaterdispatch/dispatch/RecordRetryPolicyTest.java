package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.store.RecordResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RecordRetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final RecordRetryPolicy policy = new RecordRetryPolicy(6, Duration.ofMinutes(5), Duration.ofDays(7), 3);

    private static ClaimedRecord record(int attemptsSoFar) {
        return new ClaimedRecord(1, "p", "{}", "application/json", attemptsSoFar);
    }

    private static DeliveryResult attempt(RecordState outcome, Duration retryAfter) {
        return new DeliveryResult(1, outcome, null, "", NOW, 1, retryAfter);
    }

    @Test
    void failuresWaitLongerEachTimeThenCancel() {
        Duration[] expected = {Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(45),
                Duration.ofMinutes(135), Duration.ofMinutes(405)};
        for (int done = 0; done < 5; done++) {
            RecordResult r = policy.next(record(done), attempt(RecordState.FAILED, null), NOW);
            assertEquals(RecordState.FAILED, r.newState());
            assertEquals(NOW.plus(expected[done]), r.nextCheck(), "after attempt " + (done + 1));
        }
        RecordResult sixth = policy.next(record(5), attempt(RecordState.FAILED, null), NOW);
        assertEquals(RecordState.CANCELLED, sixth.newState());
        assertNull(sixth.nextCheck());
    }

    @Test
    void waitIsCappedAndRetryAfterIsALowerBound() {
        RecordRetryPolicy patient = new RecordRetryPolicy(100, Duration.ofMinutes(5), Duration.ofDays(7), 3);
        assertEquals(Duration.ofDays(7), patient.waitAfter(60));
        assertEquals(NOW.plus(Duration.ofHours(1)), policy.next(record(0), attempt(RecordState.FAILED, Duration.ofHours(1)), NOW).nextCheck());
    }

    @Test
    void finishedOutcomesAreFinal() {
        for (RecordState s : new RecordState[]{RecordState.SUCCEEDED, RecordState.EMPTY, RecordState.INVALID_PAYLOAD}) {
            RecordResult r = policy.next(record(3), attempt(s, null), NOW);
            assertEquals(s, r.newState());
            assertNull(r.nextCheck());
        }
    }
}
