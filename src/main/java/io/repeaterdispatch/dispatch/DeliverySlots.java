package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.config.DispatchConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide bound on requests in flight, shared by both dispatch paths. Work is claimed
 * only for slots already taken (no prefetch), so nothing ever waits in a queue inside the
 * process: when no slot is free, records simply stay in PostgreSQL. Slow repeaters' turns (see
 * {@link SlowRepeaters}) take their slots out of a smaller share as well, so they can never hold
 * more than {@code dispatch.slow.max-in-flight} of them.
 */
@ApplicationScoped
public class DeliverySlots {

    private final int capacity;
    private final AtomicInteger free;
    private final AtomicInteger slowFree;
    private final List<Runnable> onFreed = new CopyOnWriteArrayList<>();

    public DeliverySlots(DispatchConfig config) {
        this.capacity = config.maxInFlight();
        this.free = new AtomicInteger(capacity);
        this.slowFree = new AtomicInteger(Math.max(1, Math.min(capacity, config.slow().maxInFlight())));
    }

    /** Takes up to {@code wanted} slots for a slow repeater: out of the slow share and the whole; returns how many (possibly 0). */
    public int tryAcquireSlow(int wanted) {
        while (true) {
            int available = slowFree.get();
            int take = Math.min(available, wanted);
            if (take <= 0) {
                return 0;
            }
            if (slowFree.compareAndSet(available, available - take)) {
                int got = tryAcquire(take, 1);
                slowFree.addAndGet(take - got);
                return got;
            }
        }
    }

    /** Returns slots taken with {@link #tryAcquireSlow}. */
    public void releaseSlow(int n) {
        if (n > 0) {
            slowFree.addAndGet(n);
            release(n);
        }
    }

    public int slowFree() {
        return slowFree.get();
    }

    public int free() {
        return free.get();
    }

    /** Takes up to {@code wanted} slots; returns how many were taken (possibly 0). */
    public int tryAcquireUpTo(int wanted) {
        return tryAcquire(wanted, 1);
    }

    /** Takes up to {@code wanted} slots if at least {@code minimum} are free; returns how many were taken (possibly 0). */
    public int tryAcquire(int wanted, int minimum) {
        while (true) {
            int available = free.get();
            int take = Math.min(available, wanted);
            if (take <= 0 || take < Math.min(minimum, capacity)) {
                return 0;
            }
            if (free.compareAndSet(available, available - take)) {
                return take;
            }
        }
    }

    /** Returns slots that finished work and tells the dispatchers there is room again. */
    public void release(int n) {
        if (n > 0) {
            free.addAndGet(n);
            onFreed.forEach(Runnable::run);
        }
    }

    public void onFreed(Runnable listener) {
        onFreed.add(listener);
    }

    public int inFlight() {
        return capacity - free.get();
    }
}
