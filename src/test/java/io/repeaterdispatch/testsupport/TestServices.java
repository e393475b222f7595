package io.repeaterdispatch.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives each test run its own PostgreSQL database (created here, dropped at the end) and its own
 * Redis key prefix, against the real local servers (PGHOST/PGPORT/PGUSER/PGPASSWORD, REDIS_URL).
 */
public class TestServices implements QuarkusTestResourceLifecycleManager {

    static final String HOST = env("PGHOST", "127.0.0.1");
    static final String PORT = env("PGPORT", "5432");
    static final String USER = env("PGUSER", "postgres");
    static final String PASSWORD = env("PGPASSWORD", "");

    private String database;

    @Override
    public Map<String, String> start() {
        database = "rd_test_" + Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        admin("CREATE DATABASE " + database);
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + HOST + ":" + PORT + "/" + database,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database,
                "quarkus.datasource.username", USER,
                "quarkus.datasource.password", PASSWORD,
                "dispatch.lock.key-prefix", "rd-test:" + database + ":");
    }

    @Override
    public void stop() {
        if (database != null) {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", USER, PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach PostgreSQL at " + HOST + ":" + PORT + " (run bin/services): " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
