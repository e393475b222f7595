package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.store.ReadyRepeater;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DomainRoundRobinTest {

    private static ReadyRepeater r(long id, String domain) {
        return new ReadyRepeater(id, domain, 7);
    }

    private static List<String> drain(DomainRoundRobin rotation, Set<Long> busy) {
        List<String> order = new ArrayList<>();
        for (ReadyRepeater next; (next = rotation.next(busy::contains)) != null; ) {
            order.add(next.domain() + next.id());
        }
        return order;
    }

    @Test
    void oneRepeaterPerDomainPerTurn() {
        DomainRoundRobin rotation = new DomainRoundRobin();
        List<ReadyRepeater> ready = new ArrayList<>();
        for (long i = 1; i <= 5; i++) {
            ready.add(r(i, "big"));
        }
        ready.add(r(10, "small"));
        ready.add(r(20, "mid"));
        ready.add(r(21, "mid"));
        rotation.replaceWith(ready);
        assertEquals(List.of("big1", "small10", "mid20", "big2", "mid21", "big3", "big4", "big5"), drain(rotation, Set.of()));
    }

    @Test
    void busyRepeatersAreSkippedAndDropped() {
        DomainRoundRobin rotation = new DomainRoundRobin();
        rotation.replaceWith(List.of(r(1, "a"), r(2, "a"), r(3, "b")));
        assertEquals(List.of("a2", "b3"), drain(rotation, Set.of(1L)));
        assertNull(rotation.next(id -> false));
    }

    @Test
    void refreshKeepsTheTurnOrderOfKnownDomains() {
        DomainRoundRobin rotation = new DomainRoundRobin();
        rotation.replaceWith(List.of(r(1, "a"), r(2, "a"), r(3, "b"), r(4, "c")));
        ReadyRepeater first = rotation.next(id -> false);
        assertEquals("a1", first.domain() + first.id()); // a served: now b, c, a
        rotation.replaceWith(List.of(r(2, "a"), r(5, "d"), r(4, "c"), r(3, "b")));
        assertEquals(List.of("b3", "c4", "a2", "d5"), drain(rotation, Set.of()));
    }

    @Test
    void returningRepeatersQueueBehindTheirDomainOnceOnly() {
        DomainRoundRobin rotation = new DomainRoundRobin();
        rotation.replaceWith(List.of(r(1, "a"), r(2, "b")));
        rotation.offer(r(1, "a"));
        rotation.offer(r(3, "a"));
        assertEquals(2 + 1, rotation.size());
        assertEquals(List.of("a1", "b2", "a3"), drain(rotation, Set.of()));
    }
}
