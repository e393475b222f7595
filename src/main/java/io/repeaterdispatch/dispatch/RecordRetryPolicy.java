package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.store.RecordResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;

/**
 * A record's own fate after an attempt: finished states stay; a failure waits min × factor^(n−1)
 * (capped, Retry-After as a lower bound) or, at the maximum number of attempts, is cancelled. A
 * throttled attempt (429) whose repeater's limiter paces it is due again when Retry-After ends (at
 * once without one) and does not count.
 */
@ApplicationScoped
public class RecordRetryPolicy {

    private final int maxAttempts;
    private final Duration min;
    private final Duration max;
    private final int factor;

    @Inject
    public RecordRetryPolicy(DispatchConfig config) {
        this(config.maxAttempts(), config.recordRetry().min(), config.recordRetry().max(), config.recordRetry().factor());
    }

    RecordRetryPolicy(int maxAttempts, Duration min, Duration max, int factor) {
        this.maxAttempts = maxAttempts;
        this.min = min;
        this.max = max;
        this.factor = factor;
    }

    public RecordResult next(ClaimedRecord record, DeliveryResult attempt, Instant now) {
        return next(record, attempt, now, false);
    }

    /**
     * @param paced the repeater's limiter paces what it sends (per-repeater path, limits on): a
     *              throttled record can be due again at once. Unpaced, a 429 is a failure like any other.
     */
    public RecordResult next(ClaimedRecord record, DeliveryResult attempt, Instant now, boolean paced) {
        if (attempt.outcome() != RecordState.FAILED) {
            return new RecordResult(attempt, attempt.outcome(), null);
        }
        if (paced && attempt.throttled()) {
            // Due again as soon as the endpoint allows; the repeater's rate paces it (docs/limits.md).
            Duration wait = attempt.retryAfter() == null ? Duration.ZERO
                    : attempt.retryAfter().compareTo(max) > 0 ? max : attempt.retryAfter();
            return new RecordResult(attempt, RecordState.FAILED, now.plus(wait), false);
        }
        int attempts = record.attemptCount() + 1;
        if (attempts >= maxAttempts) {
            return new RecordResult(attempt, RecordState.CANCELLED, null);
        }
        Duration wait = waitAfter(attempts);
        if (attempt.retryAfter() != null && attempt.retryAfter().compareTo(wait) > 0) {
            wait = attempt.retryAfter().compareTo(max) > 0 ? max : attempt.retryAfter();
        }
        return new RecordResult(attempt, RecordState.FAILED, now.plus(wait));
    }

    Duration waitAfter(int attempts) {
        double millis = min.toMillis() * Math.pow(factor, attempts - 1);
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }
}
