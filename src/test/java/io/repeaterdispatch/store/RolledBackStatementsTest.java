package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pure: a statement is run again only when PostgreSQL rolled it back, and only so often. */
class RolledBackStatementsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static PgException failure(String sqlState) {
        return new PgException("from the test", "ERROR", sqlState, null);
    }

    /** A statement that fails with {@code sqlState} on its first {@code failures} runs, then answers its run number. */
    private static Uni<Integer> statement(AtomicInteger runs, int failures, String sqlState) {
        return Uni.createFrom().deferred(() -> {
            int run = runs.incrementAndGet();
            return run <= failures ? Uni.createFrom().failure(failure(sqlState)) : Uni.createFrom().item(run);
        });
    }

    @Test
    void aDeadlockVictimIsRunAgainUntilItCommits() {
        AtomicInteger runs = new AtomicInteger();
        int answer = RolledBackStatements.runAgainIfRolledBack(statement(runs, 2, "40P01"), "test").await().atMost(WAIT);
        assertEquals(3, answer);
        assertEquals(3, runs.get());
    }

    @Test
    void aSerializationFailureToo() {
        AtomicInteger runs = new AtomicInteger();
        assertEquals(2, RolledBackStatements.runAgainIfRolledBack(statement(runs, 1, "40001"), "test").await().atMost(WAIT));
    }

    @Test
    void anyOtherFailurePassesAtOnce() {
        AtomicInteger runs = new AtomicInteger();
        PgException thrown = assertThrows(PgException.class,
                () -> RolledBackStatements.runAgainIfRolledBack(statement(runs, 1, "23505"), "test").await().atMost(WAIT));
        assertEquals("23505", thrown.getSqlState());
        assertEquals(1, runs.get());
        IllegalStateException other = new IllegalStateException("not from PostgreSQL");
        AtomicInteger otherRuns = new AtomicInteger();
        Uni<Integer> failing = Uni.createFrom().deferred(() -> {
            otherRuns.incrementAndGet();
            return Uni.createFrom().failure(other);
        });
        assertSame(other, assertThrows(IllegalStateException.class,
                () -> RolledBackStatements.runAgainIfRolledBack(failing, "test").await().atMost(WAIT)));
        assertEquals(1, otherRuns.get());
    }

    @Test
    void aStatementRolledBackEveryTimeFailsAfterItsRuns() {
        AtomicInteger runs = new AtomicInteger();
        PgException thrown = assertThrows(PgException.class,
                () -> RolledBackStatements.runAgainIfRolledBack(statement(runs, Integer.MAX_VALUE, "40P01"), "test").await().atMost(WAIT));
        assertEquals("40P01", thrown.getSqlState());
        assertEquals(RolledBackStatements.RUNS, runs.get());
    }
}
