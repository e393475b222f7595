package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import io.repeaterdispatch.testsupport.TightLimitsProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * dispatch.max-in-flight bounds the whole process: many repeaters, each ready with more records
 * than a batch, never have more requests open at the endpoint together than the bound, and the
 * bound is reached (so it is what held them). The endpoint holds every request until the bound's
 * worth are open, then answers them all; requests that cannot make a full group (the last ones)
 * are answered after a short while.
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class MaxInFlightTest extends IntegrationTest {

    private static final int BOUND = TightLimitsProfile.MAX_IN_FLIGHT;
    private static final int REPEATERS = 10;
    private static final int BATCH = 3; // two whole batches fill the bound
    private static final int PER_REPEATER = 6;

    @Inject
    DispatchConfig config;
    @Inject
    DeliverySlots slots;
    @Inject
    Vertx vertx;

    /** Answers held requests once {@code group} are open; a request left waiting is answered after {@code patienceMs}. */
    static final class Group {
        private final int group;
        private final long patienceMs;
        private final Vertx vertx;
        private final List<CompletableFuture<Reply>> waiting = new ArrayList<>();

        Group(int group, long patienceMs, Vertx vertx) {
            this.group = group;
            this.patienceMs = patienceMs;
            this.vertx = vertx;
        }

        synchronized CompletableFuture<Reply> arrive() {
            CompletableFuture<Reply> reply = new CompletableFuture<>();
            waiting.add(reply);
            if (waiting.size() >= group) {
                waiting.forEach(w -> w.complete(Reply.of(200)));
                waiting.clear();
            } else {
                vertx.setTimer(patienceMs, t -> release(reply));
            }
            return reply;
        }

        private synchronized void release(CompletableFuture<Reply> reply) {
            waiting.remove(reply);
            reply.complete(Reply.of(200));
        }
    }

    @Test
    void manyRepeatersNeverHaveMoreRequestsOpenThanTheProcessBound() {
        assertEquals(BOUND, config.maxInFlight());
        Group group = new Group(BOUND, 300, vertx);
        receiver.answer("/bound", hit -> group.arrive());
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < REPEATERS; i++) {
            long id = createRepeater(Map.of("domain", "d" + i % 4, "name", "b" + i, "url", receiver.url("/bound"),
                    "batchSize", BATCH, "timeoutMs", 60_000));
            ids.add(id);
            api().post("/api/v1/repeaters/" + id + "/pause").then().statusCode(200);
            enqueue(id, PER_REPEATER, "r" + i + "-");
        }
        // All become ready in one statement, so the loop sees ten repeaters wanting 30 slots at once.
        sql("UPDATE repeater SET is_paused = false WHERE id = ANY($1)", (Object) ids.toArray(Long[]::new));
        loop.wake();

        int total = REPEATERS * PER_REPEATER;
        Await.until("every record delivered", () -> count("SELECT count(*) FROM repeat_record_all WHERE state = 4") == total);
        assertEquals(total, receiver.hits("/bound").size(), "each record sent once");
        assertEquals(total, receiver.hits("/bound").stream().map(TestReceiver.Hit::recordId).distinct().count());
        assertEquals(BOUND, receiver.maxConcurrent("/bound"),
                "at most the process bound open at the endpoint, and the bound reached");
        Await.until("every slot back", () -> slots.inFlight() == 0);
    }
}
