package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.core.SigningSecret;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** Body of POST /api/v1/repeaters. Optional fields may be omitted; unknown ones are refused (admin.web.StrictFields). */
public record CreateRepeaterRequest(@Schema(description = "the tenant: 1-126 letters, digits, '.', '_' or '-', starting with a letter or digit",
                                            required = true, pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,125}$")
                                    String domain,
                                    @Schema(description = "1-255 characters, no control characters; unique among the domain's repeaters "
                                            + "that are not deleted (409 otherwise)", required = true, minLength = 1, maxLength = 255)
                                    String name,
                                    @Schema(description = "the endpoint: an absolute http or https URL, at most 2048 characters, allowed by "
                                            + "the outbound URL policy", required = true, maxLength = 2048)
                                    String url,
                                    @Schema(description = "the request method; absent: POST", enumeration = {"POST", "PUT", "PATCH"})
                                    String method,
                                    @Schema(description = "extra request headers sent with every delivery (their values are masked in answers)")
                                    Map<String, String> headers,
                                    @Schema(description = "the endpoint's credentials; absent: none") Auth auth,
                                    @Schema(description = "per request, 1-300000 ms; absent: 30000", minimum = "1", maximum = "300000")
                                    Integer timeoutMs,
                                    @Schema(description = "records sent per batch, 1 to dispatch.max-batch-size; absent: 7", minimum = "1")
                                    Integer batchSize,
                                    @Schema(description = "Requests per second this repeater's endpoint may get; null or absent: no limit")
                                    RateLimit rateLimit,
                                    @Schema(description = "Status codes this repeater's endpoint answers that are read otherwise than by default; absent: none")
                                    StatusPolicy statusPolicy,
                                    @Schema(description = "Whether deliveries are signed (Standard Webhooks); absent: {\"enabled\": true}")
                                    Signing signing,
                                    @Schema(description = "Create only: the signing secret to use, " + SigningSecret.FORMAT
                                            + "; absent: one is generated. Either way it is answered once, as signingSecret in the response",
                                            writeOnly = true)
                                    String signingSecret,
                                    @Schema(description = "\"parallel\" (a batch sent at once, oldest due first) or \"strict\" (one record at a "
                                            + "time, in the order registered; a failing record blocks those behind it); absent: parallel",
                                            enumeration = {"parallel", "strict"})
                                    String ordering,
                                    @Schema(description = "Event types this repeater takes from POST /api/v1/domains/{domain}/events: names "
                                            + "(case.created) or prefixes ending in .* (case.*), at most " + EventTypes.MAX_SUBSCRIPTIONS
                                            + "; absent, null or []: every event type")
                                    List<String> eventTypes,

                                    @Schema(description = "What may disable the repeater besides a 410 Gone; absent: {\"honorDisableHeader\": false}")
                                    Lifecycle lifecycle) {

    /** Without delivery limits: no rate limit, the default reading of status codes. */
    public CreateRepeaterRequest(String domain, String name, String url, String method, Map<String, String> headers,
                                 Auth auth, Integer timeoutMs, Integer batchSize) {
        this(domain, name, url, method, headers, auth, timeoutMs, batchSize, null, null);
    }

    /** With delivery limits, signing as by default (on, with a generated secret). */
    public CreateRepeaterRequest(String domain, String name, String url, String method, Map<String, String> headers,
                                 Auth auth, Integer timeoutMs, Integer batchSize, RateLimit rateLimit, StatusPolicy statusPolicy) {
        this(domain, name, url, method, headers, auth, timeoutMs, batchSize, rateLimit, statusPolicy, null, null);
    }

    /** Parallel, subscribed to every event type, with the default lifecycle (only a 410 or failing for the configured time disables it). */
    public CreateRepeaterRequest(String domain, String name, String url, String method, Map<String, String> headers,
                                 Auth auth, Integer timeoutMs, Integer batchSize, RateLimit rateLimit, StatusPolicy statusPolicy,
                                 Signing signing, String signingSecret) {
        this(domain, name, url, method, headers, auth, timeoutMs, batchSize, rateLimit, statusPolicy, signing, signingSecret, null, null, null);
    }

    /** Never shows credentials or the signing secret. */
    @Override
    public String toString() {
        return "CreateRepeaterRequest[domain=" + domain + ", name=" + name + ", method=" + method + ", auth=" + auth
                + ", timeoutMs=" + timeoutMs + ", batchSize=" + batchSize + ", rateLimit=" + rateLimit + ", statusPolicy=" + statusPolicy
                + ", signing=" + signing + (signingSecret == null ? "" : ", signingSecret=***") + ", ordering=" + ordering + ", eventTypes=" + eventTypes + ", lifecycle=" + lifecycle + "]";
    }

    /** {"enabled": false} turns signing off; refuses unknown fields (admin.web.StrictFields), so a secret cannot be given here by mistake. */
    public record Signing(@Schema(description = "Sign deliveries: webhook-id, webhook-timestamp and webhook-signature headers",
            required = true) Boolean enabled) {
    }

    /**
     * {"honorDisableHeader": true}: an answer carrying {@code webhook-delivery: disable} disables the
     * repeater as a 410 Gone does. Refuses unknown fields (admin.web.StrictFields).
     */
    public record Lifecycle(@Schema(description = "Disable the repeater when its endpoint answers with the header "
            + "webhook-delivery: disable", required = true) Boolean honorDisableHeader) {
    }

    /** Endpoint credentials: {"type":"basic","username":..,"password":..} or {"type":"bearer","token":..}. */
    public record Auth(@Schema(description = "none, basic (username and password) or bearer (token)", required = true,
                               enumeration = {"none", "basic", "bearer"}) String type,
                       @Schema(description = "basic only") String username,
                       @Schema(description = "basic only; write-only: stored encrypted, never answered", writeOnly = true) String password,
                       @Schema(description = "bearer only; write-only: stored encrypted, never answered", writeOnly = true) String token) {

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
