package io.repeaterdispatch.core;

import java.util.Map;

/**
 * A repeater's remote endpoint as of the claim that is sending to it. Holds the auth secret, so
 * {@link #toString()} is written by hand to leave it out.
 *
 * @param statusPolicy the repeater's own reading of status codes; {@link StatusPolicy#EMPTY} when it has none
 */
public record Endpoint(long repeaterId, String domain, String url, String method, Map<String, String> headers,
                       AuthType authType, String authUsername, String authSecret, int timeoutMs, StatusPolicy statusPolicy) {

    public Endpoint {
        statusPolicy = statusPolicy == null ? StatusPolicy.EMPTY : statusPolicy;
    }

    @Override
    public String toString() {
        return "Endpoint[repeater=" + repeaterId + ", domain=" + domain + ", method=" + method
                + ", auth=" + authType + ", timeoutMs=" + timeoutMs
                + (statusPolicy.isEmpty() ? "" : ", retry=" + statusPolicy.retry() + ", invalidPayload=" + statusPolicy.invalidPayload()) + "]";
    }
}
