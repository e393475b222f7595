package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.LogCapture;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch log lines name the repeater, domain and records, and never carry a secret, a payload
 * or an endpoint's answer. Every line the application logs during the test is captured from the
 * root logger, formatted as the console would show its message.
 */
@QuarkusTest
class DispatchLogTest extends IntegrationTest {

    private static final String BEARER_SECRET = "bearer-secret-7f3a";
    private static final String BASIC_SECRET = "basic-secret-91c2";
    private static final String HEADER_SECRET = "header-secret-55d0";
    private static final String PAYLOAD_MARK = "payload-body-3e8b";
    private static final String ANSWER_MARK = "answer-body-c41d";

    private LogCapture log;

    @BeforeEach
    void captureLogs() {
        log = LogCapture.start();
    }

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    @Test
    void dispatchLinesNameRepeaterDomainAndRecordButNoSecretOrBody() {
        receiver.answer("/down", hit -> CompletableFuture.completedFuture(new Reply(500, Map.of(), ANSWER_MARK + " " + hit.body())));
        receiver.answer("/ok", hit -> CompletableFuture.completedFuture(new Reply(200, Map.of(), ANSWER_MARK)));
        long ok = createRepeater(Map.of("domain", "log-co", "name", "ok", "url", receiver.url("/ok"),
                "auth", Map.of("type", "bearer", "token", BEARER_SECRET), "headers", Map.of("X-Api-Key", HEADER_SECRET)));
        // an update's new credentials stay out of the log as well
        api().body(Map.of("auth", Map.of("type", "bearer", "token", BEARER_SECRET + "-v2"))).patch("/api/v1/repeaters/" + ok)
                .then().statusCode(200);
        long down = createRepeater(Map.of("domain", "log-co", "name", "down", "url", receiver.url("/down"),
                "auth", Map.of("type", "basic", "username", "svc", "password", BASIC_SECRET)));
        // The failing repeater's record is one attempt short of the maximum, so its failure cancels it.
        api().post("/api/v1/repeaters/" + down + "/pause").then().statusCode(200);
        String payload = "[{\"payloadId\": \"case-1\", \"payload\": {\"note\": \"" + PAYLOAD_MARK + "\"}}]";
        api().body(payload).post("/api/v1/repeaters/" + ok + "/records").then().statusCode(202);
        long downRecord = api().body(payload).post("/api/v1/repeaters/" + down + "/records")
                .then().statusCode(202).extract().jsonPath().getList("recordIds", Long.class).get(0);
        sql("UPDATE repeat_record SET attempt_count = 5 WHERE id = $1", downRecord);
        api().post("/api/v1/repeaters/" + down + "/resume").then().statusCode(200);

        String okBatch = "batch finished repeater=" + ok + " domain=log-co records=1 succeeded=1 failed=0";
        String downBatch = "batch finished repeater=" + down + " domain=log-co records=1 succeeded=0 failed=1";
        String backoff = "backoff started repeater=" + down + " domain=log-co until=";
        String cancelled = "record cancelled after max attempts record=" + downRecord + " repeater=" + down + " domain=log-co http_status=500";
        Await.until("dispatch lines logged", () -> logged(okBatch) && logged(downBatch) && logged(backoff) && logged(cancelled));
        assertTrue(receiver.hits("/ok").get(0).body().contains(PAYLOAD_MARK), "the payload was really sent");
        assertTrue(receiver.hits("/ok").get(0).authorization().endsWith(BEARER_SECRET + "-v2"), "the new secret was really used");

        String basicHeader = Base64.getEncoder().encodeToString(("svc:" + BASIC_SECRET).getBytes(StandardCharsets.UTF_8));
        for (String secret : List.of(BEARER_SECRET, BASIC_SECRET, basicHeader, HEADER_SECRET, PAYLOAD_MARK, ANSWER_MARK)) {
            for (String line : log.lines()) {
                assertFalse(line.contains(secret), "'" + secret + "' logged: " + line);
            }
        }
    }

    private boolean logged(String fragment) {
        return log.logged(fragment);
    }
}
