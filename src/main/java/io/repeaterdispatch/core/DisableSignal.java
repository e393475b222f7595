package io.repeaterdispatch.core;

/**
 * An endpoint's answer that disables its repeater (docs/api.md, "Disabled endpoints"); the record's
 * own outcome is classified as usual. The result write decides: {@link #RECEIVER_REQUESTED} counts
 * only for a repeater that opted in ({@code lifecycle.honorDisableHeader}).
 */
public enum DisableSignal {
    /** 410 Gone, unless the repeater's status policy retries 410. */
    GONE("gone"),
    /** The header {@code webhook-delivery: disable}, whatever the status. */
    RECEIVER_REQUESTED("receiver-requested");

    /** The repeater's {@code disabledReason}, as stored and shown. */
    public final String reason;

    DisableSignal(String reason) {
        this.reason = reason;
    }

    /** The stronger of two signals (null is none): a 410 disables whatever the repeater opted in to. */
    public static DisableSignal strongest(DisableSignal a, DisableSignal b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.ordinal() <= b.ordinal() ? a : b;
    }
}
