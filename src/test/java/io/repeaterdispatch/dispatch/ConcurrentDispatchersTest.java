package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two dispatchers (the application's own loop and a second one with its own slots and rotation,
 * as another replica would have) work the same repeater at once. The Redis lock must keep their
 * batches from overlapping: the receiver never sees more than one batch's worth of requests open.
 */
@QuarkusTest
class ConcurrentDispatchersTest extends IntegrationTest {

    @Inject
    SecondDispatcher second;


    @Test
    void twoDispatchersNeverSendConcurrentBatchesToOneRepeater() {
        RepeaterDispatchLoop other = second.create();

        AtomicInteger skipped = new AtomicInteger();
        listen(new DispatchListener() {
            @Override
            public void lockSkipped(long repeaterId) {
                skipped.incrementAndGet();
            }
        });
        // Every arrival wakes both dispatchers while the sender's lock is held: the other one must
        // find the repeater ready and try to take it.
        receiver.answer("/slow", hit -> {
            loop.wake();
            other.wake();
            return receiver.later(20, Reply.of(200));
        });
        int batch = 4;
        long repeater = createRepeater("acme", receiver.url("/slow"), batch);
        other.start();
        try {
            enqueue(repeater, 60, "p");
            Await.until("all delivered", () -> records(repeater, 4) == 60);
        } finally {
            other.stop();
            // Its turns are not the application's, so the next test's wait for an idle dispatcher cannot see them.
            Await.until("the second dispatcher's turns ended", () -> other.activeTurns() == 0 && !other.refreshing());
        }
        assertTrue(receiver.maxConcurrent("/slow") <= batch,
                "at most one batch in flight: " + receiver.maxConcurrent("/slow"));
        assertEquals(60, receiver.hits("/slow").stream().map(TestReceiver.Hit::payloadId).distinct().count());
        assertEquals(60, receiver.hits("/slow").size(), "no record sent twice");
        assertTrue(skipped.get() > 0, "the dispatchers did contend for the lock");
    }
}
