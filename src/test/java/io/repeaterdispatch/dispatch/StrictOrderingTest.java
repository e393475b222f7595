package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Hit;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A repeater with {@code "ordering": "strict"} sends one record at a time, in the order registered,
 * and a record that fails blocks the ones behind it until it succeeds, is cancelled or is rejected.
 * Every test judges from the receiver's log only: the records' first arrivals are in id order, a
 * record arrives again only before any later one (a retry of the head), and never two at once.
 */
@QuarkusTest
class StrictOrderingTest extends IntegrationTest {

    private static final int SUCCEEDED = 4, CANCELLED = 8, INVALID = 32;

    @Inject
    SecondDispatcher second;
    @Inject
    DispatchConfig config;

    @Test
    void aFailingRecordBlocksTheRecordsBehindItUntilItSucceeds() {
        AtomicInteger refusals = new AtomicInteger(2);
        receiver.answer("/in-order", hit -> CompletableFuture.completedFuture(
                hit.payloadId().equals("s1") && refusals.getAndDecrement() > 0 ? Reply.of(500) : Reply.of(200)));
        long repeater = strictRepeater("acme", "/in-order");
        List<Long> ids = enqueue(repeater, 5, "s");

        Await.until("s0 delivered and s1 refused", () -> records(repeater, SUCCEEDED) == 1 && attempts(ids.get(1)) == 1);
        step(); // a tick: nothing behind the failed head may go, whatever the dispatcher looks at
        assertEquals(List.of("s0", "s1"), payloadIds("/in-order"), "nothing behind the failed head was sent");

        advance(Duration.ofHours(2)); // past the repeater's backoff and the record's own wait
        Await.until("s1 refused again", () -> attempts(ids.get(1)) == 2);
        assertEquals(List.of("s0", "s1", "s1"), payloadIds("/in-order"));

        advance(Duration.ofHours(12)); // the backoff has doubled: twice the time since the last failure
        Await.until("the rest delivered", () -> records(repeater, SUCCEEDED) == 5);
        assertEquals(List.of("s0", "s1", "s1", "s1", "s2", "s3", "s4"), payloadIds("/in-order"));
        assertEquals(1, receiver.maxConcurrent("/in-order"), "one request in flight at a time");
    }

    @Test
    void aCancelledHeadOrAnInvalidPayloadLetsTheRecordsBehindItGo() {
        receiver.answer("/cancel", hit -> CompletableFuture.completedFuture(Reply.of(hit.payloadId().equals("c0") ? 503 : 200)));
        receiver.answer("/invalid", hit -> CompletableFuture.completedFuture(Reply.of(hit.payloadId().equals("i0") ? 422 : 200)));
        long cancelling = strictRepeater("acme", "/cancel");
        long rejecting = strictRepeater("acme", "/invalid");
        List<Long> cancelled = enqueue(cancelling, 3, "c");
        enqueue(rejecting, 3, "i");

        Await.until("the invalid head rejected and the rest delivered", () -> records(rejecting, INVALID) == 1
                && records(rejecting, SUCCEEDED) == 2);
        assertEquals(List.of("i0", "i1", "i2"), payloadIds("/invalid"));
        Await.until("the failing head tried", () -> attempts(cancelled.get(0)) == 1);
        assertEquals(List.of("c0"), payloadIds("/cancel"));

        // The operator gives up on the head (and ends the backoff): the records behind it go now, not
        // at the head's own retry time, which was still ahead.
        api().post("/api/v1/records/" + cancelled.get(0) + "/cancel").then().statusCode(200);
        clearBackoff(cancelling);
        Await.until("the rest delivered", () -> records(cancelling, SUCCEEDED) == 2);
        assertEquals(1, records(cancelling, CANCELLED));
        assertEquals(List.of("c0", "c1", "c2"), payloadIds("/cancel"));
    }

    @Test
    void twoDispatchersSendOneRecordAtATimeInOrder() {
        RepeaterDispatchLoop other = second.create();
        receiver.answer("/two", hit -> {
            // each arrival wakes both dispatchers while the turn holds the repeater
            loop.wake();
            other.wake();
            return receiver.later(5, Reply.of(200));
        });
        long repeater = strictRepeater("acme", "/two");
        other.start();
        try {
            enqueue(repeater, 40, "t");
            Await.until("all delivered", () -> records(repeater, SUCCEEDED) == 40);
        } finally {
            other.stop();
            Await.until("the second dispatcher's turns ended", () -> other.activeTurns() == 0 && !other.refreshing());
        }
        assertInOrder("/two", 40);
        assertEquals(40, receiver.hits("/two").size(), "none sent twice");
    }

    @Test
    void aHeadLeasedByADeadWorkerHoldsTheQueueUntilItsLeaseEndsAndGoesFirst() {
        receiver.answer("/leased", 200);
        long repeater = strictRepeater("acme", "/leased");
        api().post("/api/v1/repeaters/" + repeater + "/pause").then().statusCode(200);
        List<Long> ids = enqueue(repeater, 4, "l");
        // A worker claimed the head and died: its lease runs on, the records behind it are due.
        sql("UPDATE repeat_record SET lease_until = $1, claim_token = $2 WHERE id = $3",
                clock.now().plus(config.claimLease()).atOffset(ZoneOffset.UTC), UUID.randomUUID(), ids.get(0));
        api().post("/api/v1/repeaters/" + repeater + "/resume").then().statusCode(200);
        step();
        step();
        assertEquals(0, receiver.hits("/leased").size(), "nothing overtakes a head that a lease still holds");

        advance(config.claimLease().plusSeconds(1));
        Await.until("all delivered after the lease", () -> records(repeater, SUCCEEDED) == 4);
        assertEquals(List.of("l0", "l1", "l2", "l3"), payloadIds("/leased"));
        assertInOrder("/leased", 4);
    }

