package io.repeaterdispatch.store;

import io.repeaterdispatch.core.DispatchClock;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;

/**
 * Group claims for the per-repeater path, as {@link ResultWriteGroups} groups result writes: turns
 * that want their batch while a claim statement is running wait for it and then go together in the
 * next one, so under load one statement claims many repeaters' batches instead of one each (with
 * the seed's batches of 7, the claim was one statement per seven deliveries). At most
 * {@link #STATEMENTS} run at once; the wait is bounded by the turns in flight, one per repeater.
 */
@ApplicationScoped
public class ClaimGroups extends StatementGroups<ClaimGroups.Pending> {

    /** Repeaters per statement, so one statement stays a few milliseconds long. */
    static final int MAX_REPEATERS = 64;

    record Pending(RecordClaims.BatchRequest request, Duration lease, boolean processRepeatersDefault,
                   UniEmitter<? super Optional<Claim>> done) {
    }

    private final RecordClaims claims;
    private final DispatchClock clock;

    public ClaimGroups(RecordClaims claims, DispatchClock clock) {
        this.claims = claims;
        this.clock = clock;
    }

    /** The repeater's batch of at most {@code limit} records, claimed now; empty if nothing was claimable. */
    public Uni<Optional<Claim>> claim(long repeaterId, int limit, Duration lease, boolean processRepeatersDefault) {
        return Uni.createFrom().emitter(done ->
                submit(new Pending(new RecordClaims.BatchRequest(repeaterId, limit), lease, processRepeatersDefault, done)));
    }

    @Override
    void execute(List<Pending> group, Runnable ended) {
        Pending first = group.get(0);
        claims.claimBatches(group.stream().map(Pending::request).toList(), clock.now(), first.lease(), first.processRepeatersDefault())
                .subscribe().with(
                        answers -> {
                            ended.run();
                            for (int i = 0; i < group.size(); i++) {
                                ClaimAnswer answer = answers.get(i);
                                if (answer.failure() != null) {
                                    group.get(i).done().fail(answer.failure());
                                } else {
                                    group.get(i).done().complete(answer.claim());
                                }
                            }
                        },
                        error -> {
                            // a claim changes nothing that survives its failure: each turn fails
                            // (and is logged) as it would have on its own
                            ended.run();
                            group.forEach(p -> p.done().fail(error));
                        });
    }

    /**
     * Up to {@link #MAX_REPEATERS} waiting claims with the same lease and flag default, each
     * repeater once (a statement cannot claim one repeater twice); the rest wait for the next.
     */
    @Override
    List<Pending> take(Queue<Pending> waiting) {
        List<Pending> group = new ArrayList<>();
        Set<Long> repeaters = new HashSet<>();
        List<Pending> later = new ArrayList<>();
        for (Pending next; group.size() < MAX_REPEATERS && (next = waiting.poll()) != null; ) {
            Pending first = group.isEmpty() ? next : group.get(0);
            if (repeaters.contains(next.request().repeaterId()) || !first.lease().equals(next.lease())
                    || first.processRepeatersDefault() != next.processRepeatersDefault()) {
                later.add(next);
            } else {
                group.add(next);
                repeaters.add(next.request().repeaterId());
            }
        }
        waiting.addAll(later);
        return group;
    }
}
