package io.repeaterdispatch.retention;

import io.repeaterdispatch.store.Partition;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * What one maintenance run does to one table, decided from its partitions and the time alone:
 * the UTC days from today to {@code daysAhead} ahead that no partition covers are created; every
 * partition whose upper bound is older than the retention is dropped. The default partition is
 * never dropped.
 */
record RetentionPlan(List<Day> create, List<String> drop) {

    /** A day partition to create: {@code <table>_pYYYYMMDD} for [from, from + 1 day). */
    record Day(String name, Instant from, Instant to) {
    }

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    static RetentionPlan of(String table, List<Partition> partitions, Instant now, Duration retention, int daysAhead) {
        Instant today = now.truncatedTo(ChronoUnit.DAYS);
        List<Day> create = new ArrayList<>();
        for (int ahead = 0; ahead <= daysAhead; ahead++) {
            Instant from = today.plus(ahead, ChronoUnit.DAYS);
            Instant to = from.plus(1, ChronoUnit.DAYS);
            if (partitions.stream().noneMatch(p -> p.covers(from, to))) {
                create.add(new Day(table + "_p" + SUFFIX.format(from), from, to));
            }
        }
        Instant cutoff = now.minus(retention);
        List<String> drop = partitions.stream()
                .filter(p -> !p.isDefault() && !p.to().isAfter(cutoff))
                .map(Partition::name)
                .toList();
        return new RetentionPlan(List.copyOf(create), drop);
    }
}
