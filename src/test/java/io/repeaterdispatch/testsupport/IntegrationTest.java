package io.repeaterdispatch.testsupport;

import io.quarkus.test.common.QuarkusTestResource;
import io.repeaterdispatch.dispatch.DispatchEvents;
import io.repeaterdispatch.dispatch.DispatchListener;
import io.repeaterdispatch.dispatch.RepeaterDispatchLoop;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Base of the tests that run the whole application against the real PostgreSQL, Redis and a real
 * HTTP receiver. Every test starts from empty tables, the real time, and a fresh receiver.
 */
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = false)
public abstract class IntegrationTest {

    public static final String TOKEN = "test-token";

    @Inject
    protected Pool pool;
    @Inject
    protected SettableClock clock;
    @Inject
    protected DispatchEvents events;
    @Inject
    protected RepeaterDispatchLoop loop;

    protected TestReceiver receiver;
    private final List<DispatchListener> listeners = new CopyOnWriteArrayList<>();

    @BeforeEach
    void cleanSlate() {
        truncate();
        clock.reset();
        receiver = TestReceiver.start();
    }

    /**
     * The previous test's last batch may still be writing its results; its locks and TRUNCATE's can
     * deadlock, and PostgreSQL then aborts one of the two. Trying again settles it.
     */
    private void truncate() {
        for (int attempt = 1; ; attempt++) {
            try {
                sql("TRUNCATE repeat_record_attempt, repeat_record, repeater, domain_flag, admin_audit");
                return;
            } catch (io.vertx.pgclient.PgException e) {
                if (!"40P01".equals(e.getSqlState()) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    @AfterEach
    void tearDown() {
        listeners.forEach(events::unregister);
        listeners.clear();
        receiver.close();
    }

    protected <L extends DispatchListener> L listen(L listener) {
        listeners.add(listener);
        events.register(listener);
        return listener;
    }

    protected static RequestSpecification api() {
        return RestAssured.given().auth().oauth2(TOKEN).contentType(ContentType.JSON);
    }

    protected long createRepeater(String domain, String url, int batchSize) {
        return createRepeater(Map.of("domain", domain, "name", "r-" + System.nanoTime(), "url", url,
                "batchSize", batchSize, "timeoutMs", 10_000));
    }

    protected long createRepeater(Map<String, Object> body) {
        return api().body(body).post("/api/v1/repeaters").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    protected List<Long> enqueue(long repeaterId, int count, String payloadPrefix) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(Map.of("payloadId", payloadPrefix + i, "payload", Map.of("n", i)));
        }
        return api().body(items).post("/api/v1/repeaters/" + repeaterId + "/records")
                .then().statusCode(202).extract().jsonPath().getList("recordIds", Long.class);
    }

    /** Moves the dispatch clock forward and lets the loop look again. */
    protected void advance(Duration by) {
        clock.advance(by);
        loop.wake();
    }

    protected List<Row> sql(String statement, Object... args) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery(statement).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(60)).forEach(rows::add);
        return rows;
    }

    protected long count(String statement, Object... args) {
        return sql(statement, args).get(0).getLong(0);
    }

    /** Records of a repeater in a state (by code). */
    protected long records(long repeaterId, int state) {
        return count("SELECT count(*) FROM repeat_record WHERE repeater_id = $1 AND state = $2", repeaterId, (short) state);
    }

    protected Row repeater(long id) {
        return sql("SELECT * FROM repeater WHERE id = $1", id).get(0);
    }
}
