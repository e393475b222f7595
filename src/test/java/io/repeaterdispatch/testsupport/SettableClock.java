package io.repeaterdispatch.testsupport;

import io.repeaterdispatch.core.DispatchClock;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** The dispatch clock in tests: real time plus an offset that tests push forward instead of sleeping. */
@Alternative
@Priority(1)
@ApplicationScoped
public class SettableClock extends DispatchClock {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    @Override
    public Instant now() {
        return super.now().plus(offset.get());
    }

    public void advance(Duration by) {
        offset.accumulateAndGet(by, Duration::plus);
    }

    public void reset() {
        offset.set(Duration.ZERO);
    }
}
