package io.repeaterdispatch.delivery;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.vertx.mutiny.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The URL policy as the test profile has it: default deny list, loopback allowed (the receiver is local). */
@QuarkusTest
class OutboundUrlPolicyTest extends IntegrationTest {

    static final int FAILED = 2, SUCCEEDED = 4;

    @Test
    void apiRefusesTheMetadataAddressAndNonHttpSchemesOnUrl() {
        for (String url : List.of("http://169.254.169.254/latest/meta-data", "http://[fe80::1]/x", "http://0.0.0.0:8080/x")) {
            api().body(Map.of("domain", "acme", "name", "n", "url", url)).post("/api/v1/repeaters").then()
                    .statusCode(400).contentType("application/problem+json")
                    .body("errors.size()", equalTo(1)).body("errors[0].field", equalTo("url"))
                    .body("errors[0].message", containsString("denied by URL policy"));
        }
        api().body(Map.of("domain", "acme", "name", "n", "url", "ftp://203.0.113.10/x")).post("/api/v1/repeaters").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("url"));
        assertEquals(0, count("SELECT count(*) FROM repeater"), "nothing written");
    }

    @Test
    void deliveryGoesToTheCheckedAddressWithTheUrlsHostHeader() {
        int port = URI.create(receiver.url("/")).getPort();
        long repeater = createRepeater("acme", "http://localhost:" + port + "/named", 1);
        enqueue(repeater, 1, "p");
        Await.until("delivered", () -> records(repeater, SUCCEEDED) == 1);
        assertEquals("localhost:" + port, receiver.hits("/named").get(0).host());
    }

    @Test
    void deliveryToADeniedAddressIsAFailedAttemptThatSendsNothing() {
        long repeater = createRepeater("acme", receiver.url("/ok"), 1);
        // Written past the API's check, as a row changed by hand or under an older policy would be.
        sql("UPDATE repeater SET url = 'http://169.254.169.254/latest/meta-data' WHERE id = $1", repeater);
        long record = enqueue(repeater, 1, "p").get(0);
        Await.until("attempt recorded", () -> count("SELECT count(*) FROM repeat_record_attempt WHERE record_id = $1", record) == 1);
        Row attempt = sql("SELECT message, http_status, state FROM repeat_record_attempt WHERE record_id = $1", record).get(0);
        assertEquals("destination address denied by URL policy: 169.254.169.254 (in denied range 169.254.0.0/16)", attempt.getString("message"));
        assertNull(attempt.getValue("http_status"));
        assertEquals(FAILED, attempt.getInteger("state"));
        assertEquals(1, records(repeater, FAILED), "failed, to be retried: an operator may change the policy");
        assertTrue(receiver.hits().isEmpty());
    }
}
