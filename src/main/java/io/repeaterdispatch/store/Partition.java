package io.repeaterdispatch.store;

import java.time.Instant;

/**
 * One partition of a time-partitioned table as the catalog has it.
 *
 * @param from  its lower bound; null for the default partition and for one that starts at MINVALUE
 * @param to    its upper bound (exclusive); null for the default partition
 * @param bytes table, indexes and TOAST
 */
public record Partition(String name, boolean isDefault, Instant from, Instant to, long bytes) {

    /** Whether this partition holds every row of [from, to) (a default partition holds nothing for sure). */
    public boolean covers(Instant dayFrom, Instant dayTo) {
        return !isDefault && (from == null || !from.isAfter(dayFrom)) && !to.isBefore(dayTo);
    }
}
