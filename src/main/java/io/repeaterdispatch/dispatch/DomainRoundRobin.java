package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.store.ReadyRepeater;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The rotation of ready repeaters: one repeater per domain per turn, domains in a fixed cycle, so
 * a domain with 10,000 ready repeaters waits its turn like a domain with one. The map's iteration
 * order is the rotation; a served domain moves to the back. Not thread-safe: the dispatch loop
 * only touches it from its serialized drain.
 */
final class DomainRoundRobin {

    private final LinkedHashMap<String, ArrayDeque<ReadyRepeater>> byDomain = new LinkedHashMap<>();
    private final Set<Long> queued = new HashSet<>();

    /** Replaces the contents with a fresh ready list, keeping the turn order of domains still present. */
    void replaceWith(List<ReadyRepeater> ready) {
        LinkedHashMap<String, ArrayDeque<ReadyRepeater>> previous = new LinkedHashMap<>(byDomain);
        byDomain.clear();
        queued.clear();
        previous.keySet().forEach(domain -> byDomain.put(domain, new ArrayDeque<>()));
        ready.forEach(this::offer);
        byDomain.values().removeIf(ArrayDeque::isEmpty);
    }

    /** Queues a repeater at the back of its domain (a new domain joins at the back of the cycle). */
    void offer(ReadyRepeater repeater) {
        if (queued.add(repeater.id())) {
            byDomain.computeIfAbsent(repeater.domain(), d -> new ArrayDeque<>()).addLast(repeater);
        }
    }

    /** The repeater {@link #next} would return, left in place (busy ones ahead of it are dropped); null when none. */
    ReadyRepeater peek(LongPredicate busy) {
        Iterator<Map.Entry<String, ArrayDeque<ReadyRepeater>>> domains = byDomain.entrySet().iterator();
        while (domains.hasNext()) {
            ArrayDeque<ReadyRepeater> repeaters = domains.next().getValue();
            while (!repeaters.isEmpty() && busy.test(repeaters.peekFirst().id())) {
                queued.remove(repeaters.pollFirst().id());
            }
            if (!repeaters.isEmpty()) {
                return repeaters.peekFirst();
            }
            domains.remove();
        }
        return null;
    }

    /** Next repeater in turn, skipping (and dropping) busy ones; null when none is left. */
    ReadyRepeater next(LongPredicate busy) {
        Iterator<Map.Entry<String, ArrayDeque<ReadyRepeater>>> domains = byDomain.entrySet().iterator();
        while (domains.hasNext()) {
            Map.Entry<String, ArrayDeque<ReadyRepeater>> turn = domains.next();
            ArrayDeque<ReadyRepeater> repeaters = turn.getValue();
            ReadyRepeater candidate = null;
            while (candidate == null && !repeaters.isEmpty()) {
                ReadyRepeater r = repeaters.pollFirst();
                queued.remove(r.id());
                if (!busy.test(r.id())) {
                    candidate = r;
                }
            }
            domains.remove();
            if (candidate != null) {
                if (!repeaters.isEmpty()) {
                    byDomain.put(turn.getKey(), repeaters); // to the back of the cycle
                }
                return candidate;
            }
        }
        return null;
    }

    /** Whether repeaters of a domain other than {@code domain} wait in the rotation. */
    boolean othersWaiting(String domain) {
        return byDomain.size() > (byDomain.containsKey(domain) ? 1 : 0);
    }

    int size() {
        return queued.size();
    }
}
