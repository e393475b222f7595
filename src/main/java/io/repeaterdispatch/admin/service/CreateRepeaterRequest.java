package io.repeaterdispatch.admin.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** Body of POST /api/v1/repeaters. Optional fields may be omitted; unknown ones are refused (admin.web.StrictFields). */
public record CreateRepeaterRequest(String domain, String name, String url, String method, Map<String, String> headers,
                                    Auth auth, Integer timeoutMs, Integer batchSize,
                                    @Schema(description = "Requests per second this repeater's endpoint may get; null or absent: no limit")
                                    RateLimit rateLimit,
                                    @Schema(description = "Status codes this repeater's endpoint answers that are read otherwise than by default; absent: none")
                                    StatusPolicy statusPolicy) {

    /** Without delivery limits: no rate limit, the default reading of status codes. */
    public CreateRepeaterRequest(String domain, String name, String url, String method, Map<String, String> headers,
                                 Auth auth, Integer timeoutMs, Integer batchSize) {
        this(domain, name, url, method, headers, auth, timeoutMs, batchSize, null, null);
    }

    /** Endpoint credentials: {"type":"basic","username":..,"password":..} or {"type":"bearer","token":..}. */
    public record Auth(String type, String username, String password, String token) {

        @Override
        public String toString() {
            return "Auth[" + type + "]";
        }
    }

    /** {"perSecond": 5, "burst": 10}; refuses unknown fields (admin.web.StrictFields), so a typo is no silent default. */
    public record RateLimit(
            @Schema(description = "Requests per second: above 0, at most " + RepeaterValidator.MAX_RATE_PER_SECOND, required = true)
            Double perSecond,
            @Schema(description = "Requests that may go at once after a quiet spell (the bucket's size): 1-" + RepeaterValidator.MAX_BURST
                    + "; absent: max(1, ceil(perSecond))")
            Integer burst) {
    }

    /**
     * {"retry": [404], "invalidPayload": [500]}: HTTP status codes (300-599) that are, for this
     * repeater, a retryable failure or an invalid payload (not retried), whatever the default
     * says. A code may be in one list only; an absent list is empty. Refuses unknown fields.
     */
    public record StatusPolicy(
            @Schema(description = "Status codes retried with backoff: 300-599, at most " + RepeaterValidator.MAX_STATUS_CODES)
            List<Integer> retry,
            @Schema(description = "Status codes taken as an invalid payload, never retried: 300-599, at most "
                    + RepeaterValidator.MAX_STATUS_CODES)
            List<Integer> invalidPayload) {
    }
}
