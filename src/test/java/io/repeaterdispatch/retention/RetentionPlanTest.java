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
        RetentionPlan plan = RetentionPlan.of("t", Granularity.DAY, List.of(day("2026-12-04"), new Partition("t_default", true, null, null, 0)),
                NOW, Duration.ofDays(30), 2);
        assertEquals(List.of(new RetentionPlan.Period("t_p20261203", Instant.parse("2026-12-03T00:00:00Z"), Instant.parse("2026-12-04T00:00:00Z")),
                        new RetentionPlan.Period("t_p20261205", Instant.parse("2026-12-05T00:00:00Z"), Instant.parse("2026-12-06T00:00:00Z"))),
                plan.create(), "the default partition covers nothing for sure");
        assertEquals(List.of(), plan.drop());
    }

    @Test
    void dropsEveryPartitionWhoseNewestRowIsPastRetentionButNeverTheDefault() {
        Partition archive = new Partition("t_until_20261102", false, null, Instant.parse("2026-11-02T00:00:00Z"), 1);
        List<Partition> partitions = List.of(archive, day("2026-11-02"), day("2026-11-03"), day("2026-12-03"),
                new Partition("t_default", true, null, null, 0));
        // cutoff 2026-11-03T10:00: the 2nd of November ended before it, the 3rd did not
        RetentionPlan plan = RetentionPlan.of("t", Granularity.DAY, partitions, NOW, Duration.ofDays(30), 0);
        assertEquals(List.of("t_until_20261102", "t_p20261102"), plan.drop());
        assertEquals(List.of(), plan.create(), "today exists");
    }

    @Test
    void anOpenStartedPartitionCoversTheDaysBeforeItsEnd() {
        Partition archive = new Partition("t_until_20261205", false, null, Instant.parse("2026-12-05T00:00:00Z"), 1);
        RetentionPlan plan = RetentionPlan.of("t", Granularity.DAY, List.of(archive), NOW, Duration.ofDays(90), 2);
        assertEquals(List.of("t_p20261205"), plan.create().stream().map(RetentionPlan.Period::name).toList());
    }

    @Test
    void monthsAreCreatedFromTheCurrentOneToTheMonthTheDaysAheadReach() {
        Instant lateInMonth = Instant.parse("2026-12-28T23:00:00Z");
        RetentionPlan plan = RetentionPlan.of("a", Granularity.MONTH, List.of(), lateInMonth, Duration.ofDays(365), 7);
        assertEquals(List.of(new RetentionPlan.Period("a_p202612", Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z")),
                        new RetentionPlan.Period("a_p202701", Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2027-02-01T00:00:00Z"))),
                plan.create(), "across the year's end");
        assertEquals(List.of("a_p202612"), RetentionPlan.of("a", Granularity.MONTH, List.of(), NOW, Duration.ofDays(365), 7)
                .create().stream().map(RetentionPlan.Period::name).toList(), "early in a month, only that month");
    }

    @Test
    void aMonthIsDroppedOnceItsLastDayIsPastRetention() {
        Partition november2025 = new Partition("a_p202511", false, Instant.parse("2025-11-01T00:00:00Z"),
                Instant.parse("2025-12-01T00:00:00Z"), 1);
        Partition december2025 = new Partition("a_p202512", false, Instant.parse("2025-12-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00Z"), 1);
        // cutoff 2025-12-03T10:00: November ended before it; December's rows are not all that old yet
        RetentionPlan plan = RetentionPlan.of("a", Granularity.MONTH, List.of(november2025, december2025), NOW, Duration.ofDays(365), 0);
        assertEquals(List.of("a_p202511"), plan.drop());
    }

    @Test
    void idempotencyKeysAreKeptTheirWindowInWholeDaysPlusOne() {
        assertEquals(Duration.ofDays(2), PartitionedTable.keyRetention(Duration.ofHours(24)), "the default window");
        assertEquals(Duration.ofDays(2), PartitionedTable.keyRetention(Duration.ofSeconds(1)));
        assertEquals(Duration.ofDays(3), PartitionedTable.keyRetention(Duration.ofHours(25)), "a part day counts whole");
        assertEquals(Duration.ofDays(3), PartitionedTable.keyRetention(Duration.ofHours(48)));
        assertEquals(Duration.ofDays(8), PartitionedTable.keyRetention(Duration.ofDays(7)));
    }

    @Test
    void aDayOfKeysIsDroppedOnceItsNewestKeyIsPastTheWindowAndADay() {
        // 24h window: two days, cutoff 2026-12-01T10:00. Every key of the 30th of November is older than
        // that; the newest possible one of the 1st (23:59:59, 34 h old) is past its window but not yet
        // by a day; the 2nd's are inside their window
        List<Partition> partitions = List.of(day("2026-11-30"), day("2026-12-01"), day("2026-12-02"),
                new Partition("t_default", true, null, null, 0));
        RetentionPlan plan = RetentionPlan.of("t", Granularity.DAY, partitions, NOW, PartitionedTable.keyRetention(Duration.ofHours(24)), 0);
        assertEquals(List.of("t_p20261130"), plan.drop());
    }
}
