package io.repeaterdispatch.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Retention of history, attempts and the audit trail, enforced by dropping whole partitions (days;
 * months for the audit trail; io.repeaterdispatch.retention). A partition is dropped once its newest
 * possible row is older than its class's retention.
 */
@ConfigMapping(prefix = "retention")
public interface RetentionConfig {

    /** Runs the maintenance job on its schedule (creating days ahead, dropping expired ones). */
    @WithDefault("true")
    boolean enabled();

    /** How often each replica tries; only the one holding the maintenance lock changes anything. */
    @WithDefault("1h")
    Duration interval();

    /** Day partitions kept created ahead of today, so a row never waits on a partition. */
    @WithDefault("7")
    int daysAhead();

    /** Longest wait for the brief lock that creating or dropping a partition takes on its parent. */
    @WithDefault("2s")
    Duration lockTimeout();

    /** Succeeded and empty records in history. */
    @WithDefault("30d")
    Duration delivered();

    /** Cancelled and invalid-payload records in history. */
    @WithDefault("90d")
    Duration stopped();

    /** Delivery attempts, whatever their record's state. */
    @WithDefault("30d")
    Duration attempts();

    /** The admin audit trail (partitioned by month: a month is dropped once its last day is this old). */
    @WithDefault("365d")
    Duration audit();
}
