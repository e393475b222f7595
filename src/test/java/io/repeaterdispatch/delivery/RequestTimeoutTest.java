package io.repeaterdispatch.delivery;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.dispatch.DeliverySlots;
import io.repeaterdispatch.dispatch.SlowRepeaters;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import io.repeaterdispatch.testsupport.TightLimitsProfile;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request that gets no answer within its repeater's timeout, through the whole stack: the attempt
 * is recorded as a timeout (no HTTP status), the record waits for its retry, and every slot the
 * batch held is free again while the endpoint still has not answered, so other repeaters are served.
 * The profile's bound is {@link TightLimitsProfile#MAX_IN_FLIGHT} slots and the hanging batch takes
 * them all; its endpoint answers only when the test lets it, after the checks.
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class RequestTimeoutTest extends IntegrationTest {

    private static final int FAILED = 2, SUCCEEDED = 4;
    private static final int ALL = TightLimitsProfile.MAX_IN_FLIGHT;

    @Inject
    DeliverySlots slots;
    @Inject
    SlowRepeaters slow;

    @Test
    void aTimedOutRequestIsRecordedAsATimeoutAndGivesItsSlotBack() {
        CompletableFuture<Reply> never = new CompletableFuture<>();
        receiver.answer("/hang", hit -> never);
        long hanging = createRepeater(Map.of("domain", "acme", "name", "hanging", "url", receiver.url("/hang"),
                "batchSize", ALL, "timeoutMs", 300));
        try {
            List<Long> ids = enqueue(hanging, ALL, "p");
            Await.until("every attempt recorded", () -> count("SELECT count(*) FROM repeat_record_attempt a "
                    + "JOIN repeat_record_all r ON r.id = a.record_id WHERE r.repeater_id = $1", hanging) == ALL);
            assertEquals(ALL, receiver.hits("/hang").size(), "the whole batch was sent at once");
            assertFalse(never.isDone(), "the endpoint has not answered");

            for (long id : ids) {
                Row attempt = sql("SELECT state, http_status, message FROM repeat_record_attempt WHERE record_id = $1", id).get(0);
                assertEquals(FAILED, attempt.getInteger("state"), "a timeout is a failed attempt");
                assertNull(attempt.getValue("http_status"), "no answer, no status");
                assertTrue(attempt.getString("message").startsWith("timeout"), "recorded as a timeout: " + attempt.getString("message"));
            }
            assertEquals(ALL, records(hanging, FAILED), "every record waits for its retry");
            // A refresh that saw the repeater ready while its batch ran gives it one more turn, which
            // holds the slots for its lock and (empty, backed-off) claim: wait for that to end.
            Await.until("every slot free again", () -> slots.inFlight() == 0);
            assertFalse(never.isDone(), "every slot free again while the endpoint still holds the requests");
            assertTrue(slow.isSlow(hanging), "a timeout marks the repeater slow");

            // The freed slots serve the next repeater: a whole batch of the bound's size needs every one of them.
            long healthy = createRepeater(Map.of("domain", "other", "name", "healthy", "url", receiver.url("/ok"),
                    "batchSize", ALL, "timeoutMs", 10_000));
            enqueue(healthy, ALL, "h");
            Await.until("the next repeater delivered", () -> records(healthy, SUCCEEDED) == ALL);
            assertEquals(ALL, receiver.hits("/ok").size());
        } finally {
            never.complete(Reply.of(200));
        }
    }
}
