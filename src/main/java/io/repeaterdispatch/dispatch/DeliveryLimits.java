package io.repeaterdispatch.dispatch;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DomainBudget;
import io.repeaterdispatch.core.LimitsChanged;
import io.repeaterdispatch.core.RateLimit;
import io.repeaterdispatch.store.ConfiguredLimits;
import io.repeaterdispatch.store.LimitRows;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The configured rates and budgets as this replica last read them: the loop asks for them on every
 * turn without touching PostgreSQL, and they are re-read every {@code dispatch.limits.refresh}
 * (so an admin change reaches every replica within it).
 */
@ApplicationScoped
public class DeliveryLimits {

    private static final Logger LOG = Logger.getLogger(DeliveryLimits.class);

    private final LimitRows rows;
    private final DispatchConfig config;
    private final Scheduler scheduler;
    private final DomainBudget defaults;
    private volatile ConfiguredLimits current = ConfiguredLimits.NONE;
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean changedMeanwhile = new AtomicBoolean();

    public DeliveryLimits(LimitRows rows, DispatchConfig config, Scheduler scheduler) {
        this.rows = rows;
        this.config = config;
        this.scheduler = scheduler;
        this.defaults = new DomainBudget(config.domainBudget().perMinute().toMillis(), config.domainBudget().perHour().toMillis());
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled() || !config.limits().enabled()) {
            return;
        }
        refresh().subscribe().with(done -> { }, error -> { });
        scheduler.newJob("dispatch.limits.refresh")
                .setInterval(config.limits().refresh().toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> refresh().onFailure().recoverWithNull())
                .schedule();
    }

    /** Reads the limits again; a failure keeps the last ones (logged once per failure). */
    public Uni<Void> refresh() {
        return rows.load().invoke(loaded -> current = loaded)
                .onFailure().invoke(error -> LOG.warnf("limits not re-read, keeping the last ones: %s", error.toString()))
                .replaceWithVoid();
    }

    /** An admin change in this replica: read them again now, one read at a time (a burst of changes costs two). */
    void onLimitsChanged(@Observes LimitsChanged event) {
        if (!config.limits().enabled()) {
            return;
        }
        changedMeanwhile.set(true);
        if (reading.compareAndSet(false, true)) {
            readWhileChanged();
        }
    }

    private void readWhileChanged() {
        changedMeanwhile.set(false);
        refresh().onFailure().recoverWithNull().subscribe().with(done -> {
            reading.set(false);
            if (changedMeanwhile.get() && reading.compareAndSet(false, true)) {
                readWhileChanged();
            }
        });
    }

    public boolean enabled() {
        return config.limits().enabled();
    }

    /** The repeater's configured rate, or null. */
    public RateLimit rate(long repeaterId) {
        return current.rates().get(repeaterId);
    }

    /** The domain's budget: its override where set, else the defaults. */
    public DomainBudget budget(String domain) {
        ConfiguredLimits.BudgetOverride override = current.budgets().get(domain);
        if (override == null) {
            return defaults;
        }
        return new DomainBudget(override.perMinuteMs() == null ? defaults.perMinuteMs() : override.perMinuteMs(),
                override.perHourMs() == null ? defaults.perHourMs() : override.perHourMs());
    }
}
