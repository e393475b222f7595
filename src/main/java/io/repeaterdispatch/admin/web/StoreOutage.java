package io.repeaterdispatch.admin.web;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells "PostgreSQL is unreachable or restarting" apart from a real failure, so that a caller gets
 * 503 with Retry-After (try again, nothing was stored) instead of a 500 while the database restarts.
 */
final class StoreOutage {

    /** SQLSTATE 08xxx connection exceptions and 57P01-57P03 shutdown / cannot connect now. */
    private static final Set<String> OUTAGE_STATES = Set.of("57P01", "57P02", "57P03");

    /** Deadlock detected, serialization failure: the transaction was rolled back whole and may simply be retried. */
    private static final Set<String> CONFLICT_STATES = Set.of("40P01", "40001");

    private StoreOutage() {
    }

    /** A transaction PostgreSQL rolled back because it collided with another (nothing of it was stored). */
    static boolean isTransientConflict(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = t instanceof PgException pg ? pg.getSqlState() : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && CONFLICT_STATES.contains(state)) {
                return true;
            }
        }
        return false;
    }

    static boolean isOutage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // SocketException: a connection reset mid-statement while PostgreSQL shuts down (the
            // admin side opens no other socket than the database's).
            if (t instanceof ConnectException || t instanceof SocketException || t instanceof ClosedConnectionException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || OUTAGE_STATES.contains(pg.getSqlState()))) {
                return true;
            }
            // The pool reports a refused or reset connection as a bare VertxException.
            String message = t.getMessage();
            if (t instanceof VertxException && message != null
                    && (message.contains("Connection refused") || message.contains("Connection reset") || message.contains("closed"))) {
                return true;
            }
        }
        return false;
    }
}
