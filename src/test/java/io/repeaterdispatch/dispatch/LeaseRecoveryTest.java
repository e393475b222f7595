package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.store.RecordResult;
import io.repeaterdispatch.store.ResultWriter;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A worker that dies mid-batch loses nothing: its leased records come back when the lease ends
 * and are delivered; if it wakes up later and writes its stale results, the claim token fences
 * them off.
 */
@QuarkusTest
class LeaseRecoveryTest extends IntegrationTest {

    @Inject
    DispatchConfig config;
    @Inject
    ResultWriter writer;

    @Test
    void recordsLeasedByADeadWorkerAreDeliveredAfterTheLeaseAndItsLateWriteIsFencedOff() {
        long repeater = createRepeater("acme", receiver.url("/ok"), 7);
        api().post("/api/v1/repeaters/" + repeater + "/pause").then().statusCode(200);
        List<Long> ids = enqueue(repeater, 3, "p");

        // The dead worker's claim: exactly what RecordClaims writes, then nothing ever again.
        UUID deadToken = UUID.randomUUID();
        Instant leaseEnd = clock.now().plus(config.claimLease());
        sql("UPDATE repeat_record SET lease_until = $1, claim_token = $2 WHERE repeater_id = $3",
                leaseEnd.atOffset(ZoneOffset.UTC), deadToken, repeater);
        api().post("/api/v1/repeaters/" + repeater + "/resume").then().statusCode(200);

        // While leased, nobody sends them: a sentinel gets through, the leased records do not.
        long sentinel = createRepeater("acme", receiver.url("/sentinel"), 1);
        enqueue(sentinel, 1, "s");
        Await.until("sentinel delivered", () -> records(sentinel, 4) == 1);
        assertEquals(0, receiver.hits("/ok").size(), "leased records are not sent while the lease lasts");

        advance(config.claimLease().plus(Duration.ofMinutes(1)));
        Await.until("delivered after the lease ended", () -> records(repeater, 4) == 3);
        assertEquals(3, receiver.hits("/ok").size());

        // The dead worker comes back and reports failures with its old token: nothing changes.
        Instant now = clock.now();
        List<RecordResult> stale = ids.stream().map(id -> new RecordResult(
                new DeliveryResult(id, RecordState.FAILED, 500, "stale", now, 1, null), RecordState.FAILED, now.plusSeconds(60))).toList();
        int written = writer.write(new io.repeaterdispatch.store.BatchOutcome(deadToken, stale, null), now).await().atMost(Duration.ofSeconds(10));
        assertEquals(0, written, "stale results are fenced off");
        assertEquals(3, records(repeater, 4), "records stay succeeded");
        assertEquals(3, count("SELECT count(*) FROM repeat_record_attempt a JOIN repeat_record_all r ON r.id = a.record_id WHERE r.repeater_id = $1", repeater),
                "no stale attempt rows");
    }
}
