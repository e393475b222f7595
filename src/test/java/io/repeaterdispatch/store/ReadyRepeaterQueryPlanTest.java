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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds the ready-repeater query to its design: both UNION ALL branches answered from the partial
 * indexes, one probe of the queued-records index per repeater, no sequential scan of the records
 * table, at a data shape like the seed's (2,000 repeaters over 300 domains, 100k records, ~11 %
 * queued). The data lives in its own schema, built from the real migrations, so the running
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
                -- ~11 % queued: pending and due, or failed and waiting for their own next check
                INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check)
                SELECT 'd' || ((g % {REPEATERS} + 1) % 300), g % {REPEATERS} + 1, 'p' || g, '{}',
                       CASE WHEN g % 9 = 0 THEN 1 WHEN g % 37 = 0 THEN 2 ELSE 4 END, now() - interval '1 day',
                       CASE WHEN g % 9 = 0 THEN now() - interval '1 minute'
                            WHEN g % 37 = 0 THEN now() + interval '1 hour' END
                  FROM generate_series(1, {RECORDS}) g;
                -- some domains with their own flag, both ways
                INSERT INTO domain_flag (domain, process_repeaters) SELECT 'd' || g, g % 2 = 0 FROM generate_series(0, 59) g;
                """.replace("{REPEATERS}", Integer.toString(REPEATERS)).replace("{RECORDS}", Integer.toString(RECORDS)));
        sql("VACUUM ANALYZE plan_test.repeater");
        sql("VACUUM ANALYZE plan_test.repeat_record");
        sql("VACUUM ANALYZE plan_test.domain_flag");
        loaded = true;
    }

    @Test
    void readsPartialIndexesAndProbesRecordsOncePerRepeater() throws IOException {
        Instant now = Instant.now();
        String json = explain(now);
        JsonNode plan = new ObjectMapper().readTree(json).get(0).get("Plan");
        List<JsonNode> nodes = new ArrayList<>();
        collect(plan, nodes);

        List<String> indexes = nodes.stream().filter(n -> n.has("Index Name")).map(n -> n.get("Index Name").asText()).toList();
        assertTrue(indexes.contains("repeater_ready_idle_idx"), "NULL branch reads its partial index: " + json + " " + sql(
                "SELECT relpages, relallvisible FROM pg_class WHERE oid = 'plan_test.repeater'::regclass").get(0).toJson());
        assertTrue(indexes.contains("repeater_ready_backoff_idx"), "past branch reads its partial index: " + indexes);
        assertTrue(indexes.contains("repeat_record_queued_idx"), "records probed through the queued partial index: " + indexes);

        List<JsonNode> recordScans = nodes.stream()
                .filter(n -> "repeat_record".equals(n.path("Relation Name").asText())).toList();
        assertEquals(2, recordScans.size(), "one probe node per UNION ALL branch: " + indexes);
        for (JsonNode scan : recordScans) {
            String type = scan.get("Node Type").asText();
            assertFalse(type.contains("Seq Scan"), "no sequential scan of repeat_record: " + type);
            assertTrue(type.startsWith("Index"), "records read by index probes, not bitmaps or joins: " + type);
            assertEquals("repeat_record_queued_idx", scan.path("Index Name").asText(), "every probe reads the queued partial index: " + scan);
            assertTrue(scan.path("Index Cond").asText().contains("repeater_id"), "probe is keyed by repeater: " + scan);
            assertTrue(scan.path("Index Cond").asText().contains("next_check"), "due-ness is an index condition, not a filter: " + scan);
            assertTrue(scan.get("Actual Rows").asLong() <= 1, "a probe stops at its first due record: " + scan);
        }

        // Each branch: its partial index yields exactly the active repeaters of that branch (nothing
        // read and thrown away by a filter), and it probes the records at most once per such
        // repeater and at least once per repeater it finds ready.
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        String active = "NOT r.is_deleted AND NOT r.is_paused";
        Map<String, String> branches = Map.of(
                "repeater_ready_idle_idx", "r.next_attempt_at IS NULL AND " + active,
                "repeater_ready_backoff_idx", "r.next_attempt_at <= $1 AND " + active);
        JsonNode append = nodes.stream().filter(n -> "Append".equals(n.path("Node Type").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("the branches are appended: " + json));
        assertEquals(2, append.path("Plans").size(), "two branches: " + json);
        long probes = 0;
        Set<String> seen = new HashSet<>();
        for (JsonNode branch : append.path("Plans")) {
            List<JsonNode> branchNodes = new ArrayList<>();
            collect(branch, branchNodes);
            List<JsonNode> repeaterScans = branchNodes.stream()
                    .filter(n -> "repeater".equals(n.path("Relation Name").asText())).toList();
            assertEquals(1, repeaterScans.size(), "one read of repeater per branch: " + branch);
            JsonNode repeaterScan = repeaterScans.get(0);
            String index = repeaterScan.path("Index Name").asText();
            assertTrue(branches.containsKey(index) && seen.add(index), "each branch reads its own partial index: " + index);
            String where = branches.get(index);
            long activeInBranch = inPlanSchemaCount("SELECT count(*) FROM repeater r WHERE " + where,
                    where.contains("$1") ? Tuple.of(at) : Tuple.tuple());
            long readyInBranch = inPlanSchemaCount("""
                    SELECT count(DISTINCT r.id) FROM repeater r
                      JOIN repeat_record q ON q.repeater_id = r.id
                      LEFT JOIN domain_flag f ON f.domain = r.domain
                     WHERE %s AND q.state IN (1, 2) AND q.next_check <= $1 AND COALESCE(f.process_repeaters, $2)
                    """.formatted(where), Tuple.of(at, true));
            assertTrue(readyInBranch > 100 && activeInBranch < REPEATERS, "the data has ready and inactive repeaters in " + index);
            assertEquals(activeInBranch, repeaterScan.get("Actual Rows").asLong() * repeaterScan.get("Actual Loops").asLong(),
                    index + " yields exactly the branch's active repeaters: " + repeaterScan);
            assertEquals(0, repeaterScan.path("Rows Removed by Filter").asLong(), index + " reads no row it throws away: " + repeaterScan);

            List<JsonNode> branchProbes = branchNodes.stream()
                    .filter(n -> "repeat_record".equals(n.path("Relation Name").asText())).toList();
            assertEquals(1, branchProbes.size(), "one probe node in the branch of " + index);
            long loops = branchProbes.get(0).get("Actual Loops").asLong();
            assertTrue(loops >= readyInBranch, index + ": every ready repeater probed, " + loops + " >= " + readyInBranch);
            assertTrue(loops <= activeInBranch, index + ": at most one probe per active repeater, " + loops + " <= " + activeInBranch);
            probes += loops;
        }

        long recordRowsRead = recordScans.stream()
                .mapToLong(n -> n.get("Actual Rows").asLong() * n.get("Actual Loops").asLong()).sum();
        assertEquals(probes, recordScans.stream().mapToLong(n -> n.get("Actual Loops").asLong()).sum());
        assertTrue(recordRowsRead <= probes, "record rows read " + recordRowsRead + " <= probes " + probes);
        assertTrue(recordRowsRead < RECORDS / 10, "far fewer rows than the queued records");
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

    /** The metrics' backlog count: the naive counts' answers, from the partial indexes only. */
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
        List<JsonNode> recordScans = nodes.stream().filter(n -> "repeat_record".equals(n.path("Relation Name").asText())).toList();
        assertFalse(recordScans.isEmpty());
        for (JsonNode scan : recordScans) {
            assertTrue(scan.get("Node Type").asText().startsWith("Index"), "records read by index only: " + scan);
            assertEquals("repeat_record_queued_idx", scan.path("Index Name").asText(), "the queued partial index: " + scan);
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

    private static String migrations() {
        try (Stream<Path> files = Files.list(Path.of("migrations"))) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).sorted().toList()) {
                all.append(Files.readString(file)).append('\n');
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
