package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;

/**
 * Counts the backlog for the gauges in one statement: due records from the queue (which holds
 * queued records only; history is a table of its own), backed-off repeaters from the backoff
 * index, ready repeaters through the loop's own ready query. So a count costs what the queue
 * holds, never the size of the history.
 */
@ApplicationScoped
public class BacklogQuery {

    /** $1 now, $2 default flag, $3 ready-query row cap. */
    public static final String SQL = SqlStatements.load("backlog");

    private final Pool pool;

    public BacklogQuery(Pool pool) {
        this.pool = pool;
    }

    /** @param timeout the statement is cancelled by PostgreSQL after this long */
    public Uni<Backlog> count(Instant now, boolean processRepeatersDefault, int readyLimit, Duration timeout) {
        return pool.withTransaction(conn -> conn.query("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis())).execute()
                        .flatMap(set -> conn.preparedQuery(SQL).execute(Tuple.of(Sql.ts(now), processRepeatersDefault, readyLimit))))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Backlog(row.getLong("due_records"), row.getLong("ready_repeaters"), row.getLong("backed_off_repeaters"),
                            row.getLong("disabled_repeaters"));
                });
    }
}
