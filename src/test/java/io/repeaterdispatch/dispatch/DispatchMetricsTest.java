package io.repeaterdispatch.dispatch;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver.Reply;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What /q/metrics shows after real deliveries. Series tagged with this test's own domain are
 * compared exactly; untagged ones are shared with every other test in the run, so they are compared
 * as increases of at least what this test caused.
 */
@QuarkusTest
class DispatchMetricsTest extends IntegrationTest {

    private static final String DOMAIN = "metrics-co";
    private static final int SUCCEEDED = 4, FAILED = 2;

    @Inject
    BacklogGauges backlog;

    @Test
    void deliveriesAndBacklogShowInPrometheus() {
        receiver.answer("/down", 500);
        long ok = createRepeater(DOMAIN, receiver.url("/ok"), 5);
        long down = createRepeater(DOMAIN, receiver.url("/down"), 5);
        long paused = createRepeater(DOMAIN, receiver.url("/ok"), 5);
        api().post("/api/v1/repeaters/" + paused + "/pause").then().statusCode(200);
        String before = scrape();

        enqueue(ok, 3, "ok-");
        enqueue(down, 2, "down-");
        enqueue(paused, 4, "paused-");
        Await.until("delivered and failed", () -> records(ok, SUCCEEDED) == 3 && records(down, FAILED) == 2
                && repeater(down).getValue("next_attempt_at") != null);
        String attempts = "repeater_dispatch_attempts_total{domain=\"" + DOMAIN + "\",outcome=\"%s\",path=\"repeater\"}";
        Await.until("attempts counted", () -> {
            String now = scrape();
            // Batch metrics follow the attempt counters on the dispatch thread: wait for them too.
            String batches = "repeater_dispatch_batch_duration_seconds_count";
            return value(now, attempts.formatted("succeeded")) == 3 && value(now, attempts.formatted("failed")) == 2
                    && value(now, batches) - value(before, batches) >= 2;
        });
        // Counted by the refresher on demand, not by its timer: the paused repeater's four records are
        // the only due ones, the failing repeater the only one backed off, nothing is ready.
        Await.until("backlog counted", () -> backlog.refresh().await().atMost(Duration.ofSeconds(30)));
        String after = scrape();

        assertEquals(4, value(after, "repeater_dispatch_due_records"), "due records");
        assertEquals(1, value(after, "repeater_dispatch_backed_off_repeaters"), "repeaters in backoff");
        assertEquals(0, value(after, "repeater_dispatch_ready_repeaters"), "ready repeaters");

        assertAtLeast(5, before, after, "repeater_dispatch_http_request_seconds_count{path=\"repeater\"}");
        assertAtLeast(5, before, after, "repeater_dispatch_http_request_seconds_bucket{path=\"repeater\",le=\"+Inf\"}");
        assertAtLeast(5, before, after, "repeater_dispatch_batch_size_sum");
        assertAtLeast(2, before, after, "repeater_dispatch_batch_size_count");
        assertAtLeast(2, before, after, "repeater_dispatch_batch_duration_seconds_count");
        assertAtLeast(1, before, after, "repeater_dispatch_backoffs_total");
        assertAtLeast(2, before, after, "repeater_dispatch_lock_acquired_total");
        assertTrue(after.contains("repeater_dispatch_lock_contended_total"), "lock contention counter exposed");
        assertTrue(after.contains("repeater_dispatch_in_flight"), "in-flight gauge exposed");

        for (String type : new String[] {
                "repeater_dispatch_http_request_seconds histogram", "repeater_dispatch_batch_size histogram",
                "repeater_dispatch_batch_duration_seconds histogram", "repeater_dispatch_attempts_total counter", // text format 0.0.4: TYPE with _total
                "repeater_dispatch_due_records gauge", "repeater_dispatch_backed_off_repeaters gauge",
                "repeater_dispatch_ready_repeaters gauge", "repeater_dispatch_in_flight gauge"}) {
            assertTrue(after.contains("# TYPE " + type), "# TYPE " + type + " in:\n"
                    + String.join("\n", after.lines().filter(l -> l.startsWith("# TYPE repeater")).toList()));
        }
    }

    @Test
    void inFlightCountsRequestsWhileTheyAreOpen() {
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        receiver.answer("/hold", hit -> answer);
        long repeater = createRepeater("metrics-hold", receiver.url("/hold"), 2);
        enqueue(repeater, 2, "hold-");
        Await.until("both requests open", () -> receiver.hits("/hold").size() == 2);
        String inFlight = "repeater_dispatch_in_flight{path=\"repeater\"}";
        assertTrue(value(scrape(), inFlight) >= 2, "the two held requests are in flight");
        answer.complete(Reply.of(200));
        Await.until("delivered", () -> records(repeater, SUCCEEDED) == 2);
        Await.until("nothing left in flight", () -> value(scrape(), inFlight) == 0);
    }

    private static String scrape() {
        return RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sample of one exact series, 0 if it is not there (yet). */
    private static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private static void assertAtLeast(double increase, String before, String after, String series) {
        assertTrue(after.contains(series + " "), series + " exposed");
        double grew = value(after, series) - value(before, series);
        assertTrue(grew >= increase, series + " grew by " + grew + ", expected at least " + increase);
    }
}
