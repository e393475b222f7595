package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With the test profile's tick an hour away, only PostgreSQL's enqueue notification can wake this
 * process for a record another replica inserted (an insert by SQL here: it nudges nothing
 * in-process).
 */
@QuarkusTest
class EnqueueNotificationsTest extends IntegrationTest {

    @Test
    void aRecordEnqueuedElsewhereIsPickedUpWithoutWaitingForATick() {
        long repeater = createRepeater("acme", receiver.url("/hook"), 5);
        for (int i = 1; i <= 3; i++) {
            sql("INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check) "
                    + "VALUES ('acme', $1, $2, '{}', 1, now(), now())", repeater, "other-replica-" + i);
            int expected = i;
            Await.until("record " + i + " delivered", () -> receiver.hits("/hook").size() == expected);
        }
        assertEquals(3, receiver.hits("/hook").stream().map(h -> h.payloadId()).distinct().count());
    }
}
