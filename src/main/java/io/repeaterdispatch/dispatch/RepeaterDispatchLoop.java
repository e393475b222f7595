package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.lock.RedisAvailability;
import io.repeaterdispatch.store.ReadyRepeater;
import io.repeaterdispatch.store.ReadyRepeaterQuery;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The per-repeater dispatch loop. It keeps every free delivery slot busy with repeater turns taken
 * from a {@link DomainRoundRobin}, refilled by the ready query whenever something may have become
 * ready (scheduler tick, enqueue, wake-up). A repeater that filled its batch goes straight back to
 * the rotation when its turn ends, without waiting for a tick.
 *
 * <p>Threading: events arrive on any thread (event loops, scheduler). All rotation state is touched
 * only inside {@link #drain()}, which a work-in-progress counter serializes without locks: whoever
 * increments it from zero drains, everyone else just leaves a note that it must drain again.
 */
@ApplicationScoped
public class RepeaterDispatchLoop {

    private static final Logger LOG = Logger.getLogger(RepeaterDispatchLoop.class);

    private final ReadyRepeaterQuery readyQuery;
    private final RepeaterBatchRunner runner;
    private final DeliverySlots slots;
    private final DispatchEvents events;
    private final RedisAvailability redis;
    private final SlowRepeaters slow;
    private final DispatchClock clock;
    private final DispatchConfig config;
    private final Vertx vertx;
    /** While other domains wait, a domain starts no turn that would take it past this many slots. */
    private final int domainSlotCap;

    private final AtomicInteger wip = new AtomicInteger();
    private final DomainRoundRobin rotation = new DomainRoundRobin();
    private final Set<Long> active = ConcurrentHashMap.newKeySet();
    /** Active repeaters a refresh found ready: records may have arrived after their claim, so they go round again. */
    private final Set<Long> readyWhileActive = ConcurrentHashMap.newKeySet();
    private final Queue<ReadyRepeater> returning = new ConcurrentLinkedQueue<>();
    /** Slow repeaters out of the rotation until the slow share has room (only touched in drain). */
    private final Map<Long, ReadyRepeater> waitingForSlowSlots = new LinkedHashMap<>();
    private final AtomicReference<List<ReadyRepeater>> refreshed = new AtomicReference<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile boolean dirty = true;
    /** The last refresh filled the row cap: more may be ready behind it (set by refresh, read in drain). */
    private volatile boolean lastPageFull;
    /** Refresh again once this page's repeaters have all been started (only touched in drain). */
    private boolean refillWhenStarted;
    private volatile boolean running;
    /** Repeaters Redis told to wait (their rate, a pause an endpoint asked for): epoch ms until which they are skipped. */
    private final Map<Long, Long> repeaterWaits = new ConcurrentHashMap<>();
    /** Domains over their budget of remote time: epoch ms until which their repeaters are skipped. */
    private final Map<String, Long> domainWaits = new ConcurrentHashMap<>();
    /** Learned concurrency of repeaters below their batch size, so the loop takes no slots they cannot use. */
    private final Map<Long, Integer> concurrency = new ConcurrentHashMap<>();
    /** Slots each domain's running turns took. */
    private final Map<String, Integer> domainSlots = new ConcurrentHashMap<>();
    /** Repeaters held back because their domain has its share of the slots (only touched in drain). */
    private final Map<String, List<ReadyRepeater>> waitingForShare = new HashMap<>();
    private final Queue<String> domainTurnsEnded = new ConcurrentLinkedQueue<>();

    public RepeaterDispatchLoop(ReadyRepeaterQuery readyQuery, RepeaterBatchRunner runner, DeliverySlots slots,
                                DispatchEvents events, RedisAvailability redis, SlowRepeaters slow, DispatchClock clock,
                                DispatchConfig config, Vertx vertx) {
        this.vertx = vertx;
        this.domainSlotCap = config.limits().enabled()
                ? Math.max(1, (int) Math.floor(config.maxInFlight() * config.limits().domainShare())) : Integer.MAX_VALUE;
        this.readyQuery = readyQuery;
        this.runner = runner;
        this.slots = slots;
        this.events = events;
        this.redis = redis;
        this.slow = slow;
        this.clock = clock;
        this.config = config;
        slots.onFreed(this::drain);
        redis.onRecovered(this::wake);
    }

    public void start() {
        running = true;
        wake();
    }

    /** Stops starting turns; turns in flight finish and record their outcomes. */
    public void stop() {
        running = false;
    }

    /** Something may have become ready: look again as soon as a slot is free. */
    public void wake() {
        dirty = true;
        drain();
    }

    /** Repeater turns currently running in this process. */
    public int activeTurns() {
        return active.size();
    }

    /** A ready query is running (tests wait for it to end before they empty the tables). */
    public boolean refreshing() {
        return refreshing.get();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            try {
                startWhatFits();
            } catch (RuntimeException e) {
                LOG.error("dispatch loop step failed", e);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void startWhatFits() {
        if (!running) {
            return;
        }
        long now = clock.now().toEpochMilli();
        List<ReadyRepeater> fresh = refreshed.getAndSet(null);
        if (fresh != null) {
            repeaterWaits.values().removeIf(until -> until <= now);
            domainWaits.values().removeIf(until -> until <= now);
            List<ReadyRepeater> idle = new ArrayList<>(fresh.size());
            for (ReadyRepeater r : fresh) {
                if (active.contains(r.id())) {
                    readyWhileActive.add(r.id());
                } else if (!mustWait(r, now)) {
                    idle.add(r);
                }
            }
            rotation.replaceWith(idle);
            // Repeaters past the cap are not in this page. The ready order puts those just served
            // behind them, so the next page reaches them: ask for it when this one is used up
            // (not if it held only repeaters in flight, which would re-ask at once, in a loop).
            refillWhenStarted = lastPageFull && !idle.isEmpty();
        }
        for (ReadyRepeater back; (back = returning.poll()) != null; ) {
            rotation.offer(back);
        }
        if (!waitingForShare.isEmpty() && domainTurnsEnded.poll() != null) {
            // A turn ended: its domain's share, or the contention, may be over. Still over, they park again.
            waitingForShare.values().forEach(held -> held.forEach(rotation::offer));
            waitingForShare.clear();
        }
        domainTurnsEnded.clear();
        if (slots.slowFree() > 0 && !waitingForSlowSlots.isEmpty()) {
            waitingForSlowSlots.values().forEach(rotation::offer);
            waitingForSlowSlots.clear();
        }
        if (!redis.available()) {
            // No lock, no turn; RedisAvailability wakes the loop when Redis answers again.
            return;
        }
        while (true) {
            ReadyRepeater next = rotation.peek(active::contains);
            if (next == null) {
                if (refillWhenStarted) {
                    refillWhenStarted = false;
                    dirty = true;
                }
                break;
            }
            if (mustWait(next, now)) {
                rotation.next(active::contains); // dropped: its wait's timer, or a later refresh, brings it back
                continue;
            }
            int batch = Math.min(next.batchSize(), config.maxBatchSize());
            Integer learned = concurrency.get(next.id());
            if (learned != null) {
                batch = Math.min(batch, learned);
            }
            int domainHeld = domainSlots.getOrDefault(next.domain(), 0);
            if (domainHeld > 0 && domainHeld + batch > domainSlotCap && otherDomainsCompete(next.domain())) {
                // Its domain has its share while others wait: it goes on when one of its domain's turns ends.
                rotation.next(active::contains);
                waitingForShare.computeIfAbsent(next.domain(), d -> new ArrayList<>()).add(next);
                events.domainShareReached(next.domain());
                continue;
            }
            boolean slowTurn = slow.isSlow(next.id());
            // While requests are in flight slots come back one by one: wait for a whole batch rather
            // than start a turn with one or two, which costs the same lock, claim and write as a full one.
            int use = slowTurn ? slots.tryAcquireSlow(batch) : slots.tryAcquire(batch, slots.inFlight() == 0 ? 1 : batch);
            if (use == 0) {
                if (slowTurn && slots.free() > 0) {
                    // The slow share is used up, not the slots: park it, serve the others.
                    rotation.next(active::contains);
                    waitingForSlowSlots.put(next.id(), next);
                    continue;
                }
                return; // a freed slot drains again
            }
            rotation.next(active::contains); // the one peeked at
            active.add(next.id());
            domainSlots.merge(next.domain(), use, Integer::sum);
            events.turnStarted(next, use);
            int took = use;
            runner.run(next, use, slowTurn).subscribe().with(end -> finished(next, took, end));
        }
        if (dirty && refreshing.compareAndSet(false, true)) {
            dirty = false;
            refresh();
        }
    }

    private void refresh() {
        int limit = config.readyQueryLimit();
        readyQuery.find(clock.now(), config.processRepeatersDefault(), limit)
                .subscribe().with(ready -> {
                    events.readyRefreshed(ready.size());
                    lastPageFull = ready.size() >= limit;
                    refreshed.set(ready);
                    refreshing.set(false);
                    drain();
                }, error -> {
                    // Left for the next tick: retrying at once would hammer a database that is down.
                    LOG.warnf("ready-repeater query failed: %s", error.toString());
                    refreshing.set(false);
                });
    }

    /** Another domain waits in the rotation or has turns running: the share applies. */
    private boolean otherDomainsCompete(String domain) {
        return rotation.othersWaiting(domain) || domainSlots.size() > (domainSlots.containsKey(domain) ? 1 : 0);
    }

    private boolean mustWait(ReadyRepeater r, long now) {
        return waiting(repeaterWaits, r.id(), now) || waiting(domainWaits, r.domain(), now);
    }

    private static <K> boolean waiting(Map<K, Long> waits, K key, long now) {
        Long until = waits.get(key);
        if (until == null) {
            return false;
        }
        if (until > now) {
            return true;
        }
        waits.remove(key, until);
        return false;
    }

    private void finished(ReadyRepeater repeater, int slotsTaken, RepeaterBatchRunner.TurnEnd end) {
        boolean seenReady = readyWhileActive.remove(repeater.id());
        domainSlots.computeIfPresent(repeater.domain(), (d, held) -> held > slotsTaken ? held - slotsTaken : null);
        domainTurnsEnded.add(repeater.domain());
        if (end.concurrency() > 0) {
            if (end.concurrency() < Math.min(repeater.batchSize(), config.maxBatchSize())) {
                concurrency.put(repeater.id(), end.concurrency());
            } else {
                concurrency.remove(repeater.id());
            }
        }
        active.remove(repeater.id());
        if (end.waitMs() > 0) {
            long until = clock.now().toEpochMilli() + end.waitMs();
            if (end.wholeDomain()) {
                Long before = domainWaits.put(repeater.domain(), until);
                if (before == null || before < until - end.waitMs()) {
                    LOG.infof("domain over budget domain=%s skipped_for_ms=%d", repeater.domain(), end.waitMs());
                }
            } else {
                repeaterWaits.merge(repeater.id(), until, Math::max);
            }
            // Back when the wait ends; for a domain, the refresh also finds its other ready repeaters.
            vertx.setTimer(end.waitMs() + 1, t -> {
                returning.add(repeater);
                if (end.wholeDomain()) {
                    wake();
                } else {
                    drain();
                }
            });
        } else if (end.mayHaveMore() || seenReady) {
            returning.add(repeater);
        }
        drain();
    }
}
