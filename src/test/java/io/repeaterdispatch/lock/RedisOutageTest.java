package io.repeaterdispatch.lock;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TcpProxy;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis taken away (through a proxy in front of the real one, so the shared server is untouched):
 * the per-repeater path sends nothing, the process stays live but not ready and logs the outage
 * once, not once per repeater and tick; when Redis is back it is ready again and delivers what was
 * enqueued meanwhile.
 */
@QuarkusTest
@TestProfile(RedisOutageTest.BehindProxy.class)
class RedisOutageTest extends IntegrationTest {

    private static final String PORT_PROPERTY = "repeater-dispatch.test.redis-proxy-port";
    private static TcpProxy proxy;

    public static class BehindProxy implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ProxyPort.class));
        }
    }

    /**
     * Names the proxy's port in the configuration. The proxy itself is started by the test (test
     * resources live in another class loader than the test, so they cannot share an object);
     * nothing talks to Redis before the test creates repeaters.
     */
    public static class ProxyPort implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            int port = TcpProxy.freePort();
            System.setProperty(PORT_PROPERTY, Integer.toString(port));
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port);
        }

        @Override
        public void stop() {
        }
    }

    private static TcpProxy proxy() {
        if (proxy == null) {
            String url = System.getenv("REDIS_URL");
            URI redis = URI.create(url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url);
            proxy = new TcpProxy(Integer.parseInt(System.getProperty(PORT_PROPERTY)), redis.getHost(),
                    redis.getPort() < 0 ? 6379 : redis.getPort());
        }
        return proxy;
    }

    @AfterAll
    static void closeProxy() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    @Inject
    RedisAvailability availability;

    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue() && record.getLoggerName().startsWith("io.repeaterdispatch")) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureWarnings() {
        proxy().restore();
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void restoreRedis() {
        Logger.getLogger("").removeHandler(capture);
        proxy().restore();
    }

    @Test
    void withoutRedisNothingIsSentTheServiceIsLiveButNotReadyAndResumesWhenRedisReturns() {
        int repeaters = 20;
        long[] ids = new long[repeaters];
        for (int i = 0; i < repeaters; i++) {
            ids[i] = createRepeater("d" + i, receiver.url("/r" + i), 5);
        }
        // Its own repeater: were its lock release still on the way at the cut, the lock would stay
        // in Redis until its TTL and hold up that repeater after the outage.
        long warm = createRepeater("warm", receiver.url("/warm"), 1);
        enqueue(warm, 1, "before");
        Await.until("delivered while Redis is up", () -> records(warm, 4) == 1);
        RestAssured.get("/q/health/ready").then().statusCode(200);

        proxy().cut();
        for (long id : ids) {
            enqueue(id, 5, "during");
        }
        // The first lock attempt finds Redis gone; then the probe keeps failing, once a second.
        Await.until("outage noticed", () -> !availability.available());
        long failuresAtCut = availability.failures();
        Await.until("three more probes failed", Duration.ofSeconds(30), () -> availability.failures() >= failuresAtCut + 3);
        assertEquals(1, receiver.hits().size(), "nothing is sent without the lock: " + receiver.hits());
        RestAssured.get("/q/health/live").then().statusCode(200);
        RestAssured.get("/q/health/ready").then().statusCode(503);

        proxy().restore();
        Await.until("every record delivered after Redis returned", () ->
                count("SELECT count(*) FROM repeat_record_all WHERE state = 4") == 1 + repeaters * 5L);
        assertTrue(availability.available());
        RestAssured.get("/q/health/ready").then().statusCode(200);
        assertEquals(1 + repeaters * 5, receiver.hits().size(), "each record sent once");

        List<String> lines = warnings.stream().map(r -> r.getLoggerName() + " "
                + (r instanceof ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage())).toList();
        assertEquals(1, lines.size(), "one warning for the whole outage, not one per repeater and tick: " + lines);
        assertTrue(lines.get(0).contains("redis unreachable"), lines.get(0));
    }
}
