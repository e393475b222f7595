package io.repeaterdispatch.retention;

import io.repeaterdispatch.store.Partition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which partitions a run creates and drops, from the partitions and the time alone. */
class RetentionPlanTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    private static Partition day(String date) {
        Instant from = Instant.parse(date + "T00:00:00Z");
        return new Partition("t_p" + date.replace("-", ""), false, from, from.plus(Duration.ofDays(1)), 8192);
    }

    @Test
    void createsTodayAndTheDaysAheadThatNoPartitionCovers() {
        RetentionPlan plan = RetentionPlan.of("t", List.of(day("2026-12-04"), new Partition("t_default", true, null, null, 0)),
                NOW, Duration.ofDays(30), 2);
        assertEquals(List.of(new RetentionPlan.Day("t_p20261203", Instant.parse("2026-12-03T00:00:00Z"), Instant.parse("2026-12-04T00:00:00Z")),
                        new RetentionPlan.Day("t_p20261205", Instant.parse("2026-12-05T00:00:00Z"), Instant.parse("2026-12-06T00:00:00Z"))),
                plan.create(), "the default partition covers nothing for sure");
        assertEquals(List.of(), plan.drop());
    }

    @Test
    void dropsEveryPartitionWhoseNewestRowIsPastRetentionButNeverTheDefault() {
        Partition archive = new Partition("t_until_20261102", false, null, Instant.parse("2026-11-02T00:00:00Z"), 1);
        List<Partition> partitions = List.of(archive, day("2026-11-02"), day("2026-11-03"), day("2026-12-03"),
                new Partition("t_default", true, null, null, 0));
        // cutoff 2026-11-03T10:00: the 2nd of November ended before it, the 3rd did not
        RetentionPlan plan = RetentionPlan.of("t", partitions, NOW, Duration.ofDays(30), 0);
        assertEquals(List.of("t_until_20261102", "t_p20261102"), plan.drop());
        assertEquals(List.of(), plan.create(), "today exists");
    }

    @Test
    void anOpenStartedPartitionCoversTheDaysBeforeItsEnd() {
        Partition archive = new Partition("t_until_20261205", false, null, Instant.parse("2026-12-05T00:00:00Z"), 1);
        RetentionPlan plan = RetentionPlan.of("t", List.of(archive), NOW, Duration.ofDays(90), 2);
        assertEquals(List.of("t_p20261205"), plan.create().stream().map(RetentionPlan.Day::name).toList());
    }
}
