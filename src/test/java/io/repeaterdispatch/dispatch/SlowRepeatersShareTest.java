package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Endpoints that hang cannot take the slots healthy repeaters need: once a repeater's batch was slow
 * (a request took dispatch.slow.threshold, 1 s in tests, or timed out), its turns take slots from
 * the slow share only, so all slow repeaters together hold at most dispatch.slow.max-in-flight
 * requests, however many records they have, while a healthy repeater is served beside them. The
 * slow endpoints answer 200 after 1.2 s, so nothing backs off and every record still goes out.
 */
@QuarkusTest
class SlowRepeatersShareTest extends IntegrationTest {

    @Inject
    DispatchConfig config;
    @Inject
    SlowRepeaters slow;

    @Test
    void repeatersThatTimedOutShareTheSlowSlotsOnly() {
        int share = config.slow().maxInFlight();
        int hanging = 5;
        int batch = 20;
        assertTrue(hanging * batch > share + batch, "the demand must exceed the share for the test to mean anything");
        assertTrue(config.slow().threshold().toMillis() < 1_200, "the endpoints must be slower than the threshold");
        receiver.answer("/slow", hit -> receiver.later(1_200, Reply.of(200)));
        long[] ids = new long[hanging];
        for (int i = 0; i < hanging; i++) {
            ids[i] = createRepeater(Map.of("domain", "slow" + i, "name", "s" + i, "url", receiver.url("/slow"),
                    "batchSize", batch, "timeoutMs", 10_000));
        }
        // Round 1: nothing is known about them yet; every request is slow and marks its repeater.
        for (long id : ids) {
            enqueue(id, batch, "a");
        }
        Await.until("every first-round record delivered",
                () -> count("SELECT count(*) FROM repeat_record_all WHERE state = 4") == (long) hanging * batch);
        for (long id : ids) {
            Await.until("repeater " + id + " marked slow", () -> slow.isSlow(id));
        }

        // Round 2: fresh records make them all ready at the same moment (paused while enqueueing, resumed
        // in one statement), alongside a healthy repeater.
        AtomicInteger open = new AtomicInteger();
        AtomicInteger maxOpen = new AtomicInteger();
        listen(new DispatchListener() {
            @Override
            public void requestStarted(Path path) {
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            }

            @Override
            public void requestEnded(Path path) {
                open.decrementAndGet();
            }
        });
        for (long id : ids) {
            api().post("/api/v1/repeaters/" + id + "/pause").then().statusCode(200);
            enqueue(id, batch, "b");
        }
        long healthy = createRepeater("healthy", receiver.url("/ok"), 7);
        sql("UPDATE repeater SET is_paused = false");
        loop.wake();
        enqueue(healthy, 21, "h");
        Await.until("every second-round record delivered",
                () -> count("SELECT count(*) FROM repeat_record_all WHERE state = 4 AND payload_id LIKE 'b%'") == (long) hanging * batch);
        Await.until("the healthy repeater delivered", () -> records(healthy, 4) == 21);

        assertEquals(2 * hanging * batch, receiver.hits("/slow").size(), "every slow record was sent once, in turns");
        // The healthy repeater adds at most one batch of its own beside the slow share.
        assertTrue(maxOpen.get() <= share + 7, "slow repeaters held at most the slow share: " + maxOpen.get() + " > " + share + " + 7");
        assertTrue(maxOpen.get() >= share, "the share was used up, so the bound was what held them: " + maxOpen.get());
    }
}
