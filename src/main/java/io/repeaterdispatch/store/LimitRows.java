package io.repeaterdispatch.store;

import io.repeaterdispatch.core.RateLimit;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;

/** Reads the configured limits (few rows: only repeaters with a rate, only domains with an override). */
@ApplicationScoped
public class LimitRows {

    static final String RATES = "SELECT id, rate_per_second, rate_burst FROM repeater "
            + "WHERE rate_per_second IS NOT NULL AND NOT is_deleted";
    static final String BUDGETS = "SELECT domain, remote_ms_per_minute, remote_ms_per_hour FROM domain_limit";

    private final Pool pool;

    public LimitRows(Pool pool) {
        this.pool = pool;
    }

    public Uni<ConfiguredLimits> load() {
        return pool.query(RATES).execute().flatMap(rateRows -> {
            Map<Long, RateLimit> rates = new HashMap<>();
            for (Row row : rateRows) {
                double perSecond = row.getDouble("rate_per_second");
                Integer burst = row.getInteger("rate_burst");
                rates.put(row.getLong("id"), new RateLimit(perSecond, burst == null ? RateLimit.defaultBurst(perSecond) : burst));
            }
            return pool.query(BUDGETS).execute().map(budgetRows -> {
                Map<String, ConfiguredLimits.BudgetOverride> budgets = new HashMap<>();
                for (Row row : budgetRows) {
                    budgets.put(row.getString("domain"),
                            new ConfiguredLimits.BudgetOverride(row.getLong("remote_ms_per_minute"), row.getLong("remote_ms_per_hour")));
                }
                return new ConfiguredLimits(Map.copyOf(rates), Map.copyOf(budgets));
            });
        });
    }
}
