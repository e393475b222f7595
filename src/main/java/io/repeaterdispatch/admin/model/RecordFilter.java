package io.repeaterdispatch.admin.model;

import io.repeaterdispatch.core.RecordState;

import java.time.Instant;
import java.util.List;

/**
 * Which of a repeater's records a bulk transition changes; null fields do not filter.
 *
 * @param registeredAfter  inclusive
 * @param registeredBefore exclusive
 */
public record RecordFilter(List<RecordState> states, String payloadId, Instant registeredAfter, Instant registeredBefore) {
}
