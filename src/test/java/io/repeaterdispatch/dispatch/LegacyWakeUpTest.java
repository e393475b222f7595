package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The legacy path's own wake-up, with the tick out of the way (test profile): a poll that found
 * every delivery slot taken must run again when a slot frees, not wait for the next tick.
 */
@QuarkusTest
class LegacyWakeUpTest extends IntegrationTest {

    private static final int SUCCEEDED = 4;

    @Inject
    DispatchConfig config;
    @Inject
    DeliverySlots slots;
    @Inject
    HeldClaims held;

    @Test
    void aLegacyPollTurnedAwayForWantOfSlotsRunsWhenASlotFrees() {
        // Two per-repeater batches that hang at the receiver take every slot of the process.
        int batch = config.maxInFlight() / 2;
        assertTrue(batch <= config.maxBatchSize() && 2 * batch == config.maxInFlight(), "two whole batches fill the slots");
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        receiver.answer("/hold", hit -> answer);

        // The legacy record first, paused, so that every notification of it is long handled when
        // its repeater is resumed: the resume's own nudge is then the only one it gets.
        api().body(Map.of("enabled", false)).put("/api/v1/domains/legacy-co/flags/process-repeaters").then().statusCode(200);
        long legacy = createRepeater("legacy-co", receiver.url("/legacy"), 1);
        api().post("/api/v1/repeaters/" + legacy + "/pause").then().statusCode(200);
        enqueue(legacy, 1, "l");

        for (int i = 0; i < 2; i++) {
            long busy = createRepeater(Map.of("domain", "busy-co", "name", "busy-" + i, "url", receiver.url("/hold"),
                    "batchSize", batch, "timeoutMs", 120_000));
            enqueue(busy, batch, "b" + i + "-");
        }
        Await.until("every slot taken by the hanging batches", Await.DEFAULT, () -> slots.free() == 0 && held.records() == 2 * batch,
                () -> "free slots " + slots.free() + ", records claimed " + held.records());

        // Its nudge finds no free slot.
        api().post("/api/v1/repeaters/" + legacy + "/resume").then().statusCode(200);
        assertEquals(0, receiver.hits("/legacy").size());

        answer.complete(Reply.of(200));
        Await.until("the legacy record delivered once slots freed", () -> records(legacy, SUCCEEDED) == 1);
        assertEquals(1, receiver.hits("/legacy").size());
    }
}
