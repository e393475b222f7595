package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import io.repeaterdispatch.testsupport.TightLimitsProfile;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A request that outlasts its claim lease is not sent a second time: while it runs, the lease
 * heartbeat keeps pushing the record's lease past the dispatch clock. Shown on the legacy path,
 * which takes no repeater lock, so the lease alone keeps a second sender away. Time moves on the
 * settable clock; each renewal is waited for in the database.
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class LeaseRenewalTest extends IntegrationTest {

    @Test
    void aRequestThatOutlastsItsLeaseIsSentOnce() {
        api().body(Map.of("enabled", false)).put("/api/v1/domains/slowco/flags/process-repeaters").then().statusCode(200);
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        receiver.answer("/slow", hit -> answer);
        long repeater = createRepeater("slowco", receiver.url("/slow"), 1);
        long record = enqueue(repeater, 1, "p").get(0);
        Await.until("the request is at the endpoint", () -> receiver.hits("/slow").size() == 1);

        for (int lease = 1; lease <= 3; lease++) {
            clock.advance(TightLimitsProfile.CLAIM_LEASE);
            Instant now = clock.now();
            Await.until("lease " + lease + " renewed past the clock", () -> nextCheck(record).toInstant().isAfter(now));
            step(); // both paths look for due records, as the tick would: this one is not due
        }
        assertEquals(1, receiver.hits("/slow").size(), "sent once, though its first lease ended three leases ago");

        answer.complete(Reply.of(200));
        Await.until("delivered", () -> records(repeater, 4) == 1);
        assertEquals(1, count("SELECT count(*) FROM repeat_record_attempt WHERE record_id = $1", record), "one attempt");
        assertEquals(1, receiver.hits("/slow").size());
    }

    private OffsetDateTime nextCheck(long record) {
        OffsetDateTime at = sql("SELECT next_check FROM repeat_record_all WHERE id = $1", record).get(0).getOffsetDateTime(0);
        return at == null ? OffsetDateTime.MAX : at;
    }
}
