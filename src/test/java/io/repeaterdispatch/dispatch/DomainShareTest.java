package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import io.repeaterdispatch.testsupport.TightLimitsProfile;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A domain's share of the delivery slots under contention (6 slots, share 0.5: 3). A big domain
 * whose endpoint hangs would otherwise take every slot as its turns come round (and the slots a
 * small domain's answers free) and leave the small domain nothing until it answers; with the share
 * it holds at most 3 while the small domain has work, which is served throughout.
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class DomainShareTest extends IntegrationTest {

    private static final int SUCCEEDED = 4;

    @Test
    void whileOtherDomainsWaitADomainTakesNoMoreThanItsShare() {
        CompletableFuture<Reply> hangUp = new CompletableFuture<>();
        AtomicInteger hanging = new AtomicInteger();
        AtomicInteger mostHangingWhileSmallServed = new AtomicInteger();
        receiver.answer("/hang", hit -> {
            hanging.incrementAndGet();
            return hangUp;
        });
        receiver.answer("/small", hit -> {
            mostHangingWhileSmallServed.accumulateAndGet(hanging.get(), Math::max);
            return CompletableFuture.completedFuture(Reply.of(200));
        });
        long a1 = createRepeater("big", receiver.url("/hang"), 2);
        long a2 = createRepeater("big", receiver.url("/hang"), 2);
        long a3 = createRepeater("big", receiver.url("/hang"), 2);
        long small = createRepeater("small", receiver.url("/small"), 2);
        loop.stop(); // everything ready at once, as after a quiet spell
        for (long big : new long[]{a1, a2, a3}) {
            enqueue(big, 2, "b" + big + "-");
        }
        enqueue(small, 10, "s");
        try {
            loop.start();
            Await.until("the small domain served while the big one's requests hang", () -> records(small, SUCCEEDED) == 10);
            // Once the small domain has no more work, the big one may take every slot again: only
            // what it held while the small one was served counts.
            assertTrue(mostHangingWhileSmallServed.get() <= 3,
                    "the big domain held no more than its share (3 of 6): " + mostHangingWhileSmallServed.get() + " requests open");
        } finally {
            hangUp.complete(Reply.of(200));
        }
        Await.until("the big domain delivered once its endpoint answers", () -> records(a1, SUCCEEDED) + records(a2, SUCCEEDED)
                + records(a3, SUCCEEDED) == 6);
        assertEquals(6, receiver.hits("/hang").size());
    }
}
