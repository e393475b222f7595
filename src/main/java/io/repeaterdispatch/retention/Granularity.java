package io.repeaterdispatch.retention;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** How long one partition of a table spans, in UTC, and how its name ends. */
enum Granularity {

    /** History and attempts: a day's rows are dropped whole, so a day is the finest retention step. */
    DAY("yyyyMMdd") {
        @Override
        Instant start(Instant at) {
            return at.truncatedTo(ChronoUnit.DAYS);
        }

        @Override
        Instant next(Instant start) {
            return start.plus(1, ChronoUnit.DAYS);
        }
    },
    /** The audit trail: few rows a day, kept a year; a day's partition would hold next to nothing. */
    MONTH("yyyyMM") {
        @Override
        Instant start(Instant at) {
            return ZonedDateTime.ofInstant(at, ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).toInstant();
        }

        @Override
        Instant next(Instant start) {
            return ZonedDateTime.ofInstant(start, ZoneOffset.UTC).plusMonths(1).toInstant();
        }
    };

    private final DateTimeFormatter suffix;

    Granularity(String pattern) {
        this.suffix = DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC);
    }

    /** The start of the period that holds {@code at}. */
    abstract Instant start(Instant at);

    /** The start of the period after the one starting at {@code start}. */
    abstract Instant next(Instant start);

    String suffix(Instant start) {
        return suffix.format(start);
    }
}
