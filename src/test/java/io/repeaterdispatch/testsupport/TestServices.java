package io.repeaterdispatch.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives each test run its own PostgreSQL database (created here, dropped at the end) and its own
 * Redis key prefix, against the real local servers (PGHOST/PGPORT/PGUSER/PGPASSWORD, REDIS_URL).
 * A test profile listed in {@link #OLDER_DATABASES} gets a database at an older schema version
 * holding that version's data instead of an empty one, so the application's own Flyway run at
 * start upgrades it in place.
 */
public class TestServices implements QuarkusTestResourceLifecycleManager {

    /** Test profile class name: the schema version to stop at, and the SQL (on the class path) that fills it. */
    private static final Map<String, String[]> OLDER_DATABASES = Map.of(
            "io.repeaterdispatch.store.MigrationInPlaceTest$FromV7", new String[]{"7", "migration/v7-fixture.sql"});

    static final String HOST = env("PGHOST", "127.0.0.1");
    static final String PORT = env("PGPORT", "5432");
    static final String USER = env("PGUSER", "postgres");
    static final String PASSWORD = env("PGPASSWORD", "");

    private String database;
    private String profile;

    @Override
    public void setContext(Context context) {
        profile = context.testProfile();
    }

    @Override
    public Map<String, String> start() {
        database = "rd_test_" + Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        admin("CREATE DATABASE " + database);
        String[] older = profile == null ? null : OLDER_DATABASES.get(profile);
        if (older != null) {
            atOlderVersion(older[0], older[1]);
        }
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

    private void atOlderVersion(String version, String fixture) {
        String url = "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
        Flyway.configure().dataSource(url, USER, PASSWORD).locations("classpath:db/migration").target(version).load().migrate();
        try (InputStream in = TestServices.class.getClassLoader().getResourceAsStream(fixture);
             Connection c = DriverManager.getConnection(url, USER, PASSWORD);
             Statement s = c.createStatement()) {
            if (in == null) {
                throw new IllegalStateException("no " + fixture + " on the test class path");
            }
            s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot load " + fixture + " at schema version " + version + ": " + e.getMessage(), e);
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
