package io.repeaterdispatch.admin.web;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures become 503 + Retry-After (the database is restarting) rather than 500. */
class StoreOutageTest {

    @Test
    void connectionFailuresAreOutagesHoweverWrapped() {
        assertTrue(StoreOutage.isOutage(new CompletionException(new ConnectException("Connection refused"))));
        assertTrue(StoreOutage.isOutage(new RuntimeException(new PgException("terminating connection due to administrator command", "FATAL", "57P01", null))));
        assertTrue(StoreOutage.isOutage(new PgException("the database system is starting up", "FATAL", "57P03", null)));
        assertTrue(StoreOutage.isOutage(new PgException("connection failure", "FATAL", "08006", null)));
        assertTrue(StoreOutage.isOutage(new CompletionException(new VertxException("Connection refused: /127.0.0.1:5432", true))));
        // fault suite s3, CI 2026-12-02: a statement in flight when PostgreSQL shut down
        assertTrue(StoreOutage.isOutage(new CompletionException(new java.net.SocketException("Connection reset"))));
    }

    @Test
    void realErrorsStayErrors() {
        assertFalse(StoreOutage.isOutage(new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)));
        assertFalse(StoreOutage.isOutage(new PgException("syntax error", "ERROR", "42601", null)));
        assertFalse(StoreOutage.isOutage(new IllegalStateException("boom")));
        assertFalse(StoreOutage.isOutage(new VertxException("something else", true)));
    }

    /** A deadlock victim (found by the fuzz run: a record cancel beside two result writes) is retried by the caller, not a 500. */
    @Test
    void rolledBackCollisionsAreTransientHoweverWrapped() {
        assertTrue(StoreOutage.isTransientConflict(new RuntimeException(new SQLException("ERROR: deadlock detected (40P01)", "40P01"))));
        assertTrue(StoreOutage.isTransientConflict(new PgException("could not serialize access", "ERROR", "40001", null)));
        assertFalse(StoreOutage.isTransientConflict(new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)));
        assertFalse(StoreOutage.isTransientConflict(new IllegalStateException("boom")));
    }
}
