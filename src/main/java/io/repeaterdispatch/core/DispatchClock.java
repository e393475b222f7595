package io.repeaterdispatch.core;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The one source of "now" for dispatch decisions (due records, backoff, leases). Tests replace it
 * to move time forward without sleeping.
 */
@ApplicationScoped
public class DispatchClock {

    /** Microsecond precision, so values survive a round trip through timestamptz unchanged. */
    public Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
