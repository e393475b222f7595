package io.repeaterdispatch.delivery;

import io.vertx.core.http.HttpClientRequest;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The timeout of one request racing its connection. The timer and the connection callback may run
 * on different event loops, so each one first publishes its own step and then looks at the other's
 * (both atomics): whichever comes second sees the first and resets the request, and a request whose
 * connection arrived after the timeout is never sent.
 */
final class RequestDeadline {

    private final AtomicBoolean expired = new AtomicBoolean();
    private final AtomicReference<HttpClientRequest> request = new AtomicReference<>();

    /** The timer fired: cancels the request if it already has a connection. */
    void expire() {
        expired.set(true);
        HttpClientRequest r = request.get();
        if (r != null) {
            r.reset();
        }
    }

    boolean expired() {
        return expired.get();
    }

    /**
     * A connection arrived for the request.
     *
     * @return true if it may be sent; false if the deadline already passed (the request is reset
     * and must not be sent)
     */
    boolean admit(HttpClientRequest r) {
        request.set(r);
        if (expired.get()) {
            r.reset();
            return false;
        }
        return true;
    }
}
