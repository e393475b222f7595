package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Pushes the lease of records still being sent to a new end, in one statement for every claim a
 * process holds. Fenced like a result write, by record id and claim token: a record whose
 * outcome was written meanwhile, or whose lease ended and was claimed again, is left alone.
 */
@ApplicationScoped
public class LeaseRenewal {

    /** $1 record ids, $2 their claim tokens (parallel arrays), $3 the new lease end. Returns the ids renewed. */
    static final String RENEW = SqlStatements.load("renew-leases");

    private final Pool pool;

    public LeaseRenewal(Pool pool) {
        this.pool = pool;
    }

    /** @return how many records now have their lease until {@code until} */
    public Uni<Integer> renew(List<Lease> held, Instant until) {
        if (held.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery(RENEW).execute(Lease.arrays(held).addValue(Sql.ts(until)))
                .map(rows -> rows.rowCount());
    }
}
