package io.repeaterdispatch.dispatch;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shutdown with deliveries in flight on both paths: batches that answer within the grace are
 * recorded, nothing new starts, and what still hangs when the grace ends is handed back (due at
 * once, unclaimed, no attempt) with its repeater lock released; the abandoned requests' late
 * answers are fenced off. Its own profile (a 2 s grace) restarts Quarkus, since the drain stops
 * dispatch for good.
 */
@QuarkusTest
@TestProfile(ShutdownDrainTest.ShortGrace.class)
class ShutdownDrainTest extends IntegrationTest {

    public static class ShortGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dispatch.shutdown-grace", "2s");
        }
    }

    @Inject
    ShutdownDrain drain;
    @Inject
    DeliverySlots slots;
    @Inject
    DispatchConfig config;
    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void finishesWhatAnswersWithinTheGraceAndHandsBackWhatHangs() throws Exception {
        CompletableFuture<Reply> slow = new CompletableFuture<>();
        CompletableFuture<Reply> hang = new CompletableFuture<>();
        receiver.answer("/slow", hit -> slow);
        receiver.answer("/hang", hit -> hang);
        receiver.answer("/legacy-hang", hit -> hang);

        long finishing = createRepeater(Map.of("domain", "acme", "name", "finishing", "url", receiver.url("/slow"),
                "batchSize", 3, "timeoutMs", 60_000));
        long hanging = createRepeater(Map.of("domain", "acme", "name", "hanging", "url", receiver.url("/hang"),
                "batchSize", 2, "timeoutMs", 60_000));
        api().body(Map.of("enabled", false)).put("/api/v1/domains/old/flags/process-repeaters").then().statusCode(200);
        long legacy = createRepeater(Map.of("domain", "old", "name", "legacy", "url", receiver.url("/legacy-hang"),
                "batchSize", 1, "timeoutMs", 60_000));
        List<Long> finishingIds = enqueue(finishing, 4, "f"); // a batch of 3 in flight, 1 left for a next batch
        enqueue(hanging, 2, "h");
        enqueue(legacy, 1, "l");
        Await.until("all three in flight", () -> receiver.hits("/slow").size() == 3
                && receiver.hits("/hang").size() == 2 && receiver.hits("/legacy-hang").size() == 1);

        CompletableFuture<ShutdownDrain.Report> drained = CompletableFuture.supplyAsync(drain::drain);
        Await.until("dispatch stopped", drain::stopped);
        slow.complete(Reply.of(200)); // answers within the grace
        ShutdownDrain.Report report = drained.get(30, TimeUnit.SECONDS);

        assertEquals(new ShutdownDrain.Report(3, 3, 3, 1), report, "finished, abandoned, records handed back, locks released");

        // Finished within the grace: recorded. And no new batch started, though a record was left.
        assertEquals(3, records(finishing, 4));
        assertEquals(3, receiver.hits("/slow").size(), "no batch started after shutdown began");
        Row left = sql("SELECT * FROM repeat_record_all WHERE id = $1", finishingIds.get(3)).get(0);
        assertEquals(1, left.getInteger("state"));
        assertNull(left.getUUID("claim_token"));

        // Abandoned: due again now, unclaimed, no attempt counted.
        List<Row> handedBack = sql("SELECT * FROM repeat_record_all WHERE repeater_id IN ($1, $2) ORDER BY id", hanging, legacy);
        assertEquals(3, handedBack.size());
        for (Row r : handedBack) {
            assertEquals(1, r.getInteger("state"));
            assertNull(r.getUUID("claim_token"), "claim cleared");
            assertEquals(0, r.getInteger("attempt_count"));
            assertFalse(r.getOffsetDateTime("next_check").toInstant().isAfter(clock.now()),
                    "due now, not at the end of the " + config.claimLease() + " lease");
        }
        assertEquals(0, count("SELECT count(*) FROM repeat_record_all WHERE claim_token IS NOT NULL"), "no record left claimed");
        assertFalse(lockExists(finishing), "finished batch released its lock");
        assertFalse(lockExists(hanging), "abandoned batch's lock released at shutdown");

        // The abandoned requests answer late: their result writes are fenced off, record and repeater alike.
        hang.complete(Reply.of(500));
        Await.until("late answers processed", () -> slots.inFlight() == 0 && loop.activeTurns() == 0);
        for (Row r : sql("SELECT * FROM repeat_record_all WHERE repeater_id IN ($1, $2)", hanging, legacy)) {
            assertEquals(1, r.getInteger("state"));
            assertEquals(0, r.getInteger("attempt_count"));
        }
        assertEquals(0, count("SELECT count(*) FROM repeat_record_attempt a JOIN repeat_record_all r ON r.id = a.record_id "
                + "WHERE r.repeater_id IN ($1, $2)", hanging, legacy), "no late attempt rows");
        assertNull(repeater(hanging).getOffsetDateTime("next_attempt_at"), "a late all-failed batch does not back the repeater off");
        assertTrue(drain.stopped());
        assertEquals(report, drain.drain(), "a second drain (the real ShutdownEvent) only reports the first");
    }

    private boolean lockExists(long repeaterId) {
        String key = config.lock().keyPrefix() + "lock:repeater:" + repeaterId;
        return redis.execute("EXISTS", key).await().atMost(Duration.ofSeconds(5)).toLong() == 1L;
    }
}
