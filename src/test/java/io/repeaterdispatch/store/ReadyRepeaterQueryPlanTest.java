package io.repeaterdispatch.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds the ready-repeater query to its design: one range scan of the ready partial index that
 * reads only the repeaters that can be dispatched now and no record, the naive join's answer, and
 * turns that reach every domain and every repeater past any row cap, at a data shape like the seed's (2,000 repeaters over 300 domains, 100k records, ~11 %
 * queued) plus as many idle repeaters. The data lives in its own schema, built from the real migrations, so the running
 * dispatch loop never sees it. The metrics' backlog count is held to the same data.
 */
@QuarkusTest
class ReadyRepeaterQueryPlanTest extends IntegrationTest {

    private static final int REPEATERS = 2_000;
    private static final int RECORDS = 100_000;
    private static boolean loaded;

    @BeforeEach
    void loadSeedShapedData() {
        if (loaded) {
            return;
        }
        inPlanSchema("DROP SCHEMA IF EXISTS plan_test CASCADE; CREATE SCHEMA plan_test; SET LOCAL search_path TO plan_test;"
                + migrations() + """
                -- 5 % deleted, 10 % paused, 70 % never attempted, 20 % backed off into the past, 10 % into the future
                -- rows as wide as real ones: URLs, headers, credentials
                INSERT INTO repeater (domain, name, url, headers, auth_type, auth_username, auth_secret,
                                      is_deleted, is_paused, next_attempt_at, last_attempt_at)
                SELECT 'd' || (g % 300), 'Case forwarding to partner system #' || g,
                       'https://integrations.partner-' || g || '.example.org/api/v2/webhooks/receive?tenant=d' || (g % 300),
                       '{"X-Api-Version": "2024-01-01", "X-Partner-Key": "' || md5(g::text) || '"}',
                       'basic', 'svc-' || g, md5(g::text || 'secret'),
                       g % 20 = 0, g % 10 = 1,
                       CASE WHEN g % 10 < 7 THEN NULL WHEN g % 10 < 9 THEN now() - interval '1 hour' ELSE now() + interval '1 hour' END,
                       CASE WHEN g % 10 < 7 THEN NULL ELSE now() - interval '2 hours' END
                  FROM generate_series(1, {REPEATERS}) g;
                -- and as many again with nothing queued: most endpoints are idle most of the time
                INSERT INTO repeater (domain, name, url) SELECT 'd' || (g % 300), 'idle #' || g, 'https://idle-' || g || '.example.org/hook'
                  FROM generate_series(1, {REPEATERS}) g;
                -- ~11 % queued: pending and due, or failed and waiting for their own next check; the rest in history
                INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check)
                SELECT 'd' || ((g % {REPEATERS} + 1) % 300), g % {REPEATERS} + 1, 'p' || g, '{}',
                       CASE WHEN g % 9 = 0 THEN 1 ELSE 2 END, now() - interval '1 day',
                       CASE WHEN g % 9 = 0 THEN now() - interval '1 minute' ELSE now() + interval '1 hour' END
                  FROM generate_series(1, {RECORDS}) g WHERE g % 9 = 0 OR g % 37 = 0;
                INSERT INTO repeat_record_history (id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
                                                   attempt_count, finished_at)
                SELECT {RECORDS} + g, 'd' || ((g % {REPEATERS} + 1) % 300), g % {REPEATERS} + 1, 'p' || g, '{}', 'application/json', 4,
                       now() - interval '1 day', 1, now() - interval '1 hour'
                  FROM generate_series(1, {RECORDS}) g WHERE NOT (g % 9 = 0 OR g % 37 = 0);
                -- some domains with their own flag, both ways
                INSERT INTO domain_flag (domain, process_repeaters) SELECT 'd' || g, g % 2 = 0 FROM generate_series(0, 59) g;
                """.replace("{REPEATERS}", Integer.toString(REPEATERS)).replace("{RECORDS}", Integer.toString(RECORDS)));
        sql("VACUUM ANALYZE plan_test.repeater");
        sql("VACUUM ANALYZE plan_test.repeat_record");
        sql("VACUUM ANALYZE plan_test.domain_flag");
        loaded = true;
    }

