package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.store.RepeaterUpdate;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepeaterBackoffPolicyTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final RepeaterBackoffPolicy policy = new RepeaterBackoffPolicy(Duration.ofMinutes(5), Duration.ofDays(7));

    private static DeliveryResult result(RecordState outcome, Duration retryAfter) {
        return new DeliveryResult(1, outcome, outcome == RecordState.FAILED ? 500 : 200, "", NOW, 1, retryAfter);
    }

    @Test
    void firstAllFailedBatchWaitsTheMinimum() {
        RepeaterUpdate u = policy.after(7, null, List.of(result(RecordState.FAILED, null), result(RecordState.FAILED, null)), NOW);
        assertTrue(u.backedOff());
        assertEquals(NOW.plus(Duration.ofMinutes(5)), u.nextAttemptAt());
        assertEquals(NOW, u.lastAttemptAt());
    }

    @Test
    void waitDoublesTheTimeSinceTheLastFailedBatchAndIsCapped() {
        Instant last = NOW.minus(Duration.ofMinutes(40));
        assertEquals(NOW.plus(Duration.ofMinutes(80)), policy.after(7, last, List.of(result(RecordState.FAILED, null)), NOW).nextAttemptAt());
        Instant longAgo = NOW.minus(Duration.ofDays(30));
        assertEquals(NOW.plus(Duration.ofDays(7)), policy.after(7, longAgo, List.of(result(RecordState.FAILED, null)), NOW).nextAttemptAt());
        Instant justNow = NOW.minus(Duration.ofSeconds(10));
        assertEquals(NOW.plus(Duration.ofMinutes(5)), policy.after(7, justNow, List.of(result(RecordState.FAILED, null)), NOW).nextAttemptAt());
    }

    @Test
    void anyAnswerThatIsNotARetryableFailureResets() {
        for (RecordState ok : List.of(RecordState.SUCCEEDED, RecordState.EMPTY, RecordState.INVALID_PAYLOAD)) {
            RepeaterUpdate u = policy.after(7, NOW.minus(Duration.ofHours(1)), List.of(result(RecordState.FAILED, null), result(ok, null)), NOW);
            assertFalse(u.backedOff(), ok.name());
            assertNull(u.nextAttemptAt());
            assertNull(u.lastAttemptAt());
        }
    }

    @Test
    void retryAfterIsALowerBoundAndCapped() {
        RepeaterUpdate longer = policy.after(7, null, List.of(result(RecordState.FAILED, Duration.ofHours(2))), NOW);
        assertEquals(NOW.plus(Duration.ofHours(2)), longer.nextAttemptAt());
        RepeaterUpdate shorter = policy.after(7, null, List.of(result(RecordState.FAILED, Duration.ofSeconds(30))), NOW);
        assertEquals(NOW.plus(Duration.ofMinutes(5)), shorter.nextAttemptAt());
        RepeaterUpdate absurd = policy.after(7, null, List.of(result(RecordState.FAILED, Duration.ofDays(365))), NOW);
        assertEquals(NOW.plus(Duration.ofDays(7)), absurd.nextAttemptAt());
        // a healthy batch that was also told to slow down waits as asked, without counting as a failure
        RepeaterUpdate healthy = policy.after(7, null, List.of(result(RecordState.SUCCEEDED, null), result(RecordState.FAILED, Duration.ofMinutes(1))), NOW);
        assertFalse(healthy.backedOff());
        assertEquals(NOW.plus(Duration.ofMinutes(1)), healthy.nextAttemptAt());
    }
}
