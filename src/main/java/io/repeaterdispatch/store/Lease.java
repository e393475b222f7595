package io.repeaterdispatch.store;

import java.util.UUID;

/** One leased record: its id and the claim token that fences it. */
public record Lease(long recordId, UUID token) {
}
