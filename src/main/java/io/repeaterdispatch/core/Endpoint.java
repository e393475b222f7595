package io.repeaterdispatch.core;

import java.util.Map;

/**
 * A repeater's remote endpoint as of the claim that is sending to it. Holds the auth secret, so
 * {@link #toString()} is written by hand to leave it out.
 */
public record Endpoint(long repeaterId, String domain, String url, String method, Map<String, String> headers,
                       AuthType authType, String authUsername, String authSecret, int timeoutMs) {

    @Override
    public String toString() {
        return "Endpoint[repeater=" + repeaterId + ", domain=" + domain + ", method=" + method
                + ", auth=" + authType + ", timeoutMs=" + timeoutMs + "]";
    }
}
