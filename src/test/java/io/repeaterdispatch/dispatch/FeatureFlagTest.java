package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.store.ReadyRepeater;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-domain process-repeaters flag: which path delivers, and flipping it under load. */
@QuarkusTest
class FeatureFlagTest extends IntegrationTest {

    private static final int SUCCEEDED = 4;

    /** Counts attempts per path and which repeaters the per-repeater loop took turns on. */
    static final class PathCounter implements DispatchListener {
        final Map<Path, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final Set<Long> turns = ConcurrentHashMap.newKeySet();

        @Override
        public void attemptRecorded(Path path, long repeaterId, String domain, DeliveryResult result) {
            attempts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void turnStarted(ReadyRepeater repeater, int slots) {
            turns.add(repeater.id());
        }

        int of(Path path) {
            return attempts.getOrDefault(path, new AtomicInteger()).get();
        }
    }

    private void setFlag(String domain, boolean enabled) {
        api().body(Map.of("enabled", enabled)).put("/api/v1/domains/" + domain + "/flags/process-repeaters")
                .then().statusCode(200);
    }

    @Test
    void flagOffDomainsAreDeliveredRecordByRecordByTheLegacyPath() {
        PathCounter counter = listen(new PathCounter());
        setFlag("legacy-co", false);
        receiver.answer("/down", 500);
        long healthy = createRepeater("legacy-co", receiver.url("/ok"), 2);
        long down = createRepeater("legacy-co", receiver.url("/down"), 2);
        enqueue(healthy, 5, "h");
        enqueue(down, 4, "d");

        Await.until("healthy records delivered", () -> records(healthy, SUCCEEDED) == 5);
        // Legacy sends every due record on its own: no batch limit, no repeater backoff.
        Await.until("all 4 records to the dead endpoint tried", () -> receiver.hits("/down").size() == 4);
        Await.until("their attempts recorded", () -> count(
                "SELECT count(*) FROM repeat_record_all WHERE repeater_id = $1 AND attempt_count = 1", down) == 4);
        // Listeners hear of an attempt just after its write commits, so wait for them too.
        Await.until("9 legacy attempts heard", () -> counter.of(DispatchListener.Path.LEGACY) >= 9);
        assertNull(repeater(down).getValue("next_attempt_at"), "legacy path never backs a repeater off");
        assertEquals(0, repeater(down).getInteger("consecutive_failed_batches"));
        assertTrue(counter.turns.isEmpty(), "the per-repeater loop took no turn on legacy repeaters");
        assertEquals(9, counter.of(DispatchListener.Path.LEGACY));
        assertEquals(0, counter.of(DispatchListener.Path.REPEATER));
    }

    @Test
    void flippingTheFlagMidStreamDeliversEveryRecordExactlyOnce() {
        PathCounter counter = listen(new PathCounter());
        // Slow-ish answers keep requests in flight while the flag flips under them.
        receiver.answer("/sink", hit -> receiver.later(5, Reply.of(200)));
        List<Long> repeaters = List.of(
                createRepeater("flip", receiver.url("/sink"), 5),
                createRepeater("flip", receiver.url("/sink"), 5),
                createRepeater("flip", receiver.url("/sink"), 5));
        int perRepeater = 150;
        repeaters.forEach(r -> enqueue(r, perRepeater, "r" + r + "-"));
        int total = perRepeater * repeaters.size();

        boolean on = true;
        for (int flip = 0; flip < 8; flip++) {
            on = !on;
            setFlag("flip", on);
            int target = (flip + 1) * total / 10;
            Await.until(target + " delivered", () -> receiver.hits("/sink").size() >= target);
        }
        setFlag("flip", !on);
        Await.until("all delivered", () -> repeaters.stream().mapToLong(r -> records(r, SUCCEEDED)).sum() == total);

        List<TestReceiver.Hit> hits = receiver.hits("/sink");
        Map<String, Long> perPayload = hits.stream().collect(Collectors.groupingBy(TestReceiver.Hit::payloadId, Collectors.counting()));
        assertEquals(total, perPayload.size(), "every record arrived");
        assertEquals(total, hits.size(), "and none twice: " + perPayload.entrySet().stream()
                .filter(e -> e.getValue() > 1).map(Map.Entry::getKey).limit(5).toList());
        assertEquals(total, count("SELECT count(*) FROM repeat_record_attempt a JOIN repeat_record_all r ON r.id = a.record_id WHERE r.domain = 'flip'"));
        assertTrue(counter.of(DispatchListener.Path.LEGACY) > 0 && counter.of(DispatchListener.Path.REPEATER) > 0,
                "both paths delivered part of the stream: " + counter.attempts);
    }
}
