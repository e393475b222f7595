package io.repeaterdispatch.store;

import io.repeaterdispatch.core.DisableSignal;

import java.util.List;
import java.util.UUID;

/**
 * One claim's results, as written: the records (fenced by the claim's token) and, on the
 * per-repeater path, the repeater's backoff update (null on the legacy path).
 *
 * @param disable an answer of the batch asked to disable its repeater (either path); null if none did
 */
public record BatchOutcome(UUID claimToken, List<RecordResult> results, RepeaterUpdate repeater, DisableRequest disable) {

    public BatchOutcome(UUID claimToken, List<RecordResult> results, RepeaterUpdate repeater) {
        this(claimToken, results, repeater, null);
    }

    /** The strongest signal a batch's answers gave about their repeater (core.DisableSignal). */
    public record DisableRequest(long repeaterId, DisableSignal signal) {
    }
}
