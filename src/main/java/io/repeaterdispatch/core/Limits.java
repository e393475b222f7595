package io.repeaterdispatch.core;

/** Bounds the schema enforces (CHECK constraints in migrations/V1) and the code relies on. */
public final class Limits {

    /** Longest timeout a repeater may ask for; claim leases must outlast the capped request (see config.ConfigCheck). */
    public static final int MAX_TIMEOUT_MS = 300_000;

    private Limits() {
    }
}
