package io.repeaterdispatch.config;

import io.quarkus.runtime.StartupEvent;
import io.repeaterdispatch.core.Limits;
import io.repeaterdispatch.core.SigningSecret;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one start-up check of the service's own settings, before anything else starts: every value
 * in range and every rule between values (backoff minimums below their maximums), all problems
 * reported at once. Formats with a parser of their own are checked where they are read, also at
 * start: admin.tokens (AdminTokens), url-policy.deny (UrlPolicy), secrets.* (SecretCipher).
 */
@ApplicationScoped
public class ConfigCheck {

    private static final Logger LOG = Logger.getLogger(ConfigCheck.class);
    /** The schema's CHECK on repeater.batch_size (migrations/V1). */
    static final int LARGEST_BATCH = 10_000;

    void onStart(@Observes @Priority(1) StartupEvent event, DispatchConfig dispatch, AdminConfig admin) {
        List<String> problems = problems(dispatch, admin);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid configuration: " + String.join("; ", problems));
        }
        if (dispatch.maxRequestTimeout().toMillis() < Limits.MAX_TIMEOUT_MS) {
            LOG.infof("requests capped at %s (dispatch.max-request-timeout): longer repeater timeouts are cut to it",
                    dispatch.maxRequestTimeout());
        }
    }

    /** Every problem of these settings, each naming its key; empty when they are fine. */
    public static List<String> problems(DispatchConfig d, AdminConfig a) {
        List<String> problems = new ArrayList<>();
        atLeast(problems, "dispatch.tick", d.tick(), Duration.ofMillis(10));
        atLeast(problems, "dispatch.max-request-timeout", d.maxRequestTimeout(), Duration.ofMillis(1));
        // Renewed every third of itself while its request runs (LeaseHeartbeat): no tie to the request timeout.
        atLeast(problems, "dispatch.claim-lease", d.claimLease(), Duration.ofSeconds(1));
        atLeast(problems, "dispatch.shutdown-grace", d.shutdownGrace(), Duration.ZERO);
        atLeast(problems, "dispatch.lock.ttl", d.lock().ttl(), Duration.ofSeconds(1));
        atLeast(problems, "dispatch.http.connect-timeout", d.http().connectTimeout(), Duration.ofMillis(1));
        atLeast(problems, "dispatch.slow.threshold", d.slow().threshold(), Duration.ofMillis(1));
        atLeast(problems, "dispatch.metrics.backlog-refresh", d.metrics().backlogRefresh(), Duration.ofMillis(10));
        atLeast(problems, "dispatch.metrics.backlog-timeout", d.metrics().backlogTimeout(), Duration.ofMillis(1));
        atLeast(problems, "dispatch.domain-budget.per-minute", d.domainBudget().perMinute(), Duration.ofMillis(1));
        atLeast(problems, "dispatch.domain-budget.per-hour", d.domainBudget().perHour(), Duration.ofMillis(1));
        atLeast(problems, "dispatch.signing.rotation-overlap", d.signing().rotationOverlap(), Duration.ZERO);
        atLeast(problems, "dispatch.lifecycle.disable-after", d.lifecycle().disableAfter(), Duration.ZERO);
        atLeast(problems, "dispatch.lifecycle.notify-timeout", d.lifecycle().notifyTimeout(), Duration.ofMillis(1));
        between(problems, "dispatch.lifecycle.notify-attempts", d.lifecycle().notifyAttempts(), 1, 20);
        checkNotification(problems, d.lifecycle());
        ordered(problems, "dispatch.repeater-backoff", d.repeaterBackoff().min(), d.repeaterBackoff().max());
        ordered(problems, "dispatch.record-retry", d.recordRetry().min(), d.recordRetry().max());
        between(problems, "dispatch.record-retry.factor", d.recordRetry().factor(), 1, 1_000);
        between(problems, "dispatch.max-attempts", d.maxAttempts(), 1, 1_000);
        between(problems, "dispatch.max-batch-size", d.maxBatchSize(), 1, LARGEST_BATCH);
        between(problems, "dispatch.max-in-flight", d.maxInFlight(), 1, 100_000);
        between(problems, "dispatch.slow.max-in-flight", d.slow().maxInFlight(), 1, 100_000);
        between(problems, "dispatch.legacy.max-per-poll", d.legacy().maxPerPoll(), 1, 100_000);
        between(problems, "dispatch.ready-query-limit", d.readyQueryLimit(), 1, 1_000_000);
        between(problems, "dispatch.http.max-connections-per-host", d.http().maxConnectionsPerHost(), 1, 100_000);
        between(problems, "dispatch.http.response-excerpt-bytes", d.http().responseExcerptBytes(), 0, 1 << 20);
        between(problems, "admin.max-enqueue-items", a.maxEnqueueItems(), 1, 1_000_000);
        between(problems, "admin.max-payload-bytes", a.maxPayloadBytes(), 1, Integer.MAX_VALUE);
        between(problems, "admin.fan-out.max-records", a.fanOut().maxRecords(), 1, 10_000_000);
        atLeast(problems, "admin.idempotency.window", a.idempotency().window(), Duration.ofSeconds(1));
        atMost(problems, "admin.idempotency.window", a.idempotency().window(), Duration.ofDays(365));
        return problems;
    }

    /** A URL to announce to needs a secret to sign with. No message repeats the secret. */
    private static void checkNotification(List<String> problems, DispatchConfig.Lifecycle lifecycle) {
        Optional<String> url = lifecycle.notifyUrl().filter(u -> !u.isBlank());
        if (url.isEmpty()) {
            return;
        }
        try {
            URI uri = new URI(url.get());
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
                problems.add("dispatch.lifecycle.notify-url must be an absolute http or https URL");
            }
        } catch (URISyntaxException e) {
            problems.add("dispatch.lifecycle.notify-url is not a valid URL");
        }
        if (lifecycle.notifySecret().flatMap(SigningSecret::parse).isEmpty()) {
            problems.add("dispatch.lifecycle.notify-secret must be " + SigningSecret.FORMAT + " when dispatch.lifecycle.notify-url is set");
        }
    }

    private static void atLeast(List<String> problems, String key, Duration value, Duration least) {
        if (value.compareTo(least) < 0) {
            problems.add(key + " (" + value + ") must be at least " + least);
        }
    }

    private static void atMost(List<String> problems, String key, Duration value, Duration most) {
        if (value.compareTo(most) > 0) {
            problems.add(key + " (" + value + ") must be at most " + most);
        }
    }

    private static void ordered(List<String> problems, String prefix, Duration min, Duration max) {
        if (min.isNegative() || min.isZero()) {
            problems.add(prefix + ".min (" + min + ") must be positive");
        } else if (min.compareTo(max) > 0) {
            problems.add(prefix + ".min (" + min + ") must not exceed " + prefix + ".max (" + max + ")");
        }
    }

    private static void between(List<String> problems, String key, int value, int least, int most) {
        if (value < least || value > most) {
            problems.add(key + " (" + value + ") must be between " + least + " and " + most);
        }
    }
}
