package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TightLimitsProfile;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The enqueue listener survives losing its connection: after PostgreSQL terminates the LISTEN
 * backend, the listener connects and listens again by itself, and a record another replica inserts
 * afterwards (an insert by SQL: it nudges nothing in-process) is still picked up without a tick
 * (an hour away in this profile).
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class EnqueueNotificationsReconnectTest extends IntegrationTest {

    private static final String LISTENERS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            + "AND backend_type = 'client backend' AND query ILIKE 'LISTEN%" + EnqueueNotifications.CHANNEL + "%'";

    private List<Integer> listeners() {
        return sql(LISTENERS).stream().map(row -> row.getInteger("pid")).toList();
    }

    private void insertElsewhere(long repeater, String payloadId) {
        sql("INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check) "
                + "VALUES ('acme', $1, $2, '{}', 1, now(), now())", repeater, payloadId);
    }

    @Test
    void aLaterEnqueueIsStillPickedUpAfterTheListenConnectionIsKilled() {
        long repeater = createRepeater("acme", receiver.url("/hook"), 5);
        Await.until("the listener is listening", () -> listeners().size() == 1);
        int before = listeners().get(0);
        insertElsewhere(repeater, "before");
        Await.until("picked up before the kill", () -> receiver.hits("/hook").size() == 1);

        List<Row> killed = sql("SELECT pg_terminate_backend($1)", before);
        assertTrue(killed.get(0).getBoolean(0), "the LISTEN backend was terminated");
        Await.until("listening again on a new connection", () -> {
            List<Integer> now = listeners();
            return now.size() == 1 && now.get(0) != before;
        });

        insertElsewhere(repeater, "after");
        Await.until("picked up after the reconnect", () -> receiver.hits("/hook").size() == 2);
        assertEquals(List.of("before", "after"), receiver.hits("/hook").stream().map(h -> h.payloadId()).toList());
    }
}
