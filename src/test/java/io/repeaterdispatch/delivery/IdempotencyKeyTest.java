package io.repeaterdispatch.delivery;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Hit;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every delivery carries {@code Idempotency-Key: rr-<record id>}, the same on every retry of a
 * record, so a receiver can drop the duplicates that at-least-once delivery sends.
 */
@QuarkusTest
class IdempotencyKeyTest extends IntegrationTest {

    private static final int FAILED = 2, SUCCEEDED = 4;

    @Test
    void theReceiverSeesOneKeyPerRecordOnTheFirstAttemptAndOnTheRetry() {
        // The first attempt of each record fails; the retry succeeds.
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        receiver.answer("/idem", hit -> CompletableFuture.completedFuture(Reply.of(seen.add(hit.recordId()) ? 503 : 200)));
        long repeater = createRepeater("acme", receiver.url("/idem"), 2);
        List<Long> ids = enqueue(repeater, 2, "p");
        Await.until("both first attempts failed", () -> records(repeater, FAILED) == 2
                && repeater(repeater).getInteger("consecutive_failed_batches") == 1);

        advance(Duration.ofHours(2)); // past the repeater's backoff (1 h in tests) and the records' wait
        Await.until("both retried and delivered", () -> records(repeater, SUCCEEDED) == 2);

        List<Hit> hits = receiver.hits("/idem");
        assertEquals(4, hits.size(), "two attempts per record: " + hits);
        for (long id : ids) {
            List<String> keys = hits.stream().filter(h -> h.recordId() == id).map(Hit::idempotencyKey).toList();
            assertEquals(List.of("rr-" + id, "rr-" + id), keys, "record " + id + ": the same key on the first attempt and the retry");
        }
    }
}
