package io.repeaterdispatch.retention;

import io.repeaterdispatch.config.RetentionConfig;

import java.time.Duration;
import java.util.function.Function;

/** The time-partitioned tables, each with the column it is partitioned on, the span of one partition and its retention. */
enum PartitionedTable {

    DELIVERED_HISTORY("repeat_record_history_delivered", "finished_at", Granularity.DAY, RetentionConfig::delivered),
    STOPPED_HISTORY("repeat_record_history_stopped", "finished_at", Granularity.DAY, RetentionConfig::stopped),
    ATTEMPTS("repeat_record_attempt", "created_at", Granularity.DAY, RetentionConfig::attempts),
    AUDIT("admin_audit", "at", Granularity.MONTH, RetentionConfig::audit);

    final String table;
    final String key;
    final Granularity granularity;
    private final Function<RetentionConfig, Duration> retention;

    PartitionedTable(String table, String key, Granularity granularity, Function<RetentionConfig, Duration> retention) {
        this.table = table;
        this.key = key;
        this.granularity = granularity;
        this.retention = retention;
    }

    Duration retention(RetentionConfig config) {
        return retention.apply(config);
    }
}
