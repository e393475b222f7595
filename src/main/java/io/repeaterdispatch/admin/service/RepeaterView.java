package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.admin.entity.RepeaterEntity;

import java.time.Instant;
import java.util.Map;

/**
 * A repeater as the API shows it. {@code records} counts its records by state: every state when
 * one repeater is read, the queued ones (pending, failed) in lists, none in audit entries.
 * Secrets never appear: auth shows its type and user name only, extra header values are masked
 * (they often carry API keys).
 */
public record RepeaterView(long id, String domain, String name, String url, String method, Map<String, String> headers,
                           AuthView auth, int timeoutMs, int batchSize, boolean paused, boolean deleted,
                           Instant nextAttemptAt, Instant lastAttemptAt, int consecutiveFailedBatches,
                           Map<String, Long> records, Instant createdAt, Instant updatedAt) {

    public record AuthView(String type, String username) {
    }

    static RepeaterView of(RepeaterEntity r, Map<String, String> maskedHeaders, Map<String, Long> recordCounts) {
        return new RepeaterView(r.id, r.domain, r.name, r.url, r.httpMethod, maskedHeaders,
                new AuthView(r.authType, r.authUsername), r.timeoutMs, r.batchSize, r.paused, r.deleted,
                r.nextAttemptAt, r.lastAttemptAt, r.consecutiveFailedBatches, recordCounts, r.createdAt, r.updatedAt);
    }
}
