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
    /**
     * Every repeater column that holds a value of {@link SecretCipher}: the endpoint's password or
     * token, and the Standard Webhooks signing secret with the one it replaced (migrations/V15).
     */
    public static final List<String> COLUMNS = List.of("auth_secret", "signing_secret", "signing_previous_secret");

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
            LOG.infof("re-encrypted %d endpoint secret(s) (auth and signing secrets) with key '%s'", moved, cipher.activeKeyId());
        }
    }

    /** Key ids found in stored secrets (every column of {@link #COLUMNS}) that no configured key answers to; "" for values not in the v1 format. */
    public Uni<Set<String>> unreadableKeyIds() {
        return pool.query("SELECT DISTINCT CASE WHEN s.v LIKE 'v1:%:%' THEN split_part(s.v, ':', 2) ELSE '' END "
                        + "FROM repeater r CROSS JOIN LATERAL (VALUES " + String.join(", ", COLUMNS.stream().map(c -> "(r." + c + ")").toList())
                        + ") AS s(v) WHERE s.v IS NOT NULL").execute()
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
     * Moves every stored secret to the active key, a column and a page at a time. Each value is
     * swapped only if it still holds the value read, so a secret changed meanwhile (or re-encrypted
     * by another replica starting at the same time) is left as it is. Returns how many values were
     * re-encrypted (a repeater can hold three).
     */
    public Uni<Integer> reencryptAll() {
        Uni<Integer> moved = Uni.createFrom().item(0);
        for (String column : COLUMNS) {
            moved = moved.flatMap(before -> reencryptFrom(column, 0L, before));
        }
        return moved;
    }

    private Uni<Integer> reencryptFrom(String column, long afterId, int moved) {
        String current = SecretCipher.VERSION + ":" + cipher.activeKeyId() + ":";
        // column names come from COLUMNS, never from input
        return pool.preparedQuery("SELECT id, " + column + " AS stored FROM repeater WHERE id > $1 AND " + column + " IS NOT NULL "
                        + "AND NOT starts_with(" + column + ", $2) ORDER BY id LIMIT $3")
                .execute(Tuple.of(afterId, current, PAGE))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(moved);
                    }
                    List<Tuple> updates = new ArrayList<>(rows.size());
                    long last = afterId;
                    for (Row row : rows) {
                        String stored = row.getString("stored");
                        updates.add(Tuple.of(row.getLong("id"), cipher.encrypt(cipher.decrypt(stored)), stored));
                        last = row.getLong("id");
                    }
                    long next = last;
                    return pool.preparedQuery("UPDATE repeater SET " + column + " = $2 WHERE id = $1 AND " + column + " = $3")
                            .executeBatch(updates)
                            .flatMap(done -> reencryptFrom(column, next, moved + updated(done)));
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
