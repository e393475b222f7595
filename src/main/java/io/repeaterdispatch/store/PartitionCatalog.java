package io.repeaterdispatch.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The partitions of the time-partitioned tables: read them, create one (through the migration's
 * {@code dispatch_create_partition}, which also takes over what the default partition caught for
 * its range), detach and drop one. Each change is its own short transaction with a lock timeout:
 * attaching and detaching lock the parent briefly, and must never queue the hot path's inserts
 * behind a long-running query; a change that times out is simply tried again at the next run.
 */
@ApplicationScoped
public class PartitionCatalog {

    /** Session-level advisory lock key of the retention job: "rd-retention" as a number. */
    public static final long MAINTENANCE_LOCK = 0x72642d726574656eL;

    private static final String PARTITIONS = SqlStatements.load("partitions");

    public Uni<List<Partition>> partitions(SqlClient client, String parent) {
        return client.preparedQuery(PARTITIONS).execute(Tuple.of(parent)).map(rows -> {
            List<Partition> partitions = new ArrayList<>();
            for (Row row : rows) {
                partitions.add(new Partition(row.getString("name"), row.getBoolean("is_default"), Sql.instant(row, "from_ts"),
                        Sql.instant(row, "to_ts"), row.getLong("bytes")));
            }
            return partitions;
        });
    }

    /** Rows in a partition, counted up to {@code cap} (for the default partition, which should stay empty). */
    public Uni<Long> rows(SqlClient client, String partition, long cap) {
        return client.preparedQuery("SELECT count(*) FROM (SELECT 1 FROM " + identifier(partition) + " LIMIT $1) r")
                .execute(Tuple.of(cap)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Only one replica maintains partitions at a time: a session lock on this connection, freed if it dies. */
    public Uni<Boolean> tryMaintenanceLock(SqlConnection conn) {
        return conn.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(MAINTENANCE_LOCK))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Void> releaseMaintenanceLock(SqlConnection conn) {
        return conn.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(MAINTENANCE_LOCK)).replaceWithVoid();
    }

    /** Creates partition {@code name} of {@code parent} for [from, to) on column {@code key}; false if it existed. */
    public Uni<Boolean> create(SqlConnection conn, String parent, String name, String key, Instant from, Instant to,
                               Duration lockTimeout) {
        return inTransaction(conn, lockTimeout, "SELECT dispatch_create_partition($1::regclass, $2, $3, $4, $5)",
                Tuple.of(parent, name, key, Sql.ts(from), Sql.ts(to)))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Detaches and drops a whole partition: its rows go with it, with no DELETE and nothing left for VACUUM. */
    public Uni<Void> drop(SqlConnection conn, String parent, String partition, Duration lockTimeout) {
        return inTransaction(conn, lockTimeout,
                "ALTER TABLE " + identifier(parent) + " DETACH PARTITION " + identifier(partition) + "; DROP TABLE " + identifier(partition),
                null).replaceWithVoid();
    }

    private static Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> inTransaction(SqlConnection conn, Duration lockTimeout, String sql,
                                                                          Tuple args) {
        return conn.begin().flatMap(tx -> conn.query("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis())).execute()
                .flatMap(set -> args == null ? conn.query(sql).execute() : conn.preparedQuery(sql).execute(args))
                .call(rows -> tx.commit())
                .onFailure().call(error -> tx.rollback().onFailure().recoverWithNull()));
    }

    /** A catalog name as an SQL identifier (names come from the catalog or from our own fixed names). */
    static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
