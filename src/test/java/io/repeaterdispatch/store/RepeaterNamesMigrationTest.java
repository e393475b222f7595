package io.repeaterdispatch.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * migrations/V20 on a database that already holds repeaters of the same name in a domain (possible
 * before it): the oldest of each name keeps it, every other live one is renamed "<name> [duplicate
 * #<id>]" within 255 characters with an audit entry, deleted ones stay as they are, and the unique
 * index then refuses a new duplicate. Runs Flyway itself on a database of its own (no application).
 */
@Tag("integration")
class RepeaterNamesMigrationTest {

    private static final String HOST = env("PGHOST", "127.0.0.1");
    private static final String PORT = env("PGPORT", "5432");
    private static final String USER = env("PGUSER", "postgres");
    private static final String PASSWORD = env("PGPASSWORD", "");

    private String database;
    private String url;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = "rd_test_v20_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        admin("CREATE DATABASE " + database);
        url = "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    @Test
    void duplicatesAreRenamedAndAuditedThenTheIndexHolds() throws SQLException {
        flyway("18");
        String longName = "n".repeat(255);
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("INSERT INTO repeater (id, domain, name, url, is_deleted) VALUES "
                    + "(1, 'acme', 'crm', 'http://x/', false), (2, 'acme', 'crm', 'http://x/', true), (3, 'acme', 'crm', 'http://x/', false), "
                    + "(4, 'acme', 'crm', 'http://x/', false), (5, 'other', 'crm', 'http://x/', false), (6, 'acme', 'erp', 'http://x/', false), "
                    + "(7, 'acme', '" + longName + "', 'http://x/', false), (8, 'acme', '" + longName + "', 'http://x/', false)");
            s.execute("SELECT setval(pg_get_serial_sequence('repeater', 'id'), 100)");
        }
        flyway(null);
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rows = s.executeQuery("SELECT name FROM repeater ORDER BY id")) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            assertEquals(List.of("crm", "crm", "crm [duplicate #3]", "crm [duplicate #4]", "crm", "erp", longName,
                    "n".repeat(255 - " [duplicate #8]".length()) + " [duplicate #8]"), names);
            List<String> audit = new ArrayList<>();
            try (ResultSet rows = s.executeQuery("SELECT actor, action, target, detail->'before'->>'name', detail->'after'->>'name' "
                    + "FROM admin_audit ORDER BY target")) {
                while (rows.next()) {
                    audit.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " " + rows.getString(4)
                            + " -> " + rows.getString(5));
                }
            }
            assertEquals(List.of("migration repeater.update repeater/3 crm -> crm [duplicate #3]",
                    "migration repeater.update repeater/4 crm -> crm [duplicate #4]",
                    "migration repeater.update repeater/8 " + longName + " -> " + names.get(7)), audit);

            SQLException refused = assertThrows(SQLException.class,
                    () -> s.execute("INSERT INTO repeater (domain, name, url) VALUES ('acme', 'erp', 'http://x/')"));
            assertEquals("23505", refused.getSQLState());
            assertTrue(refused.getMessage().contains("repeater_domain_name_live_key"), refused.getMessage());
            s.execute("INSERT INTO repeater (domain, name, url, is_deleted) VALUES ('acme', 'erp', 'http://x/', true)"); // deleted: free
        }
    }

    private void flyway(String target) {
        var config = Flyway.configure().dataSource(url, USER, PASSWORD).locations("classpath:db/migration");
        if (target != null) {
            config.target(target);
        }
        config.load().migrate();
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", USER, PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