    @Test
    void theLegacyPathKeepsStrictOrderToo() {
        api().body(Map.of("enabled", false)).put("/api/v1/domains/legacy-co/flags/process-repeaters").then().statusCode(200);
        AtomicInteger refusals = new AtomicInteger(1);
        receiver.answer("/legacy", hit -> CompletableFuture.completedFuture(
                hit.payloadId().equals("g0") && refusals.getAndDecrement() > 0 ? Reply.of(500) : Reply.of(200)));
        long repeater = strictRepeater("legacy-co", "/legacy");
        List<Long> ids = enqueue(repeater, 4, "g");
        Await.until("the head refused", () -> attempts(ids.get(0)) == 1);
        step();
        step();
        assertEquals(List.of("g0"), payloadIds("/legacy"), "the legacy path sends nothing behind a failed head");

        advance(Duration.ofHours(2));
        Await.until("all delivered", () -> {
            step();
            return records(repeater, SUCCEEDED) == 4;
        });
        assertEquals(List.of("g0", "g0", "g1", "g2", "g3"), payloadIds("/legacy"));
        assertEquals(1, receiver.maxConcurrent("/legacy"));
    }

    @Test
    void orderingIsShownChangedAndCheckedByTheApi() {
        long repeater = strictRepeater("acme", "/api");
        api().get("/api/v1/repeaters/" + repeater).then().statusCode(200).body("ordering", equalTo("strict"));
        long plain = createRepeater("acme", receiver.url("/api"), 3);
        api().get("/api/v1/repeaters/" + plain).then().statusCode(200).body("ordering", equalTo("parallel"));

        api().body(Map.of("ordering", "fifo")).patch("/api/v1/repeaters/" + plain).then().statusCode(400)
                .body("errors[0].field", equalTo("ordering"));
        api().body(Map.of("ordering", "strict")).patch("/api/v1/repeaters/" + plain).then().statusCode(200)
                .body("ordering", equalTo("strict"));
        api().body(Map.of("domain", "acme", "name", "bad", "url", receiver.url("/api"), "ordering", "random")).post("/api/v1/repeaters")
                .then().statusCode(400).body("errors[0].field", equalTo("ordering"));
        api().body("{\"ordering\": null}").patch("/api/v1/repeaters/" + plain).then().statusCode(400);
        api().body(Map.of("ordering", "parallel")).patch("/api/v1/repeaters/" + plain).then().statusCode(200)
                .body("ordering", equalTo("parallel"));
    }

    @Test
    void leavingStrictOrderLetsTheRecordsBehindAWaitingHeadGoAtOnce() {
        receiver.answer("/leave", hit -> CompletableFuture.completedFuture(Reply.of(hit.payloadId().equals("v0") ? 500 : 200)));
        long repeater = strictRepeater("acme", "/leave");
        List<Long> ids = enqueue(repeater, 3, "v");
        Await.until("the head answered", () -> attempts(ids.get(0)) == 1);
        step();
        assertEquals(List.of("v0"), payloadIds("/leave"));

        api().body(Map.of("ordering", "parallel")).patch("/api/v1/repeaters/" + repeater).then().statusCode(200);
        clearBackoff(repeater);
        Await.until("the records behind it delivered", () -> records(repeater, SUCCEEDED) == 2);
    }

    private long strictRepeater(String domain, String path) {
        return createRepeater(Map.of("domain", domain, "name", "strict-" + System.nanoTime(), "url", receiver.url(path),
                "batchSize", 7, "timeoutMs", 10_000, "ordering", "strict"));
    }

    /** Ends the repeater's backoff, as its time running out would. */
    private void clearBackoff(long repeater) {
        sql("UPDATE repeater SET next_attempt_at = NULL WHERE id = $1", repeater);
        loop.wake();
    }

    private long attempts(long recordId) {
        return count("SELECT count(*) FROM repeat_record_attempt WHERE record_id = $1", recordId);
    }

    private List<String> payloadIds(String path) {
        return receiver.hits(path).stream().sorted(java.util.Comparator.comparingInt(Hit::seq)).map(Hit::payloadId).toList();
    }

    /**
     * From the receiver's log alone: each record first arrives after every earlier one has, a record
     * arrives again only before any later one has (the head's retry), and never two at once.
     */
    private void assertInOrder(String path, int expected) {
        List<Hit> hits = receiver.hits(path).stream().sorted(java.util.Comparator.comparingInt(Hit::seq)).toList();
        long last = Long.MIN_VALUE;
        Map<Long, Boolean> seen = new ConcurrentHashMap<>();
        for (Hit hit : hits) {
            assertTrue(hit.recordId() >= last, "record " + hit.recordId() + " arrived after record " + last + ": " + hits);
            last = hit.recordId();
            seen.put(hit.recordId(), true);
        }
        if (expected >= 0) {
            assertEquals(expected, seen.size());
        }
        assertEquals(1, receiver.maxConcurrent(path), "one request in flight at a time");
    }
}
