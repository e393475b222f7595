package io.repeaterdispatch.delivery;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The timeout racing the connection (the request itself is the narrow seam: a Mockito mock, so the
 * test sees exactly what would go out). A connection that arrives after the timeout fired must not
 * send the request: that attempt is already recorded as timed out and its record may be retried.
 */
class RequestDeadlineTest {

    @Test
    void aConnectionArrivingAfterTheTimeoutIsResetAndNotSent() {
        RequestDeadline deadline = new RequestDeadline();
        HttpClientRequest request = mock(HttpClientRequest.class);

        deadline.expire();
        assertFalse(deadline.admit(request), "a late connection must not be admitted");
        verify(request).reset();
        verify(request, never()).send(any(Buffer.class));
        verify(request, never()).end();
    }

    @Test
    void aTimeoutAfterTheConnectionResetsTheRequestInFlight() {
        RequestDeadline deadline = new RequestDeadline();
        HttpClientRequest request = mock(HttpClientRequest.class);

        assertTrue(deadline.admit(request));
        verify(request, never()).reset();
        deadline.expire();
        assertTrue(deadline.expired());
        verify(request).reset();
    }
}
