package io.repeaterdispatch.retention;

import io.repeaterdispatch.config.AdminConfig;
import io.repeaterdispatch.config.RetentionConfig;

import java.time.Duration;
import java.util.function.BiFunction;

/** The time-partitioned tables, each with the column it is partitioned on, the span of one partition and its retention. */
enum PartitionedTable {

    DELIVERED_HISTORY("repeat_record_history_delivered", "finished_at", Granularity.DAY, (retention, admin) -> retention.delivered()),
    STOPPED_HISTORY("repeat_record_history_stopped", "finished_at", Granularity.DAY, (retention, admin) -> retention.stopped()),
    ATTEMPTS("repeat_record_attempt", "created_at", Granularity.DAY, (retention, admin) -> retention.attempts()),
    AUDIT("admin_audit", "at", Granularity.MONTH, (retention, admin) -> retention.audit()),
    IDEMPOTENCY_KEYS("idempotency_key", "created_at", Granularity.DAY,
            (retention, admin) -> keyRetention(admin.idempotency().window()));

    final String table;
    final String key;
    final Granularity granularity;
    private final BiFunction<RetentionConfig, AdminConfig, Duration> retention;

    PartitionedTable(String table, String key, Granularity granularity, BiFunction<RetentionConfig, AdminConfig, Duration> retention) {
        this.table = table;
        this.key = key;
        this.granularity = granularity;
        this.retention = retention;
    }

    Duration retention(RetentionConfig config, AdminConfig admin) {
        return retention.apply(config, admin);
    }

    /**
     * Idempotency keys are kept their window rounded up to whole days, plus a day (24h: two days): a
     * day partition goes once its newest possible key is that old, so a key still inside its window
     * is never dropped, with a day to spare for replicas whose clocks differ.
     */
    static Duration keyRetention(Duration window) {
        long wholeDays = window.plus(Duration.ofDays(1)).minusNanos(1).toDays(); // rounded up
        return Duration.ofDays(wholeDays + 1);
    }
}
