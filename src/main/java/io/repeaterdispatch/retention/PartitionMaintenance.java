package io.repeaterdispatch.retention;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.repeaterdispatch.config.AdminConfig;
import io.repeaterdispatch.config.RetentionConfig;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.store.Partition;
import io.repeaterdispatch.store.PartitionCatalog;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps history, attempts, the audit trail and idempotency keys bounded by partition: every {@code retention.interval} each replica
 * tries the maintenance lock (a PostgreSQL session advisory lock: released at the end of every run,
 * failed or not, and freed by PostgreSQL if the replica or its connection dies); the one that
 * holds it creates the periods ahead and drops the expired ones of each table ({@link RetentionPlan}), one short transaction each. Every replica then refreshes the
 * partition gauges. A change that fails (most likely a lock timeout behind a long query) is logged
 * and tried again at the next run; the other changes go on.
 *
 * <p>Why our own job and not pg_partman: see docs/data-model.md, "Retention".
 */
@ApplicationScoped
public class PartitionMaintenance {

    private static final Logger LOG = Logger.getLogger(PartitionMaintenance.class);

    /** What a run did. */
    public enum Outcome { MAINTAINED, ANOTHER_REPLICA_HOLDS_THE_LOCK, ALREADY_RUNNING, FAILED }

    private final Pool pool;
    private final PartitionCatalog catalog;
    private final PartitionGauges gauges;
    private final RetentionConfig config;
    private final AdminConfig admin;
    private final DispatchClock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    public PartitionMaintenance(Pool pool, PartitionCatalog catalog, PartitionGauges gauges, RetentionConfig config,
                                AdminConfig admin, DispatchClock clock) {
        this.admin = admin;
        this.pool = pool;
        this.catalog = catalog;
        this.gauges = gauges;
        this.config = config;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event, Scheduler scheduler) {
        if (!config.enabled()) {
            LOG.info("retention maintenance disabled (retention.enabled=false): partitions are neither created ahead nor dropped");
            return;
        }
        scheduler.newJob("retention.maintenance")
                .setInterval(config.interval().toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> runOnce().replaceWithVoid())
                .schedule();
    }

    /** One run now; never fails (a failure is logged and counted). */
    public Uni<Outcome> runOnce() {
        return Uni.createFrom().deferred(() -> {
            if (!running.compareAndSet(false, true)) {
                return Uni.createFrom().item(Outcome.ALREADY_RUNNING);
            }
            return pool.getConnection()
                    .flatMap(conn -> catalog.tryMaintenanceLock(conn)
                            .flatMap(held -> held
                                    // released whatever happened: closing only returns a pooled connection, lock and all
                                    ? maintainAll(conn).replaceWith(Outcome.MAINTAINED)
                                            .eventually(() -> catalog.releaseMaintenanceLock(conn).onFailure().recoverWithNull())
                                    : Uni.createFrom().item(Outcome.ANOTHER_REPLICA_HOLDS_THE_LOCK))
                            .eventually(conn::close))
                    .onFailure().invoke(error -> LOG.warnf("retention maintenance failed, tried again in %s: %s",
                            config.interval(), error.toString()))
                    .onFailure().recoverWithItem(Outcome.FAILED)
                    .call(outcome -> gauges.refresh(outcome))
                    .eventually(() -> running.set(false));
        });
    }

    private Uni<Void> maintainAll(SqlConnection conn) {
        return Multi.createFrom().items(PartitionedTable.values())
                .onItem().transformToUniAndConcatenate(table -> maintain(conn, table))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> maintain(SqlConnection conn, PartitionedTable table) {
        return catalog.partitions(conn, table.table).flatMap(partitions -> {
            RetentionPlan plan = RetentionPlan.of(table.table, table.granularity, partitions, clock.now(), table.retention(config, admin), config.daysAhead());
            Multi<Void> creates = Multi.createFrom().iterable(plan.create())
                    .onItem().transformToUniAndConcatenate(day -> create(conn, table, day));
            Multi<Void> drops = Multi.createFrom().iterable(plan.drop())
                    .onItem().transformToUniAndConcatenate(name -> drop(conn, table, name, partitions));
            return Multi.createBy().concatenating().streams(creates, drops).collect().last().replaceWithVoid();
        });
    }

    private Uni<Void> create(SqlConnection conn, PartitionedTable table, RetentionPlan.Period day) {
        return catalog.create(conn, table.table, day.name(), table.key, day.from(), day.to(), config.lockTimeout())
                .invoke(created -> {
                    if (created) {
                        LOG.infof("partition created table=%s partition=%s from=%s to=%s", table.table, day.name(), day.from(), day.to());
                    }
                })
                .replaceWithVoid()
                .onFailure().invoke(error -> LOG.warnf("partition not created table=%s partition=%s: %s", table.table, day.name(), error.toString()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> drop(SqlConnection conn, PartitionedTable table, String name, List<Partition> partitions) {
        long bytes = partitions.stream().filter(p -> p.name().equals(name)).mapToLong(Partition::bytes).sum();
        return catalog.drop(conn, table.table, name, config.lockTimeout())
                .invoke(() -> LOG.infof("partition dropped table=%s partition=%s bytes=%d retention=%s", table.table, name, bytes,
                        table.retention(config, admin)))
                .onFailure().invoke(error -> LOG.warnf("partition not dropped table=%s partition=%s: %s", table.table, name, error.toString()))
                .onFailure().recoverWithNull();
    }
}
