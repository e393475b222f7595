package io.repeaterdispatch.store;

import io.micrometer.core.instrument.Metrics;
import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.LogCapture;
import io.restassured.RestAssured;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQL client's per-connection gauges are left out (SqlClientMeters): with several connections
 * open, no "Gauge has been already registered" warning, no postgresql.queue.size or
 * postgresql.current gauge; the pool's gauges and the client's shared timers are there.
 */
@QuarkusTest
class SqlClientMetersTest extends IntegrationTest {

    @Test
    void severalConnectionsRegisterNoGaugeTwice() {
        try (LogCapture log = LogCapture.start()) {
            // eight statements at once need eight connections: each new one makes its client metrics
            List<Uni<RowSet<Row>>> sleeps = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sleeps.add(pool.query("SELECT pg_sleep(0.3)").execute());
            }
            Uni.join().all(sleeps).andFailFast().await().atMost(Duration.ofSeconds(30));
            assertFalse(log.logged("has been already registered"), "no duplicate registration: " + log.lines());
        }
        assertEquals(List.of(), Metrics.globalRegistry.find("postgresql.queue.size").meters());
        assertEquals(List.of(), Metrics.globalRegistry.find("postgresql.current").meters());
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertFalse(metrics.contains("postgresql_queue_size"), "per-connection gauge left out");
        List<String> sqlMeters = metrics.lines().filter(l -> !l.startsWith("#") && (l.startsWith("sql_") || l.startsWith("postgresql_")))
                .map(l -> l.replaceAll("[{ ].*", "")).distinct().toList();
        assertTrue(sqlMeters.contains("postgresql_processing_seconds_count"), "the client's timers stay: " + sqlMeters);
        assertTrue(sqlMeters.contains("sql_pool_queue_size") && sqlMeters.contains("sql_pool_active"), "the pool's gauges: " + sqlMeters);
    }
}