    @Test
    void readsOneRangeOfTheReadyIndexAndNoRecord() throws IOException {
        Instant now = Instant.now();
        String json = explain(now);
        List<JsonNode> nodes = new ArrayList<>();
        collect(new ObjectMapper().readTree(json).get(0).get("Plan"), nodes);

        assertTrue(nodes.stream().noneMatch(n -> "repeat_record".equals(n.path("Relation Name").asText())),
                "the ready query reads no record: " + json);
        List<JsonNode> repeaterScans = nodes.stream().filter(n -> "repeater".equals(n.path("Relation Name").asText())).toList();
        assertEquals(1, repeaterScans.size(), "one read of repeater: " + json);
        JsonNode scan = repeaterScans.get(0);
        assertEquals("repeater_ready_at_idx", scan.path("Index Name").asText(), "the ready partial index: " + scan);
        assertTrue(scan.path("Index Cond").asText().contains("ready_at"), "ready_at is the range, not a filter: " + scan);
        assertEquals(0, scan.path("Rows Removed by Filter").asLong(), "no row read and thrown away: " + scan);

        // The range holds exactly the active repeaters that can be dispatched now (those of legacy
        // domains included, the join drops them): far fewer than the active repeaters.
        Tuple at = Tuple.of(now.atOffset(ZoneOffset.UTC));
        long inRange = inPlanSchemaCount("SELECT count(*) FROM repeater WHERE ready_at <= $1 AND NOT is_deleted AND NOT is_paused", at);
        long active = inPlanSchemaCount("SELECT count(*) FROM repeater WHERE NOT is_deleted AND NOT is_paused", Tuple.tuple());
        assertEquals(inRange, scan.get("Actual Rows").asLong() * scan.get("Actual Loops").asLong(), "rows read = ready repeaters: " + scan);
        assertTrue(inRange > 100 && inRange < active / 2, "the data has ready and many more not ready: " + inRange + " of " + active);
    }

    /** Past any row cap: the first rows give every domain with a ready repeater one turn before any gets a second. */
    @Test
    void everyDomainGetsATurnBeforeAnyGetsASecond() {
        OffsetDateTime at = Instant.now().atOffset(ZoneOffset.UTC);
        List<String> readyDomains = inPlanSchemaRows("SELECT DISTINCT domain FROM (" + ReadyRepeaterQuery.SQL + ") ready",
                Tuple.of(at, true, 100_000)).stream().map(row -> row.getString(0)).toList();
        long readyRepeaters = inPlanSchemaCount("SELECT count(*) FROM (" + ReadyRepeaterQuery.SQL + ") ready", Tuple.of(at, true, 100_000));
        assertTrue(readyRepeaters > 2L * readyDomains.size(), "domains with several ready repeaters: " + readyRepeaters + " in " + readyDomains.size());

        List<String> firstRows = inPlanSchemaRows(ReadyRepeaterQuery.SQL, Tuple.of(at, true, readyDomains.size()))
                .stream().map(row -> row.getString("domain")).toList();
        assertEquals(Set.copyOf(readyDomains), Set.copyOf(firstRows), "a cap of one row per domain reaches every domain");
        assertEquals(readyDomains.size(), firstRows.size(), "and gives none two");
    }

    /** A repeater whose batch was just claimed queues behind its domain's others: none starves past the cap. */
    @Test
    void aRepeaterJustServedQueuesBehindTheOthersOfItsDomain() {
        OffsetDateTime at = Instant.now().atOffset(ZoneOffset.UTC);
        List<Long> order = pool.withConnection(conn -> conn.begin().flatMap(tx -> conn.query("SET LOCAL search_path TO plan_test").execute()
                        .flatMap(x -> conn.preparedQuery(ReadyRepeaterQuery.SQL).execute(Tuple.of(at, true, 100_000)))
                        .flatMap(before -> {
                            Row head = before.iterator().next();
                            long first = head.getLong("id");
                            // what a claim writes, rolled back below so the shared data stays as loaded
                            return conn.preparedQuery("UPDATE repeater SET last_batch_at = $1 WHERE id = $2").execute(Tuple.of(at, first))
                                    .flatMap(u -> conn.preparedQuery("SELECT id FROM (" + ReadyRepeaterQuery.SQL + ") ready WHERE domain = $4")
                                            .execute(Tuple.of(at, true, 100_000, head.getString("domain"))))
                                    .map(after -> {
                                        List<Long> ids = new ArrayList<>(List.of(first));
                                        after.forEach(row -> ids.add(row.getLong("id")));
                                        return ids;
                                    });
                        })
                        .call(tx::rollback)))
                .await().atMost(Duration.ofSeconds(60));
        assertTrue(order != null && order.size() >= 3, "the first domain has several ready repeaters: " + order);
        assertEquals(order.get(0), order.get(order.size() - 1), "served first, now last of its domain: " + order);
    }

