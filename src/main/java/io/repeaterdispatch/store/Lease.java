package io.repeaterdispatch.store;

import io.vertx.mutiny.sqlclient.Tuple;

import java.util.List;
import java.util.UUID;

/** One leased record: its id and the claim token that fences it. */
public record Lease(long recordId, UUID token) {

    /** The leases as two parallel arrays, the first two parameters of a fenced statement. */
    static Tuple arrays(List<Lease> leases) {
        Long[] ids = new Long[leases.size()];
        UUID[] tokens = new UUID[leases.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = leases.get(i).recordId();
            tokens[i] = leases.get(i).token();
        }
        return Tuple.tuple().addValue(ids).addValue(tokens);
    }
}
