package io.repeaterdispatch.security;

import io.repeaterdispatch.core.SigningSecret;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes repeaters' Standard Webhooks signing secrets. The admin API generates one on create and on
 * rotation; a repeater that has none (one that existed before migrations/V15, or that a replica of
 * an older version created during a rolling upgrade) gets one the first time a claim finds it
 * without one ({@link #fillMissing}). That cannot happen in the migration: the value must be
 * encrypted with the service's key, which SQL never sees.
 */
@ApplicationScoped
public class SigningSecrets {

    private static final Logger LOG = Logger.getLogger(SigningSecrets.class);
    /** Fills running now, so that a repeater claimed again meanwhile does not start a second one. */
    private static final int MAX_RUNNING = 1_000;
    /**
     * Fills logged at INFO per process; later ones at DEBUG, so an upgrade of a large deployment
     * (every existing repeater filled at its first claim) does not flood the log.
     */
    static final int LOGGED_AT_INFO = 100;

    private final Pool pool;
    private final SecretCipher cipher;
    private final SecureRandom random = new SecureRandom();
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger logged = new AtomicInteger();

    public SigningSecrets(Pool pool, SecretCipher cipher) {
        this.pool = pool;
        this.cipher = cipher;
    }

    public SigningSecret generate() {
        return SigningSecret.generate(random);
    }

    /** A new secret, encrypted for storage (security.SecretCipher). */
    public String encrypt(SigningSecret secret) {
        return cipher.encrypt(secret.text());
    }

    /**
     * Gives the repeater a generated secret if it still has none, without waiting for it: the
     * deliveries already claimed go unsigned, the next claim reads the secret. The write is a
     * compare-and-swap on "no secret", so replicas (and an admin rotation) racing to do it leave one
     * secret; the replica whose write lands logs it, once for the whole deployment. Nobody has seen
     * this secret: the receiver learns one from a rotation (POST .../signing-secret/rotate).
     */
    public void fillMissing(long repeaterId, String domain) {
        if (running.size() >= MAX_RUNNING || !running.add(repeaterId)) {
            return;
        }
        String stored = encrypt(generate());
        pool.preparedQuery("UPDATE repeater SET signing_secret = $2 WHERE id = $1 AND signing_secret IS NULL")
                .execute(Tuple.of(repeaterId, stored))
                .onTermination().invoke(() -> running.remove(repeaterId))
                .subscribe().with(
                        done -> {
                            if (done.rowCount() == 1) {
                                logFilled(repeaterId, domain);
                            }
                        },
                        error -> LOG.warnf("signing secret not generated repeater=%d domain=%s (retried at its next claim): %s",
                                repeaterId, domain, error.toString()));
    }

    private void logFilled(long repeaterId, String domain) {
        int n = logged.incrementAndGet();
        Logger.Level level = n <= LOGGED_AT_INFO ? Logger.Level.INFO : Logger.Level.DEBUG;
        LOG.logf(level, "signing secret generated repeater=%d domain=%s: it had none (created before V15 or by an older replica), "
                + "so the deliveries claimed before now went unsigned; rotate it to learn it", repeaterId, domain);
        if (n == LOGGED_AT_INFO) {
            LOG.infof("%d signing secrets generated; further ones are logged at DEBUG (%s)", n, SigningSecrets.class.getName());
        }
    }

    /** For tests: fills still running. */
    public int running() {
        return running.size();
    }
}
