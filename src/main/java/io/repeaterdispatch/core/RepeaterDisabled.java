package io.repeaterdispatch.core;

import java.time.Instant;

/**
 * CDI event fired after the commit of a result write that disabled a repeater (store.ResultWriter);
 * dispatch observes it to count, log and notify the operator. The audit row is already written, in
 * the same statement as the disable.
 *
 * @param reason       {@code gone}, {@code receiver-requested} or {@code failing}
 * @param failingSince when its streak of wholly failed batches began; null if there was none
 */
public record RepeaterDisabled(long repeaterId, String domain, String reason, Instant disabledAt, Instant failingSince) {

    public static final String FAILING = "failing";
}
