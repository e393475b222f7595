package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Hands leased records back before their lease ends: they become due at once, with no attempt
 * recorded. Fenced like a result write, by record id and claim token, so a record whose outcome
 * was written meanwhile (or that an operator cancelled) is left alone, and the sender's own late
 * write, if it ever comes, no longer matches.
 */
@ApplicationScoped
public class ClaimRelease {

    /** $1 record ids, $2 their claim tokens (parallel arrays), $3 now. Returns the ids released. */
    static final String RELEASE = SqlStatements.load("release-claims");

    private final Pool pool;

    public ClaimRelease(Pool pool) {
        this.pool = pool;
    }

    /** @return how many records were handed back */
    public Uni<Integer> release(List<Lease> held, Instant now) {
        if (held.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery(RELEASE).execute(Lease.arrays(held).addValue(Sql.ts(now))).map(rows -> rows.rowCount());
    }
}