    @Test
    void findsExactlyTheRepeatersTheNaiveJoinFinds() {
        Instant now = Instant.now();
        long expected = inPlanSchemaCount("""
                SELECT count(DISTINCT r.id) FROM repeater r
                  JOIN repeat_record q ON q.repeater_id = r.id
                  LEFT JOIN domain_flag f ON f.domain = r.domain
                 WHERE NOT r.is_deleted AND NOT r.is_paused
                   AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= $1)
                   AND q.state IN (1, 2) AND q.next_check <= $1 AND COALESCE(f.process_repeaters, $2)
                """, Tuple.of(now.atOffset(ZoneOffset.UTC), true));
        long found = inPlanSchemaCount("SELECT count(*) FROM (" + ReadyRepeaterQuery.SQL + ") ready",
                Tuple.of(now.atOffset(ZoneOffset.UTC), true, 100_000));
        assertTrue(expected > 100, "the data has ready repeaters: " + expected);
        assertEquals(expected, found);
    }

    /**
     * The due-time walk that every claim and result write runs (repeater_earliest_queued) reads the
     * queued index up to the first record without a lease, not the repeater's whole queue: here 101
     * of 3,000 queued records. (Until V11 it read all 3,000, and sorted them.)
     */
    @Test
    void theDueTimeWalkReadsOnlyTheLeasedRecordsAheadOfTheFirstFreeOne() {
        inPlanSchema("""
                SET LOCAL search_path TO plan_test;
                -- paused, so no other test's ready repeaters change
                INSERT INTO repeater (domain, name, url, is_paused) VALUES ('deep-queue', 'deep queue', 'https://deep.example.org/hook', true);
                -- the oldest 100 claimed (leased), the rest waiting
                INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check,
                                           lease_until, claim_token)
                SELECT 'deep-queue', (SELECT id FROM repeater WHERE domain = 'deep-queue'), 'deep' || g, '{}', 1,
                       now() - interval '1 day', now() - interval '1 hour' + g * interval '1 second',
                       CASE WHEN g <= 100 THEN now() + interval '1 minute' END, CASE WHEN g <= 100 THEN gen_random_uuid() END
                  FROM generate_series(1, 3000) g;
                """);
        long repeater = inPlanSchemaCount("SELECT id FROM repeater WHERE domain = 'deep-queue'", Tuple.tuple());
        try {
            // one transaction: pg_stat_xact_user_tables counts what this transaction has read so far
            Row walk = pool.withTransaction(conn -> conn.query("SET LOCAL search_path TO plan_test").execute()
                            .flatMap(x -> conn.preparedQuery("SELECT repeater_earliest_queued($1, '{}')").execute(Tuple.of(repeater)))
                            .flatMap(earliest -> conn.preparedQuery("""
                                    SELECT $1::timestamptz, idx_tup_fetch, seq_scan FROM pg_stat_xact_user_tables
                                     WHERE schemaname = 'plan_test' AND relname = 'repeat_record'
                                    """).execute(Tuple.of(earliest.iterator().next().getOffsetDateTime(0)))))
                    .await().atMost(Duration.ofSeconds(60)).iterator().next();
            OffsetDateTime naive = inPlanSchemaRows("SELECT min(GREATEST(next_check, lease_until)) FROM repeat_record WHERE repeater_id = $1",
                    Tuple.of(repeater)).get(0).getOffsetDateTime(0);
            assertEquals(naive.toInstant(), walk.getOffsetDateTime(0).toInstant(), "the walk's answer is the earliest of all queued records");
            assertEquals(0, walk.getLong(2), "no sequential scan of the queue");
            // the cursor fetches ten rows at a time
            long fetched = walk.getLong(1);
            assertTrue(fetched >= 101 && fetched <= 110, "records fetched: the 100 leased and the first free one, not 3,000: " + fetched);
        } finally {
            // the other tests count the queue
            inPlanSchema("SET LOCAL search_path TO plan_test; DELETE FROM repeat_record WHERE domain = 'deep-queue';"
                    + " DELETE FROM repeater WHERE domain = 'deep-queue'");
        }
    }

