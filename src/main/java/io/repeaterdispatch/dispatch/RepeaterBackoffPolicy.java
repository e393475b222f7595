package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.store.RepeaterUpdate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Decides a repeater's backoff after a batch (the seed's update_repeater). If the endpoint
 * answered at least once with anything but a retryable failure, it is healthy: reset. If every
 * attempt failed, wait clamp(2 × (now − last_attempt_at), min, max) — doubling while the outage
 * lasts. A Retry-After from the endpoint is a lower bound either way. Where the limiter paces the
 * repeater, a 429 counts as an answer.
 */
@ApplicationScoped
public class RepeaterBackoffPolicy {

    private final Duration min;
    private final Duration max;

    @Inject
    public RepeaterBackoffPolicy(DispatchConfig config) {
        this(config.repeaterBackoff().min(), config.repeaterBackoff().max());
    }

    RepeaterBackoffPolicy(Duration min, Duration max) {
        this.min = min;
        this.max = max;
    }

    public RepeaterUpdate after(long repeaterId, Instant lastAttemptAt, List<DeliveryResult> results, Instant now) {
        return after(repeaterId, lastAttemptAt, results, now, false);
    }

    /** @param paced the repeater's limiter slows it down on a 429, so a 429 is an answer, not a failure */
    public RepeaterUpdate after(long repeaterId, Instant lastAttemptAt, List<DeliveryResult> results, Instant now, boolean paced) {
        Duration retryAfter = results.stream().map(DeliveryResult::retryAfter).filter(Objects::nonNull)
                .max(Duration::compareTo).map(this::capped).orElse(null);
        // A 429 is an answer too: the endpoint is up and asks us to slow down, which the turn's
        // limiter does (EndpointFeedback); backing off for minutes would waste what it allows.
        boolean healthy = results.stream().anyMatch(r -> r.outcome().endpointResponded() || (paced && r.throttled()));
        if (healthy) {
            return new RepeaterUpdate(repeaterId, false, retryAfter == null ? null : now.plus(retryAfter), null);
        }
        Duration wait = lastAttemptAt == null ? min : clamp(Duration.between(lastAttemptAt, now).multipliedBy(2));
        if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
            wait = retryAfter;
        }
        return new RepeaterUpdate(repeaterId, true, now.plus(wait), now);
    }

    private Duration clamp(Duration d) {
        return d.compareTo(min) < 0 ? min : capped(d);
    }

    private Duration capped(Duration d) {
        return d.compareTo(max) > 0 ? max : d;
    }
}
