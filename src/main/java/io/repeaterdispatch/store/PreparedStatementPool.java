package io.repeaterdispatch.store;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Builds the reactive pool as Quarkus would, with one change: statements up to
 * {@link #SQL_LIMIT} characters are kept prepared per connection. The client's default limit
 * (2,048) leaves out the claim and the result write, the two statements every batch runs, so
 * PostgreSQL parsed and planned each of them on every call: about a quarter of its time per
 * delivery (bench/RESULTS.md, "Before and after"). Prepared, PostgreSQL plans a statement with its
 * parameters' values for the first five calls and then keeps a generic plan when that is no
 * costlier. Whether statements are cached at all stays
 * {@code quarkus.datasource.reactive.cache-prepared-statements} (off behind a transaction-mode
 * PgBouncer older than 1.21, which cannot keep named statements).
 */
@Singleton
public class PreparedStatementPool implements PgPoolCreator {

    /** Longer than any statement in {@code sql/} (the result write is ~4,500 characters). */
    static final int SQL_LIMIT = 16_384;

    @Override
    public Pool create(Input input) {
        SqlClientMeters.install(); // before the pool opens its first connection
        List<PgConnectOptions> servers = input.pgConnectOptionsList();
        servers.forEach(options -> options.setPreparedStatementCacheSqlLimit(SQL_LIMIT));
        return PgDriver.INSTANCE.createPool(input.vertx(), servers, input.poolOptions());
    }
}
