package io.repeaterdispatch.store;

import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.core.Endpoint;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Records leased in one statement, with the endpoint to send them to.
 *
 * @param token         fencing token: result writes only touch records still carrying it
 * @param lastAttemptAt the repeater's backoff state read under the claim (null: healthy)
 * @param more          due records remain beyond this claim (per-repeater batches only)
 */
public record Claim(UUID token, Endpoint endpoint, Instant lastAttemptAt, List<ClaimedRecord> records, boolean more) {
}
