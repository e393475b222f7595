package io.repeaterdispatch.delivery;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production policy (loopback denied) against a receiver that is really listening on loopback:
 * were the check skipped, the records would be delivered. Its own profile restarts Quarkus once.
 */
@QuarkusTest
@TestProfile(UrlPolicyEnforcementTest.LoopbackDenied.class)
class UrlPolicyEnforcementTest extends IntegrationTest {

    public static class LoopbackDenied implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("url-policy.allow-loopback", "false");
        }
    }

    private static final String DENIED = "destination address denied by URL policy: ";

    private int port() {
        return URI.create(receiver.url("/")).getPort();
    }

    @Test
    void apiRefusesLoopbackByAddressAndByName() {
        api().body(Map.of("domain", "acme", "name", "n", "url", receiver.url("/x"))).post("/api/v1/repeaters").then()
                .statusCode(400).body("errors[0].field", equalTo("url"))
                .body("errors[0].message", equalTo(DENIED + "127.0.0.1 (loopback)"));
        api().body(Map.of("domain", "acme", "name", "n", "url", "http://localhost:" + port() + "/x")).post("/api/v1/repeaters").then()
                .statusCode(400).body("errors[0].field", equalTo("url"))
                .body("errors[0].message", startsWith(DENIED + "localhost resolves to "));
        assertEquals(0, count("SELECT count(*) FROM repeater"));
    }

    @Test
    void deliveriesToALoopbackAddressOrNameFailWithoutReachingTheReceiver() {
        List<String> urls = List.of(receiver.url("/literal"), "http://localhost:" + port() + "/named");
        for (String url : urls) {
            long repeater = createRepeater("acme", "http://203.0.113.10/allowed-at-create", 1);
            sql("UPDATE repeater SET url = $1 WHERE id = $2", url, repeater);
            long record = enqueue(repeater, 1, "p").get(0);
            Await.until("attempt at " + url, () -> count("SELECT count(*) FROM repeat_record_attempt WHERE record_id = $1", record) == 1);
            String message = sql("SELECT message FROM repeat_record_attempt WHERE record_id = $1", record).get(0).getString(0);
            assertTrue(message.startsWith(DENIED) && message.endsWith("(loopback)"), message);
            assertEquals(1, records(repeater, 2), "failed, to be retried");
        }
        assertTrue(receiver.hits().isEmpty(), "no request reached the receiver: " + receiver.hits());
    }
}
