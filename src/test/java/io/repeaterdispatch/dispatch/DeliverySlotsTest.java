package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.config.DispatchConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The process-wide slot bound on its own, no servers: a turn takes a whole batch or nothing
 * (tryAcquire's minimum), and slow repeaters take from their share and from the whole at once.
 */
class DeliverySlotsTest {

    private static DeliverySlots slots(int capacity, int slowShare) {
        DispatchConfig config = mock(DispatchConfig.class, RETURNS_DEEP_STUBS);
        when(config.maxInFlight()).thenReturn(capacity);
        when(config.slow().maxInFlight()).thenReturn(slowShare);
        return new DeliverySlots(config);
    }

    @Test
    void aTurnTakesItsWholeBatchOrNothing() {
        DeliverySlots slots = slots(10, 4);
        assertEquals(4, slots.tryAcquire(4, 4));
        assertEquals(6, slots.free());
        assertEquals(4, slots.inFlight());

        assertEquals(0, slots.tryAcquire(8, 8), "8 wanted as a whole batch, 6 free: nothing");
        assertEquals(6, slots.free(), "a refused turn takes no slot");
        assertEquals(6, slots.tryAcquire(8, 6), "a minimum the free slots meet: all of them");
        assertEquals(0, slots.free());
        assertEquals(0, slots.tryAcquire(1, 1), "none free");
        assertEquals(10, slots.inFlight());
    }

    @Test
    void aMinimumAboveTheCapacityAsksForEverySlotNotMore() {
        DeliverySlots slots = slots(10, 4);
        assertEquals(10, slots.tryAcquire(20, 20), "a batch bigger than the process can only ever get every slot");
        slots.release(10);
        assertEquals(1, slots.tryAcquireUpTo(1));
        assertEquals(0, slots.tryAcquire(20, 20), "9 free: not the whole process");
        assertEquals(9, slots.free());
    }

    @Test
    void upToTakesWhateverIsFree() {
        DeliverySlots slots = slots(5, 4);
        assertEquals(3, slots.tryAcquireUpTo(3));
        assertEquals(2, slots.tryAcquireUpTo(7), "the rest");
        assertEquals(0, slots.tryAcquireUpTo(1));
        assertEquals(0, slots.tryAcquireUpTo(0));
    }

    @Test
    void releaseWakesTheDispatchers() {
        DeliverySlots slots = slots(5, 4);
        AtomicInteger woken = new AtomicInteger();
        slots.onFreed(woken::incrementAndGet);
        assertEquals(5, slots.tryAcquireUpTo(5));
        slots.release(2);
        assertEquals(1, woken.get(), "slots a scan did not use wake whoever was turned away meanwhile");
        slots.release(1);
        assertEquals(2, woken.get());
        slots.release(0);
        assertEquals(2, woken.get(), "nothing freed, nobody woken");
        assertEquals(3, slots.free());
    }

    @Test
    void slowTurnsTakeFromTheirShareAndTheWhole() {
        DeliverySlots slots = slots(10, 3);
        assertEquals(3, slots.tryAcquireSlow(5), "capped by the share");
        assertEquals(0, slots.slowFree());
        assertEquals(7, slots.free(), "and taken from the whole too");
        assertEquals(0, slots.tryAcquireSlow(1), "share used up while the whole has room");
        assertEquals(7, slots.tryAcquire(7, 7), "healthy repeaters still get the rest");

        slots.releaseSlow(3);
        assertEquals(3, slots.slowFree());
        assertEquals(3, slots.free());
        assertEquals(3, slots.tryAcquireSlow(3));
    }

    @Test
    void aSlowTurnGetsNoMoreThanTheWholeHasAndTheShareKeepsTheRest() {
        DeliverySlots slots = slots(10, 4);
        assertEquals(8, slots.tryAcquireUpTo(8));
        assertEquals(2, slots.tryAcquireSlow(4), "two free in the whole");
        assertEquals(2, slots.slowFree(), "the two the whole could not give stay in the share");
        assertEquals(0, slots.free());
        assertEquals(0, slots.tryAcquireSlow(2), "the whole is empty");
        assertEquals(2, slots.slowFree(), "a refused slow turn takes nothing from the share");
        slots.releaseSlow(2);
        slots.release(8);
        assertEquals(4, slots.slowFree());
        assertEquals(10, slots.free());
    }

    @Test
    void theSlowShareIsAtLeastOneAndAtMostTheCapacity() {
        assertEquals(1, slots(10, 0).slowFree());
        assertEquals(10, slots(10, 64).slowFree());
    }

    @Test
    void concurrentTurnsNeverHoldMoreThanTheCapacity() throws Exception {
        int capacity = 16;
        DeliverySlots slots = slots(capacity, 4);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                int batch = 1 + t % 5;
                boolean slow = t % 3 == 0;
                done[t] = pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        int got = slow ? slots.tryAcquireSlow(batch) : slots.tryAcquire(batch, batch);
                        if (got > 0) {
                            maxHeld.accumulateAndGet(held.addAndGet(got), Math::max);
                            assertTrue(slow || got == batch, "a whole batch or nothing: " + got + " of " + batch);
                            held.addAndGet(-got);
                            if (slow) {
                                slots.releaseSlow(got);
                            } else {
                                slots.release(got);
                            }
                        }
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(maxHeld.get() <= capacity, "held at most the capacity: " + maxHeld.get());
        assertEquals(capacity, slots.free(), "every slot came back");
        assertEquals(4, slots.slowFree());
    }
}
