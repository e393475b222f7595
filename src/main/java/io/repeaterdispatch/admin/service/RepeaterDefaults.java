package io.repeaterdispatch.admin.service;

/**
 * What a repeater gets for fields its create request leaves out. They are the schema's column
 * defaults too (migrations/V1); RepeaterDefaultsTest reads those from the database and fails if
 * the two ever part. No rate limit and no status codes of its own are the schema's defaults as
 * well (migrations/V12: NULL and '{}').
 */
public final class RepeaterDefaults {

    public static final String METHOD = "POST";
    public static final int TIMEOUT_MS = 30_000;
    public static final int BATCH_SIZE = 7;
    /** Deliveries are signed unless a repeater turns it off (migrations/V15). */
    public static final boolean SIGNING_ENABLED = true;
    /** Batches go in parallel unless a repeater asks for strict order (migrations/V18). */
    public static final String ORDERING = "parallel";

    /** A rate limit's burst when the request leaves it out: one second's worth of requests, at least one. */
    public static int burstFor(double perSecond) {
        return (int) Math.max(1, Math.ceil(perSecond));
    }

    private RepeaterDefaults() {
    }
}
