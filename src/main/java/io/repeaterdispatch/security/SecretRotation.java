package io.repeaterdispatch.security;

import io.quarkus.runtime.StartupEvent;
import io.repeaterdispatch.config.SecretsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * At start: refuses to run if a stored secret names a key the configuration does not hold (the
 * usual rotation mistake: an old key removed before its values were re-encrypted), and, with
 * {@code secrets.reencrypt-on-start}, re-encrypts every secret that is not under the active key.
 */
@ApplicationScoped
public class SecretRotation {

    private static final Logger LOG = Logger.getLogger(SecretRotation.class);
    private static final int PAGE = 500;
    private static final Duration STARTUP_LIMIT = Duration.ofMinutes(5);

    private final Pool pool;
    private final SecretCipher cipher;
    private final SecretsConfig config;

    public SecretRotation(Pool pool, SecretCipher cipher, SecretsConfig config) {
        this.pool = pool;
        this.cipher = cipher;
        this.config = config;
    }

    // Startup runs on the main thread, not an event loop: waiting here only delays readiness.
    void onStart(@Observes StartupEvent event) {
        Set<String> unreadable = unreadableKeyIds().await().atMost(STARTUP_LIMIT);
        if (!unreadable.isEmpty()) {
            throw new IllegalStateException("stored endpoint secrets use key id(s) " + unreadable
                    + " that secrets.keys does not hold (\"\" = not encrypted): put the key(s) back, and remove a key only "
                    + "after secrets.reencrypt-on-start has moved every secret to the active key (docs/operations.md, \"Secrets at rest and key rotation\")");
        }
        if (config.reencryptOnStart()) {
            int moved = reencryptAll().await().atMost(STARTUP_LIMIT);
            LOG.infof("re-encrypted %d endpoint secret(s) with key '%s'", moved, cipher.activeKeyId());
        }
    }

    /** Key ids found in stored secrets that no configured key answers to; "" for values not in the v1 format. */
    public Uni<Set<String>> unreadableKeyIds() {
        return pool.query("SELECT DISTINCT CASE WHEN auth_secret LIKE 'v1:%:%' THEN split_part(auth_secret, ':', 2) ELSE '' END "
                        + "FROM repeater WHERE auth_secret IS NOT NULL").execute()
                .map(rows -> {
                    Set<String> unknown = new TreeSet<>();
                    rows.forEach(row -> {
                        String keyId = row.getString(0);
                        if (keyId.isEmpty() || !cipher.hasKey(keyId)) {
                            unknown.add(keyId);
                        }
                    });
                    return unknown;
                });
    }

    /**
     * Moves every stored secret to the active key, a page at a time. Each row is swapped only if it
     * still holds the value read, so a secret changed meanwhile (or re-encrypted by another replica
     * starting at the same time) is left as it is. Returns how many rows were re-encrypted.
     */
    public Uni<Integer> reencryptAll() {
        return reencryptFrom(0L, 0);
    }

    private Uni<Integer> reencryptFrom(long afterId, int moved) {
        String current = SecretCipher.VERSION + ":" + cipher.activeKeyId() + ":";
        return pool.preparedQuery("SELECT id, auth_secret FROM repeater WHERE id > $1 AND auth_secret IS NOT NULL "
                        + "AND NOT starts_with(auth_secret, $2) ORDER BY id LIMIT $3")
                .execute(Tuple.of(afterId, current, PAGE))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(moved);
                    }
                    List<Tuple> updates = new ArrayList<>(rows.size());
                    long last = afterId;
                    for (Row row : rows) {
                        String stored = row.getString("auth_secret");
                        updates.add(Tuple.of(row.getLong("id"), cipher.encrypt(cipher.decrypt(stored)), stored));
                        last = row.getLong("id");
                    }
                    long next = last;
                    return pool.preparedQuery("UPDATE repeater SET auth_secret = $2 WHERE id = $1 AND auth_secret = $3")
                            .executeBatch(updates)
                            .flatMap(done -> reencryptFrom(next, moved + updated(done)));
                });
    }

    private static int updated(RowSet<Row> batch) {
        int count = 0;
        for (RowSet<Row> result = batch; result != null; result = result.next()) {
            count += result.rowCount();
        }
        return count;
    }
}