    /** The metrics' backlog count: the naive counts' answers, from the queue and the repeaters' partial indexes only. */
    @Test
    void backlogCountMatchesNaiveCountsAndReadsOnlyPartialIndexes() throws IOException {
        Instant now = Instant.now();
        Tuple at = Tuple.of(now.atOffset(ZoneOffset.UTC));
        long due = inPlanSchemaCount("SELECT count(*) FROM repeat_record WHERE state IN (1, 2) AND next_check <= $1", at);
        long backedOff = inPlanSchemaCount("SELECT count(*) FROM repeater WHERE next_attempt_at > $1 AND NOT is_deleted AND NOT is_paused", at);
        long ready = inPlanSchemaCount("SELECT count(*) FROM (" + ReadyRepeaterQuery.SQL + ") ready",
                Tuple.of(now.atOffset(ZoneOffset.UTC), true, 100_000));
        assertTrue(due > 1_000 && backedOff > 100 && ready > 100, "the data has a backlog: " + due + " " + backedOff + " " + ready);
        Row counted = pool.withTransaction(conn -> conn.query("SET LOCAL search_path TO plan_test").execute()
                        .flatMap(x -> conn.preparedQuery(BacklogQuery.SQL).execute(Tuple.of(now.atOffset(ZoneOffset.UTC), true, 100_000))))
                .await().atMost(Duration.ofSeconds(60)).iterator().next();
        assertEquals(due, counted.getLong("due_records"));
        assertEquals(backedOff, counted.getLong("backed_off_repeaters"));
        assertEquals(ready, counted.getLong("ready_repeaters"));

        String json = explain(BacklogQuery.SQL, now);
        List<JsonNode> nodes = new ArrayList<>();
        collect(new ObjectMapper().readTree(json).get(0).get("Plan"), nodes);
        List<JsonNode> recordScans = nodes.stream().filter(n -> n.path("Relation Name").asText().startsWith("repeat_record")).toList();
        assertFalse(recordScans.isEmpty());
        for (JsonNode scan : recordScans) {
            // the queue holds queued records only, so the planner may read it whole; history never
            assertEquals("repeat_record", scan.path("Relation Name").asText(), "records read from the queue alone: " + scan);
        }
    }

    private String explain(Instant now) {
        return explain(ReadyRepeaterQuery.SQL, now);
    }

    private String explain(String query, Instant now) {
        return pool.withTransaction(conn -> conn.query("SET LOCAL search_path TO plan_test").execute()
                        .flatMap(x -> conn.preparedQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + query)
                                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), true, 100_000))))
                .await().atMost(Duration.ofSeconds(60))
                .iterator().next().getValue(0).toString();
    }

    private List<Row> inPlanSchemaRows(String query, Tuple args) {
        List<Row> rows = new ArrayList<>();
        pool.withTransaction(conn -> conn.query("SET LOCAL search_path TO plan_test").execute()
                        .flatMap(x -> conn.preparedQuery(query).execute(args)))
                .await().atMost(Duration.ofSeconds(60)).forEach(rows::add);
        return rows;
    }

    private long inPlanSchemaCount(String query, Tuple args) {
        Row row = pool.withTransaction(conn -> conn.query("SET LOCAL search_path TO plan_test").execute()
                        .flatMap(x -> conn.preparedQuery(query).execute(args)))
                .await().atMost(Duration.ofSeconds(60)).iterator().next();
        return row.getLong(0);
    }

    private void inPlanSchema(String script) {
        pool.withTransaction(conn -> conn.query(script).execute()).await().atMost(Duration.ofMinutes(2));
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        into.add(node);
        node.path("Plans").forEach(child -> collect(child, into));
    }

    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    private static String migrations() {
        try (Stream<Path> files = Files.list(Path.of("migrations"))) {
            StringBuilder all = new StringBuilder();
            // in version order, as Flyway applies them (V10 after V9)
            for (Path file : files.filter(f -> f.toString().endsWith(".sql"))
                    .sorted(java.util.Comparator.comparingInt(ReadyRepeaterQueryPlanTest::version)).toList()) {
                all.append(Files.readString(file)).append('\n');
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
