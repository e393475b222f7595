package io.repeaterdispatch.store;

import io.repeaterdispatch.core.DispatchClock;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit for the per-repeater path: batches that finish while a result write is running
 * wait for it and then go together in the next statement, so under load one statement (and one
 * commit) records many repeaters' batches instead of one each. At most {@link #STATEMENTS}
 * statements run at once. The wait is bounded: each repeater has at most one batch in flight, so
 * the queue never holds more entries than there are repeaters being served.
 */
@ApplicationScoped
public class ResultWriteGroups extends StatementGroups<ResultWriteGroups.Pending> {

    /** Records per statement, so one statement stays a few milliseconds long. */
    static final int MAX_RECORDS = 2_000;

    record Pending(BatchOutcome batch, UniEmitter<? super Integer> done) {
    }

    private final ResultWriter writer;
    private final DispatchClock clock;
    private final AtomicInteger unfinished = new AtomicInteger();

    public ResultWriteGroups(ResultWriter writer, DispatchClock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    /** @return how many of the batch's records were written (fewer if some leases were lost) */
    public Uni<Integer> write(BatchOutcome batch) {
        return Uni.createFrom().<Integer>emitter(done -> {
            unfinished.incrementAndGet();
            submit(new Pending(batch, done));
        }).onTermination().invoke(unfinished::decrementAndGet);
    }

    /** Batches handed in whose write has not ended yet, queued or running (tests wait for 0 before they empty the tables). */
    public int unfinished() {
        return unfinished.get();
    }

    @Override
    List<Pending> take(Queue<Pending> waiting) {
        List<Pending> group = new ArrayList<>();
        int records = 0;
        for (Pending next; records < MAX_RECORDS && (next = waiting.poll()) != null; ) {
            group.add(next);
            records += next.batch().results().size();
        }
        return group;
    }

    @Override
    void execute(List<Pending> group, Runnable ended) {
        writer.write(group.stream().map(Pending::batch).toList(), clock.now()).subscribe().with(
                written -> {
                    ended.run();
                    group.forEach(p -> p.done().complete(count(p.batch(), written)));
                },
                error -> {
                    ended.run();
                    if (group.size() == 1) {
                        group.get(0).done().fail(error);
                    } else {
                        isolate(group);
                    }
                });
    }

    /**
     * A failed group is retried batch by batch, one statement at a time, so one batch's bad row
     * cannot fail the others.
     */
    private void isolate(List<Pending> group) {
        if (group.isEmpty()) {
            return;
        }
        Pending p = group.get(0);
        List<Pending> rest = group.subList(1, group.size());
        writer.write(p.batch(), clock.now()).subscribe().with(
                written -> {
                    p.done().complete(written);
                    isolate(rest);
                },
                error -> {
                    p.done().fail(error);
                    isolate(rest);
                });
    }

    private static int count(BatchOutcome batch, Set<Long> written) {
        int n = 0;
        for (RecordResult r : batch.results()) {
            if (written.contains(r.attempt().recordId())) {
                n++;
            }
        }
        return n;
    }
}
