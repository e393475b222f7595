package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.admin.entity.RepeaterEntity;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A repeater as the API shows it. {@code records} counts its records by state: every state when
 * one repeater is read, the queued ones (pending, failed) in lists, none in audit entries.
 * Secrets never appear: auth shows its type and user name only, extra header values are masked
 * (they often carry API keys), signing shows whether it is on and when the secret was rotated.
 */
public record RepeaterView(long id, String domain, String name, String url, String method, Map<String, String> headers,
                           AuthView auth, int timeoutMs, int batchSize,
                           @Schema(description = "null: no rate limit", nullable = true) RateLimitView rateLimit,
                           StatusPolicyView statusPolicy,
                           @Schema(description = "whether deliveries are signed, and the signing secret's rotation (never the secret)")
                           SigningView signing,
                           @Schema(description = "parallel: a batch at once, oldest due first; strict: one record at a time in the "
                                   + "order registered, a failing record blocking those behind it", enumeration = {"parallel", "strict"})
                           String ordering,
                           @Schema(description = "event types taken from a fan-out (names, prefixes ending in .*), sorted; []: every type")
                           List<String> eventTypes,
                           @Schema(description = "adaptive concurrency, shown when one repeater is read; null in lists", nullable = true)
                           ConcurrencyView concurrency, boolean paused, boolean deleted,
                           @Schema(description = "what ends dispatch to this repeater besides a pause") LifecycleView lifecycle,
                           @Schema(description = "the service disabled it (410 Gone, the receiver asked, or failing for "
                                   + "dispatch.lifecycle.disable-after); paused too, until POST /repeaters/{id}/resume") boolean disabled,
                           @Schema(description = "gone, receiver-requested or failing; null unless disabled", nullable = true) String disabledReason,
                           @Schema(description = "when it was disabled; null unless disabled", nullable = true) Instant disabledAt,
                           @Schema(description = "since when every batch has failed; null while healthy", nullable = true) Instant failingSince,
                           @Schema(description = "backoff: not dispatched before this time; null while the endpoint is healthy "
                                   + "(backedOff=true lists the repeaters where it lies ahead)", nullable = true)
                           Instant nextAttemptAt,
                           @Schema(description = "backoff state, not a delivery log: when the last batch of the current failing "
                                   + "streak started (the next wait doubles from it); null while the endpoint is healthy, so it stays "
                                   + "null after successful deliveries. When a record was last sent: GET /api/v1/records/{id} (attempts)",
                                   nullable = true)
                           Instant lastAttemptAt,
                           @Schema(description = "backoff: batches in a row that failed whole; 0 while the endpoint is healthy")
                           int consecutiveFailedBatches,
                           Map<String, Long> records, Instant createdAt, Instant updatedAt) {

    public record AuthView(String type, String username) {
    }

    /** Both fields resolved: burst is the stored one, defaulted at create or update. */
    public record RateLimitView(@Schema(description = "requests per second") double perSecond,
                                @Schema(description = "requests that may go at once after a quiet spell") int burst) {
    }

    /** How many requests a batch sends at once now (learned from the endpoint's answers), and at most (the batch size). */
    public record ConcurrencyView(@Schema(description = "requests a batch sends at once now") int effective,
                                  @Schema(description = "the batch size: the most it goes back up to") int max) {
    }

    /**
     * Signing as an operator may see it: on or off, and the last rotation. The secrets themselves are
     * answered once (create, rotate: {@link RepeaterWithSecret}) and never again.
     */
    public record SigningView(@Schema(description = "deliveries carry webhook-id, webhook-timestamp and webhook-signature") boolean enabled,
                              @Schema(description = "when the secret was last rotated; null: never", nullable = true) Instant rotatedAt,
                              @Schema(description = "until when the secret the last rotation replaced is still sent beside the new one; "
                                      + "null: no rotation yet, or none kept", nullable = true) Instant previousValidUntil) {
    }

    /** The repeater's lifecycle settings (docs/api.md, "Disabled endpoints"). */
    public record LifecycleView(@Schema(description = "an answer with the header webhook-delivery: disable disables the repeater, "
            + "as a 410 Gone does") boolean honorDisableHeader) {
    }

    /** Sorted, each code once; both empty: every status code read the default way. */
    public record StatusPolicyView(@Schema(description = "status codes retried with backoff") List<Integer> retry,
                                   @Schema(description = "status codes taken as an invalid payload, not retried") List<Integer> invalidPayload) {
    }

    static RepeaterView of(RepeaterEntity r, Map<String, String> maskedHeaders, Map<String, Long> recordCounts, ConcurrencyView concurrency) {
        return new RepeaterView(r.id, r.domain, r.name, r.url, r.httpMethod, maskedHeaders,
                new AuthView(r.authType, r.authUsername), r.timeoutMs, r.batchSize, rateLimit(r),
                new StatusPolicyView(codes(r.retryStatusCodes), codes(r.invalidStatusCodes)),
                new SigningView(r.signingEnabled, r.signingRotatedAt, r.signingPreviousValidUntil), r.ordering, EventTypes.view(r.eventTypes),
                concurrency, r.paused, r.deleted,
                new LifecycleView(r.honorDisableHeader), disabled(r), disabled(r) ? r.disabledReason : null,
                disabled(r) ? r.disabledAt : null, r.failingSince,
                r.nextAttemptAt, r.lastAttemptAt, r.consecutiveFailedBatches, recordCounts, r.createdAt, r.updatedAt);
    }

    /**
     * Disabled is paused with a reason: a replica older than migrations/V17 resumes by clearing
     * is_paused alone, and the repeater then runs, so it is not shown disabled.
     */
    private static boolean disabled(RepeaterEntity r) {
        return r.disabledAt != null && r.paused;
    }

    private static RateLimitView rateLimit(RepeaterEntity r) {
        if (r.ratePerSecond == null) {
            return null;
        }
        // a row written by hand may lack the burst: show the default the API would have written
        return new RateLimitView(r.ratePerSecond, r.rateBurst != null ? r.rateBurst : RepeaterDefaults.burstFor(r.ratePerSecond));
    }

    static List<Integer> codes(short[] stored) {
        return stored == null ? List.of() : IntStream.range(0, stored.length).map(i -> stored[i]).sorted().distinct().boxed().toList();
    }
}
