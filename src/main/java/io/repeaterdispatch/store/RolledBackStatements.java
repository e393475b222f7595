package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;

/**
 * Statements PostgreSQL rolled back whole to break a deadlock ({@code 40P01}) or a serialization
 * conflict ({@code 40001}) are run again, a few times after a short jittered pause: they wrote
 * nothing, and running them again is PostgreSQL's own remedy. Without it, a legacy delivery whose
 * result write lost a deadlock against the other writes to its repeater's row was recorded nowhere,
 * so its record went out again when its lease ended.
 */
final class RolledBackStatements {

    private static final Logger LOG = Logger.getLogger(RolledBackStatements.class);

    /** deadlock_detected, serialization_failure */
    private static final Set<String> ROLLED_BACK = Set.of("40P01", "40001");

    /** Runs of a statement in all, the first included. */
    static final int RUNS = 4;

    private RolledBackStatements() {
    }

    static boolean rolledBack(Throwable error) {
        return error instanceof PgException pg && ROLLED_BACK.contains(pg.getSqlState());
    }

    /**
     * {@code statement} (run on each subscription, as the Mutiny SQL client's are), run again while
     * PostgreSQL rolls it back, at most {@link #RUNS} times; any other failure passes at once.
     */
    static <T> Uni<T> runAgainIfRolledBack(Uni<T> statement, String what) {
        return statement
                .onFailure(RolledBackStatements::rolledBack)
                .invoke(error -> LOG.debugf("%s rolled back by PostgreSQL (%s)", what, ((PgException) error).getSqlState()))
                .onFailure(RolledBackStatements::rolledBack)
                .retry().withBackOff(Duration.ofMillis(2), Duration.ofMillis(50)).withJitter(0.5).atMost(RUNS - 1);
    }
}
