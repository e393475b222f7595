package io.repeaterdispatch.store;

import java.util.List;
import java.util.UUID;

/**
 * One claim's results, as written: the records (fenced by the claim's token) and, on the
 * per-repeater path, the repeater's backoff update (null on the legacy path).
 */
public record BatchOutcome(UUID claimToken, List<RecordResult> results, RepeaterUpdate repeater) {
}
