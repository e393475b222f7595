package io.repeaterdispatch.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.repeaterdispatch.store.Partition;
import io.repeaterdispatch.store.PartitionCatalog;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges of the partitioned tables, per table: how many partitions, their size, the start of the
 * oldest, and the rows the default partition caught (which should stay 0: rows there are never
 * dropped by retention until a partition for their day is created). Refreshed after every
 * maintenance run, by every replica; a scrape only reads the last values.
 */
@ApplicationScoped
public class PartitionGauges {

    private static final Logger LOG = Logger.getLogger(PartitionGauges.class);
    /** Counting the default partition's rows stops here: it only has to show that something is wrong. */
    private static final long DEFAULT_ROWS_CAP = 1_000_000;

    private record Values(AtomicLong partitions, AtomicLong bytes, AtomicLong oldestEpochSeconds, AtomicLong defaultRows) {
        Values() {
            this(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
        }
    }

    private final Pool pool;
    private final PartitionCatalog catalog;
    private final Map<PartitionedTable, Values> values = new EnumMap<>(PartitionedTable.class);
    private final Map<PartitionMaintenance.Outcome, Counter> runs = new EnumMap<>(PartitionMaintenance.Outcome.class);

    public PartitionGauges(Pool pool, PartitionCatalog catalog, MeterRegistry registry) {
        this.pool = pool;
        this.catalog = catalog;
        for (PartitionedTable table : PartitionedTable.values()) {
            Values v = new Values();
            values.put(table, v);
            Gauge.builder("repeater.dispatch.partitions", v.partitions(), AtomicLong::get).tag("table", table.table)
                    .description("Partitions of the table (the default one included), at the last retention run").register(registry);
            Gauge.builder("repeater.dispatch.partition.bytes", v.bytes(), AtomicLong::get).tag("table", table.table).baseUnit("bytes")
                    .description("Size of all the table's partitions with their indexes, at the last retention run").register(registry);
            Gauge.builder("repeater.dispatch.partition.oldest.timestamp.seconds", v.oldestEpochSeconds(), AtomicLong::get)
                    .tag("table", table.table)
                    .description("Start of the oldest partition (its end if it starts at MINVALUE), Unix time").register(registry);
            Gauge.builder("repeater.dispatch.partition.default.rows", v.defaultRows(), AtomicLong::get).tag("table", table.table)
                    .description("Rows in the default partition (no day partition existed for them); should be 0").register(registry);
        }
        for (PartitionMaintenance.Outcome outcome : PartitionMaintenance.Outcome.values()) {
            runs.put(outcome, Counter.builder("repeater.dispatch.retention.runs").tag("outcome", outcome.name().toLowerCase())
                    .description("Retention maintenance runs of this replica, by what they did").register(registry));
        }
    }

    /** Counts the run and reads every table's partitions again; never fails (the gauges keep their values). */
    Uni<Void> refresh(PartitionMaintenance.Outcome outcome) {
        runs.get(outcome).increment();
        return Multi.createFrom().items(PartitionedTable.values())
                .onItem().transformToUniAndConcatenate(this::refresh)
                .collect().last()
                .onFailure().invoke(error -> LOG.warnf("partition gauges not refreshed: %s", error.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Void> refresh(PartitionedTable table) {
        return catalog.partitions(pool, table.table).flatMap(partitions -> {
            Values v = values.get(table);
            v.partitions().set(partitions.size());
            v.bytes().set(partitions.stream().mapToLong(Partition::bytes).sum());
            v.oldestEpochSeconds().set(partitions.stream().filter(p -> !p.isDefault())
                    .map(p -> p.from() != null ? p.from() : p.to()).filter(Objects::nonNull)
                    .min(Instant::compareTo).map(Instant::getEpochSecond).orElse(0L));
            List<Partition> defaults = partitions.stream().filter(Partition::isDefault).toList();
            return Multi.createFrom().iterable(defaults)
                    .onItem().transformToUniAndConcatenate(p -> catalog.rows(pool, p.name(), DEFAULT_ROWS_CAP))
                    .collect().asList()
                    .invoke(counts -> v.defaultRows().set(counts.stream().mapToLong(Long::longValue).sum()))
                    .replaceWithVoid();
        });
    }
}
