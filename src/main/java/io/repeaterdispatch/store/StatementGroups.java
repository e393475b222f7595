package io.repeaterdispatch.store;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit of one kind of statement: entries handed in while statements are running wait and
 * then go together in the next one, so under load one statement serves many entries. At most
 * {@link #STATEMENTS} run at once. Subclasses say which waiting entries make a group and run its
 * statement ({@link ClaimGroups}, {@link ResultWriteGroups}).
 */
abstract class StatementGroups<P> {

    /** Statements at once: two keeps one filling while the other commits. */
    static final int STATEMENTS = 2;

    private final Queue<P> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();

    void submit(P entry) {
        pending.add(entry);
        pump();
    }

    /** The next group, polled from {@code waiting}; entries that cannot join it may be put back. */
    abstract List<P> take(Queue<P> waiting);

    /** Runs the group's statement and calls {@code ended} once it has ended, before answering the entries. */
    abstract void execute(List<P> group, Runnable ended);

    private void pump() {
        while (!pending.isEmpty()) {
            int now = running.get();
            if (now >= STATEMENTS) {
                return; // a running statement pumps again when it ends
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            List<P> group = take(pending);
            if (group.isEmpty()) {
                running.decrementAndGet();
                continue;
            }
            execute(group, () -> {
                running.decrementAndGet();
                pump();
            });
        }
    }
}
