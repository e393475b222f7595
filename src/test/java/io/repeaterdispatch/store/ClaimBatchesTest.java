package io.repeaterdispatch.store;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.testsupport.IntegrationTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several repeaters' batches claimed in one statement: each its own limit, token, endpoint and "more". */
@QuarkusTest
class ClaimBatchesTest extends IntegrationTest {

    @Inject
    RecordClaims claims;

    @Test
    void eachRepeaterGetsItsOwnOldestRecordsUpToItsLimit() {
        long busy = createRepeater("claims-busy", receiver.url("/ok/busy"), 7);
        long small = createRepeater("claims-small", receiver.url("/ok/small"), 7);
        long paused = createRepeater("claims-paused", receiver.url("/ok/paused"), 7);
        long empty = createRepeater("claims-empty", receiver.url("/ok/empty"), 7);
        sql("UPDATE repeater SET is_paused = true WHERE id = $1", paused);
        // due in an hour, so the running loop (stepped by the test clock) leaves them alone
        Instant due = clock.now().plus(Duration.ofHours(1));
        List<Long> busyRecords = queue(busy, 5, due);
        List<Long> smallRecords = queue(small, 2, due);
        queue(paused, 1, due);

        List<Optional<Claim>> answers = claims.claimBatches(List.of(
                        new RecordClaims.BatchRequest(busy, 3), new RecordClaims.BatchRequest(paused, 3),
                        new RecordClaims.BatchRequest(small, 3), new RecordClaims.BatchRequest(empty, 3)),
                due.plusSeconds(60), Duration.ofMinutes(5), true)
                .await().atMost(Duration.ofSeconds(10)).stream().map(ClaimAnswer::orThrow).toList();

        assertEquals(4, answers.size(), "one answer per request, in order");
        Claim b = answers.get(0).orElseThrow(), s = answers.get(2).orElseThrow();
        assertEquals(busyRecords.subList(0, 3), b.records().stream().map(ClaimedRecord::id).toList(), "the busy repeater's three oldest");
        assertTrue(b.more(), "two more remain for the busy repeater");
        assertEquals(smallRecords, s.records().stream().map(ClaimedRecord::id).toList());
        assertFalse(s.more(), "nothing remains for the small one");
        assertTrue(b.endpoint().url().endsWith("/ok/busy") && s.endpoint().url().endsWith("/ok/small"), "each batch with its own endpoint");
        assertNotEquals(b.token(), s.token(), "each batch fenced by its own token");
        assertEquals(Optional.empty(), answers.get(1), "a paused repeater gets nothing");
        assertEquals(Optional.empty(), answers.get(3), "nothing queued, nothing claimed");
        assertEquals(3L, count("SELECT count(*) FROM repeat_record WHERE claim_token = $1", b.token()));
        assertEquals(2L, count("SELECT count(*) FROM repeat_record WHERE claim_token = $1", s.token()));
        // each claimed repeater moved behind the others (last_batch_at), the empty and paused ones did not
        assertEquals(2L, count("SELECT count(*) FROM repeater WHERE id = ANY($1) AND last_batch_at IS NOT NULL",
                (Object) new Long[] {busy, small, paused, empty}));
    }

    @Test
    void aRepeaterWhoseRowsCannotBeReadFailsItsOwnTurnAloneNotTheOthersInItsStatement() {
        long broken = createRepeater(java.util.Map.of("domain", "claims-broken", "name", "b", "url", receiver.url("/ok/broken"),
                "auth", java.util.Map.of("type", "bearer", "token", "t0ken")));
        long healthy = createRepeater("claims-healthy", receiver.url("/ok/healthy"), 7);
        // a secret under a key this service does not have (a botched key rotation, a restored backup)
        sql("UPDATE repeater SET auth_secret = 'v1:gone:AAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE id = $1", broken);
        Instant due = clock.now().plus(Duration.ofHours(1));
        queue(broken, 2, due);
        List<Long> healthyRecords = queue(healthy, 2, due);

        List<ClaimAnswer> answers = claims.claimBatches(List.of(new RecordClaims.BatchRequest(broken, 3),
                        new RecordClaims.BatchRequest(healthy, 3)), due.plusSeconds(60), Duration.ofMinutes(5), true)
                .await().atMost(Duration.ofSeconds(10));

        assertTrue(answers.get(0).failure() != null, "the unreadable repeater's turn fails");
        assertEquals(healthyRecords, answers.get(1).orThrow().orElseThrow().records().stream().map(ClaimedRecord::id).toList(),
                "the other repeater in the same statement gets its batch");
    }

    private List<Long> queue(long repeater, int n, Instant due) {
        return sql("INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check) "
                + "SELECT domain, id, 'p' || g, '{}', 1, now(), $2 + g * interval '1 second' FROM repeater, generate_series(1, $3) g "
                + "WHERE id = $1 ORDER BY g RETURNING id", repeater, due.atOffset(java.time.ZoneOffset.UTC), n)
                .stream().map(row -> row.getLong(0)).sorted().toList();
    }
}
