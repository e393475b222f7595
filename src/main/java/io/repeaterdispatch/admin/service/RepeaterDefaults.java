package io.repeaterdispatch.admin.service;

/**
 * What a repeater gets for fields its create request leaves out. They are the schema's column
 * defaults too (migrations/V1); RepeaterDefaultsTest reads those from the database and fails if
 * the two ever part.
 */
public final class RepeaterDefaults {

    public static final String METHOD = "POST";
    public static final int TIMEOUT_MS = 30_000;
    public static final int BATCH_SIZE = 7;

    private RepeaterDefaults() {
    }
}
