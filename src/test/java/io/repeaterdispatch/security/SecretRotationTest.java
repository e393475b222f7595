package io.repeaterdispatch.security;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.config.SecretsConfig;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SecretRotation's start-up steps, called directly against the real database: the refusal to
 * start when a stored secret names a key the configuration lacks, re-encryption on start, paging
 * over more than one page, and the compare-and-swap that leaves a row changed meanwhile alone.
 */
@QuarkusTest
class SecretRotationTest extends IntegrationTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** More than two of SecretRotation's pages (500 rows). */
    private static final int MANY = 1_203;

    @Inject
    SecretsConfig secrets;
    @Inject
    SecretCipher cipher;
    @Inject
    SecretRotation rotation;

    /** A rotation as the application builds it, with secrets.reencrypt-on-start as given. */
    private SecretRotation startingWith(boolean reencryptOnStart) {
        return new SecretRotation(pool, cipher, new SecretsConfig() {
            public Optional<List<String>> keys() {
                return secrets.keys();
            }

            public Optional<String> activeKey() {
                return secrets.activeKey();
            }

            public boolean reencryptOnStart() {
                return reencryptOnStart;
            }
        });
    }

    /** The cipher as it was before the rotation, when test-old was the active key. */
    private SecretCipher oldCipher() {
        return SecretCipherTest.cipher("test-old", secrets.keys().orElseThrow().toArray(String[]::new));
    }

    /** Repeaters (no records, so dispatch never touches them) whose tokens tok-1..tok-n are stored under test-old. */
    private void insertUnderOldKey(int n) {
        insertUnderOldKey(n, "rot");
    }

    /** Names are unique among a domain's live repeaters (migrations/V20): a second tok-1..tok-n batch goes in another domain. */
    private void insertUnderOldKey(int n, String domain) {
        SecretCipher old = oldCipher();
        String[] stored = new String[n];
        for (int i = 0; i < n; i++) {
            stored[i] = old.encrypt("tok-" + (i + 1));
        }
        sql("INSERT INTO repeater (domain, name, url, auth_type, auth_secret) "
                + "SELECT $2, 'tok-' || g, 'http://127.0.0.1:9/x', 'bearer', s FROM unnest($1::text[]) WITH ORDINALITY AS t(s, g)",
                stored, domain);
    }

    private String stored(String name) {
        return sql("SELECT auth_secret FROM repeater WHERE name = $1", name).get(0).getString(0);
    }

    @Test
    void refusesToStartWhileAStoredSecretNamesAKeyTheConfigurationLacks() {
        insertUnderOldKey(2);
        startingWith(false).onStart(null); // every key is configured: starts
        sql("UPDATE repeater SET auth_secret = 'v1:retired:AAAA' WHERE name = 'tok-1'");

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> startingWith(true).onStart(null));
        assertTrue(refused.getMessage().contains("[retired]"), refused.getMessage());
        assertFalse(refused.getMessage().contains("AAAA"), "names the key id, never the value");
        assertTrue(stored("tok-2").startsWith("v1:test-old:"), "refused before re-encrypting anything");
    }

    @Test
    void reencryptOnStartMovesEverySecretToTheActiveKeyPageByPage() {
        insertUnderOldKey(MANY);
        // Rows the rotation must skip, between the others: no secret, and already under the active key.
        sql("INSERT INTO repeater (domain, name, url) VALUES ('rot', 'none', 'http://127.0.0.1:9/x')");
        sql("INSERT INTO repeater (domain, name, url, auth_type, auth_secret) VALUES ('rot', 'current', 'http://127.0.0.1:9/x', 'bearer', $1)",
                cipher.encrypt("current"));
        String current = stored("current");
        insertUnderOldKey(3, "rot-more"); // more tok-1..tok-3, after them in id order

        startingWith(true).onStart(null);

        List<Row> rows = sql("SELECT name, auth_secret FROM repeater WHERE auth_secret IS NOT NULL ORDER BY id");
        assertEquals(MANY + 3 + 1, rows.size());
        for (Row row : rows) {
            String value = row.getString("auth_secret");
            assertTrue(value.startsWith("v1:test:"), row.getString("name") + " under the active key: " + value.substring(0, 12));
            assertEquals(row.getString("name"), cipher.decrypt(value), "each row keeps its own secret");
        }
        assertEquals(current, stored("current"), "a value already under the active key is not rewritten");
        assertEquals(0, rotation.reencryptAll().await().atMost(LIMIT), "nothing left to move");
    }

    @Test
    void reencryptAllCountsTheRowsItMovedOverSeveralPages() {
        insertUnderOldKey(MANY);
        assertEquals(MANY, rotation.reencryptAll().await().atMost(LIMIT));
        assertEquals(0, count("SELECT count(*) FROM repeater WHERE NOT starts_with(auth_secret, 'v1:test:')"));
    }

    /** The signing secrets (migrations/V15) are values of the cipher too: checked at start and re-encrypted with the rest. */
    @Test
    void signingSecretsAreCheckedAndReencryptedLikeAuthSecrets() {
        SecretCipher old = oldCipher();
        insertUnderOldKey(2); // auth secrets under test-old, no signing secret
        sql("INSERT INTO repeater (domain, name, url, signing_secret, signing_previous_secret, signing_previous_valid_until) "
                + "VALUES ('rot', 'signed', 'http://127.0.0.1:9/x', $1, $2, now() + interval '1 hour')",
                old.encrypt("whsec-current"), old.encrypt("whsec-previous"));
        sql("INSERT INTO repeater (domain, name, url, signing_secret) VALUES ('rot', 'signed-now', 'http://127.0.0.1:9/x', $1)",
                cipher.encrypt("whsec-active"));
        String active = sql("SELECT signing_secret FROM repeater WHERE name = 'signed-now'").get(0).getString(0);
        startingWith(false).onStart(null);

        assertEquals(4, rotation.reencryptAll().await().atMost(LIMIT), "two auth secrets, a current and a previous signing secret");
        var row = sql("SELECT signing_secret, signing_previous_secret FROM repeater WHERE name = 'signed'").get(0);
        assertTrue(row.getString(0).startsWith("v1:test:") && row.getString(1).startsWith("v1:test:"));
        assertEquals("whsec-current", cipher.decrypt(row.getString(0)));
        assertEquals("whsec-previous", cipher.decrypt(row.getString(1)));
        assertEquals(active, sql("SELECT signing_secret FROM repeater WHERE name = 'signed-now'").get(0).getString(0),
                "a value already under the active key is not rewritten");
        assertEquals(0, rotation.reencryptAll().await().atMost(LIMIT));

        sql("UPDATE repeater SET signing_previous_secret = 'v1:retired-signing:AAAA' WHERE name = 'signed'");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> startingWith(false).onStart(null));
        assertTrue(refused.getMessage().contains("[retired-signing]"), refused.getMessage());
    }

    /**
     * A row changed after the rotation read it (the admin API setting a new token while a replica
     * starts) keeps the new value: the rotation's swap waits for the change's row lock and then
     * finds its expected old value gone.
     */
    @Test
    void aSecretChangedWhileTheRotationRunsIsLeftAsItWasChanged() throws Exception {
        insertUnderOldKey(MANY);
        String changed = cipher.encrypt("tok-changed-by-admin");
        String target = "tok-700"; // on the second page
        SqlConnection conn = pool.getConnection().await().atMost(LIMIT);
        try {
            Transaction tx = conn.begin().await().atMost(LIMIT);
            conn.preparedQuery("UPDATE repeater SET auth_secret = $1 WHERE name = $2").execute(Tuple.of(changed, target))
                    .await().atMost(LIMIT);

            CompletableFuture<Integer> moved = rotation.reencryptAll().subscribeAsCompletionStage();
            Await.until("the rotation's swap waits for the changed row's lock", () -> count(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                            + "AND query LIKE 'UPDATE repeater SET auth_secret%'") == 1);
            assertFalse(moved.isDone());
            tx.commit().await().atMost(LIMIT);

            assertEquals(MANY - 1, moved.get(60, TimeUnit.SECONDS), "every row but the changed one");
        } finally {
            conn.close().await().atMost(LIMIT);
        }
        assertEquals(changed, stored(target), "the concurrent change survives");
        assertEquals("tok-changed-by-admin", cipher.decrypt(stored(target)));
        assertEquals("tok-699", cipher.decrypt(stored("tok-699")));
        assertEquals(0, count("SELECT count(*) FROM repeater WHERE NOT starts_with(auth_secret, 'v1:test:')"));
    }
}
