package io.repeaterdispatch.lock;

import io.repeaterdispatch.core.DomainBudget;
import io.repeaterdispatch.core.RateLimit;

/**
 * What a repeater turn asks of Redis before it claims anything.
 *
 * @param wanted    delivery slots the loop holds for the turn: the most it may send
 * @param batchSize the repeater's batch size, the ceiling of its adaptive concurrency
 * @param rate      the repeater's configured rate, or null
 * @param adaptive  whether adaptive concurrency and learned rates apply
 */
public record TurnRequest(long repeaterId, String domain, int wanted, int batchSize, RateLimit rate, DomainBudget budget,
                          boolean adaptive) {
}
