package io.repeaterdispatch.retention;

import io.repeaterdispatch.config.RetentionConfig;

import java.time.Duration;
import java.util.function.Function;

/** The tables partitioned by day, each with the column it is partitioned on and its retention. */
enum PartitionedTable {

    DELIVERED_HISTORY("repeat_record_history_delivered", "finished_at", RetentionConfig::delivered),
    STOPPED_HISTORY("repeat_record_history_stopped", "finished_at", RetentionConfig::stopped),
    ATTEMPTS("repeat_record_attempt", "created_at", RetentionConfig::attempts);

    final String table;
    final String key;
    private final Function<RetentionConfig, Duration> retention;

    PartitionedTable(String table, String key, Function<RetentionConfig, Duration> retention) {
        this.table = table;
        this.key = key;
        this.retention = retention;
    }

    Duration retention(RetentionConfig config) {
        return retention.apply(config);
    }
}
