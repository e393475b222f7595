package io.repeaterdispatch.testsupport;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.scheduler.Scheduler;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.dispatch.BacklogGauges;
import io.repeaterdispatch.dispatch.DeliverySlots;
import io.repeaterdispatch.dispatch.DispatchEvents;
import io.repeaterdispatch.dispatch.DispatchListener;
import io.repeaterdispatch.dispatch.DispatchScheduler;
import io.repeaterdispatch.dispatch.HeldClaims;
import io.repeaterdispatch.dispatch.LegacyRecordDispatcher;
import io.repeaterdispatch.dispatch.RepeaterDispatchLoop;
import io.repeaterdispatch.dispatch.ShutdownDrain;
import io.repeaterdispatch.store.ResultWriteGroups;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Base of the tests that run the whole application against the real PostgreSQL, Redis and a real
 * HTTP receiver. Every test starts from empty tables, the real time, a fresh receiver, and a
 * dispatcher at rest.
 *
 * <p>Stepped mode: the test profile's tick is an hour, so dispatch moves only on its own wake-ups
 * (enqueue and admin changes, enqueue notifications, freed slots, a full batch going straight back
 * to the rotation, a repeater seen ready while its turn ran, Redis coming back) or when a test
 * steps it ({@link #step()}, {@link #advance(Duration)}). A broken wake-up fails a test instead of
 * costing a second.
 */
@Tag("integration") // inherited: ./mvnw test -Dgroups='!integration' runs only the tests that need no servers
@QuarkusTestResource(value = TestServices.class, restrictToAnnotatedClass = false)
public abstract class IntegrationTest {

    private static final String BACKLOG_JOB = "dispatch.metrics.backlog-refresh";

    public static final String TOKEN = "test-token";

    @Inject
    protected Pool pool;
    @Inject
    protected SettableClock clock;
    @Inject
    protected DispatchEvents events;
    @Inject
    protected RepeaterDispatchLoop loop;
    @Inject
    protected DispatchScheduler scheduler;
    @Inject
    private LegacyRecordDispatcher legacy;
    @Inject
    private DeliverySlots slots;
    @Inject
    private HeldClaims heldClaims;
    @Inject
    private ResultWriteGroups resultWrites;
    @Inject
    private BacklogGauges backlog;
    @Inject
    private ShutdownDrain drain;
    @Inject
    private DispatchConfig dispatchConfig;
    @Inject
    private Scheduler jobs;

    protected TestReceiver receiver;
    /** For the message when dispatch does not come to rest: which test left it busy. */
    private static String previousTest = "application start";
    private final List<DispatchListener> listeners = new CopyOnWriteArrayList<>();

    @BeforeEach
    void cleanSlate() {
        quiesce();
        sql("TRUNCATE repeat_record_attempt, repeat_record, repeat_record_history, repeater, domain_flag, domain_limit, admin_audit,"
                + " idempotency_key");
        clock.reset();
        resumeDispatch();
        receiver = TestReceiver.start();
    }

    /**
     * Stops dispatch from starting anything and waits until whatever the previous test left running
     * has ended, so TRUNCATE meets no statement of the loop (a result write holding row locks, a
     * claim, a ready or backlog query between its table locks) that it could deadlock with.
     */
    private void quiesce() {
        loop.stop();
        legacy.stop();
        jobs.pause(BACKLOG_JOB);
        awaitDispatchIdle("dispatch idle before TRUNCATE, after " + previousTest);
    }

    /** Starts both paths again (as the application did), unless a test drained them for good, and waits for that first look to end. */
    private void resumeDispatch() {
        jobs.resume(BACKLOG_JOB);
        if (dispatchConfig.enabled() && !drain.stopped()) {
            legacy.start();
            loop.start();
        }
        // start() looks at once: the rotation's leftovers from the previous test (they find nothing) and a ready query.
        awaitDispatchIdle("dispatch idle after restarting it");
    }

    private void awaitDispatchIdle(String what) {
        Await.until(what, Await.DEFAULT, () -> loop.activeTurns() == 0 && !loop.refreshing() && slots.inFlight() == 0
                        && heldClaims.records() == 0 && resultWrites.unfinished() == 0 && !backlog.counting(),
                () -> "active turns " + loop.activeTurns() + ", ready query running " + loop.refreshing()
                        + ", requests in flight " + slots.inFlight() + ", claimed records " + heldClaims.records()
                        + ", result writes " + resultWrites.unfinished() + ", backlog count running " + backlog.counting());
    }

    @AfterEach
    void tearDown(TestInfo test) {
        previousTest = test.getDisplayName() + " in " + getClass().getSimpleName();
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

    /** Moves the dispatch clock forward and steps dispatch once (both paths), as the tick would. */
    protected void advance(Duration by) {
        clock.advance(by);
        step();
    }

    /** One tick of dispatch, both paths: the only way time-driven work moves in tests (the periodic tick is an hour). */
    protected void step() {
        scheduler.tick();
    }

    protected List<Row> sql(String statement, Object... args) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery(statement).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(60)).forEach(rows::add);
        return rows;
    }

    protected long count(String statement, Object... args) {
        return sql(statement, args).get(0).getLong(0);
    }

    /**
     * Moves queued records to history as though they had finished in {@code state} (by code), the
     * way the result write does: out of the queue and into history in one statement.
     */
    protected void finish(int state, Long... ids) {
        sql("""
                WITH moved AS (DELETE FROM repeat_record WHERE id = ANY($1) RETURNING *)
                INSERT INTO repeat_record_history (id, domain, repeater_id, payload_id, payload, content_type, state,
                                                   registered_at, attempt_count, finished_at)
                SELECT id, domain, repeater_id, payload_id, payload, content_type, $2, registered_at, attempt_count, updated_at
                  FROM moved""", ids, (short) state);
    }

    /** Records of a repeater in a state (by code). */
    protected long records(long repeaterId, int state) {
        return count("SELECT count(*) FROM repeat_record_all WHERE repeater_id = $1 AND state = $2", repeaterId, (short) state);
    }

    protected Row repeater(long id) {
        return sql("SELECT * FROM repeater WHERE id = $1", id).get(0);
    }
}
