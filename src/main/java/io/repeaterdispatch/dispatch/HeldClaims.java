package io.repeaterdispatch.dispatch;

import io.repeaterdispatch.store.Claim;
import io.repeaterdispatch.store.Lease;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The claims this process holds right now (leased records whose outcome is not written yet), so
 * that a shutdown can hand back the ones it abandons at once instead of leaving them leased
 * until the lease ends. Both dispatch paths add a claim when it is made and remove it when its
 * turn ends, however it ends.
 */
@ApplicationScoped
public class HeldClaims {

    private final Map<UUID, long[]> held = new ConcurrentHashMap<>();
    private final AtomicLong recordsEnded = new AtomicLong();

    public void add(Claim claim) {
        long[] ids = new long[claim.records().size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = claim.records().get(i).id();
        }
        held.put(claim.token(), ids);
    }

    public void remove(Claim claim) {
        long[] ids = held.remove(claim.token());
        if (ids != null) {
            recordsEnded.addAndGet(ids.length);
        }
    }

    /** Records held now. */
    public int records() {
        int n = 0;
        for (long[] ids : held.values()) {
            n += ids.length;
        }
        return n;
    }

    /** Records whose claim ended (outcome written, or the write given up) since the process started. */
    public long recordsEnded() {
        return recordsEnded.get();
    }

    public List<Lease> snapshot() {
        List<Lease> all = new ArrayList<>();
        held.forEach((token, ids) -> {
            for (long id : ids) {
                all.add(new Lease(id, token));
            }
        });
        return all;
    }
}
