package io.repeaterdispatch.retention;

import io.repeaterdispatch.store.Partition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one maintenance run does to one table, decided from its partitions and the time alone:
 * the periods (days or months, UTC) from the current one to {@code daysAhead} days ahead that no
 * partition covers are created; every partition whose upper bound is older than the retention is
 * dropped. The default partition is never dropped.
 */
record RetentionPlan(List<Period> create, List<String> drop) {

    /** A partition to create: {@code <table>_p<suffix>} for [from, to). */
    record Period(String name, Instant from, Instant to) {
    }

    static RetentionPlan of(String table, Granularity granularity, List<Partition> partitions, Instant now, Duration retention,
                            int daysAhead) {
        Instant horizon = now.plus(Duration.ofDays(daysAhead));
        List<Period> create = new ArrayList<>();
        for (Instant from = granularity.start(now); !from.isAfter(horizon); from = granularity.next(from)) {
            Instant periodFrom = from;
            Instant periodTo = granularity.next(from);
            if (partitions.stream().noneMatch(p -> p.covers(periodFrom, periodTo))) {
                create.add(new Period(table + "_p" + granularity.suffix(from), periodFrom, periodTo));
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
