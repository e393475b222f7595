package io.repeaterdispatch.store;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Drops the two gauges that the SQL client's metrics make per connection. Vert.x creates the
 * client metrics of a PostgreSQL connection for every connection it opens, and Quarkus registers
 * each one's {@code postgresql.queue.size} and {@code postgresql.current} gauges under the same
 * name and tags: the second connection's registration is refused (the startup WARN "This Gauge has
 * been already registered (MeterId{name='postgresql.queue.size', …})"), and the gauges go on showing
 * the first connection alone, forever. The pool's own gauges ({@code sql.queue.size},
 * {@code sql.active}, {@code sql.idle}, {@code sql.ratio}) say what those meant to, for the whole pool;
 * the client's timers and counters ({@code postgresql.processing}, {@code postgresql.completed}, …)
 * are shared by every connection and stay.
 */
@Singleton
public class SqlClientMeters {

    @Produces
    @Singleton
    MeterFilter perConnectionGauges() {
        return MeterFilter.deny(id -> id.getType() == Meter.Type.GAUGE && id.getName().startsWith("postgresql.")
                && "sql".equals(id.getTag("clientType")));
    }
}
