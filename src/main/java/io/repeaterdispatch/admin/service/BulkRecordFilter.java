package io.repeaterdispatch.admin.service;

import java.util.List;

/**
 * Body of the bulk record routes: which of a repeater's records to change. Every field is
 * optional; an empty filter means every record of the repeater the transition applies to, which
 * is why an unknown (say, misspelt) field is refused rather than skipped (admin.web.StrictFields).
 *
 * @param state            state names, e.g. ["failed", "cancelled"]
 * @param registeredAfter  ISO-8601 instant, inclusive
 * @param registeredBefore ISO-8601 instant, exclusive
 */
public record BulkRecordFilter(List<String> state, String payloadId, String registeredAfter, String registeredBefore) {
}
