package io.repeaterdispatch.admin.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
public record BulkRecordFilter(
        @Schema(description = "state names (pending, failed, succeeded, cancelled, empty, invalid_payload); absent: every state the "
                + "action applies to; [] is refused (400): leave it out", minItems = 1)
        List<String> state,
        @Schema(description = "only records of this payload id") String payloadId,
        @Schema(description = "only records registered at or after this instant (ISO-8601)", format = "date-time") String registeredAfter,
        @Schema(description = "only records registered before this instant (ISO-8601)", format = "date-time") String registeredBefore) {
}
