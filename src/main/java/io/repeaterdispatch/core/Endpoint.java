package io.repeaterdispatch.core;

import java.util.Map;

/**
 * A repeater's remote endpoint as of the claim that is sending to it. Holds the auth secret and
 * the signing secrets, so {@link #toString()} is written by hand to leave them out.
 *
 * @param statusPolicy the repeater's own reading of status codes; {@link StatusPolicy#EMPTY} when it has none
 * @param signing      how deliveries are signed; {@link Signing#OFF} when they are not
 */
public record Endpoint(long repeaterId, String domain, String url, String method, Map<String, String> headers,
                       AuthType authType, String authUsername, String authSecret, int timeoutMs, StatusPolicy statusPolicy,
                       Signing signing) {

    public Endpoint {
        statusPolicy = statusPolicy == null ? StatusPolicy.EMPTY : statusPolicy;
        signing = signing == null ? Signing.OFF : signing;
    }

    /** Unsigned deliveries. */
    public Endpoint(long repeaterId, String domain, String url, String method, Map<String, String> headers,
                    AuthType authType, String authUsername, String authSecret, int timeoutMs, StatusPolicy statusPolicy) {
        this(repeaterId, domain, url, method, headers, authType, authUsername, authSecret, timeoutMs, statusPolicy, Signing.OFF);
    }

    @Override
    public String toString() {
        return "Endpoint[repeater=" + repeaterId + ", domain=" + domain + ", method=" + method
                + ", auth=" + authType + ", timeoutMs=" + timeoutMs
                + (statusPolicy.isEmpty() ? "" : ", retry=" + statusPolicy.retry() + ", invalidPayload=" + statusPolicy.invalidPayload())
                + ", " + signing + "]";
    }
}
