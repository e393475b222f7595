package io.repeaterdispatch.store;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.config.MeterFilter;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leaves out the two gauges that the SQL client's metrics make per connection. Vert.x creates the
 * client metrics of a PostgreSQL connection for every connection it opens, and Quarkus registers
 * each one's {@code postgresql.queue.size} and {@code postgresql.current} gauges under the same
 * name and tags: the second connection's registration was refused with a startup WARN ("This Gauge
 * has been already registered (MeterId{name='postgresql.queue.size', …})") and the gauges showed
 * the first connection alone, for good. The pool's own gauges ({@code sql_pool_queue_size},
 * {@code sql_pool_active}, {@code sql_pool_idle} in /q/metrics) say what they meant to, for the whole
 * pool; the client's timers and counters ({@code postgresql_processing_seconds}, …) are shared by
 * every connection and stay.
 *
 * <p>Installed on the global registry by {@link PreparedStatementPool} when it builds the pool, that
 * is before its first connection: a MeterFilter bean comes too late (the first connections are
 * opened before Quarkus applies those), and a registry checks a meter it already holds before
 * any filter.
 */
final class SqlClientMeters {

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private SqlClientMeters() {
    }

    static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            Metrics.globalRegistry.config().meterFilter(MeterFilter.deny(SqlClientMeters::perConnectionGauge));
        }
    }

    static boolean perConnectionGauge(Meter.Id id) {
        // either tag name: dispatch.ExpositionFilter may have renamed clientType to client_type already
        return id.getType() == Meter.Type.GAUGE && id.getName().startsWith("postgresql.")
                && ("sql".equals(id.getTag("clientType")) || "sql".equals(id.getTag("client_type")));
    }
}
