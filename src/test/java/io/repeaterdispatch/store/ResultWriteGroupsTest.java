package io.repeaterdispatch.store;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.core.RecordState;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit's failure path, with a writer that fails on one bad record: no database. */
class ResultWriteGroupsTest {

    private static final long BAD_RECORD = 2;

    /** Fails any write holding the bad record; holds the first two writes open until released, so the others queue up as a group. */
    static final class FakeWriter extends ResultWriter {
        final List<List<Long>> statements = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> firstMayEnd = new CompletableFuture<>();

        FakeWriter() {
            super(null);
        }

        @Override
        public Uni<Set<Long>> write(List<BatchOutcome> batches, Instant now) {
            List<Long> ids = new ArrayList<>();
            batches.forEach(b -> b.results().forEach(r -> ids.add(r.attempt().recordId())));
            boolean held = statements.size() < 2; // both statement slots busy: the next batches queue as one group
            statements.add(ids);
            Uni<Void> gate = held ? Uni.createFrom().completionStage(firstMayEnd) : Uni.createFrom().voidItem();
            return gate.map(v -> {
                if (ids.contains(BAD_RECORD)) {
                    throw new IllegalStateException("bad row");
                }
                return new HashSet<>(ids);
            });
        }
    }

    private static BatchOutcome batch(long recordId) {
        DeliveryResult attempt = new DeliveryResult(recordId, RecordState.SUCCEEDED, 200, "", Instant.EPOCH, 1, null);
        return new BatchOutcome(UUID.randomUUID(), List.of(new RecordResult(attempt, RecordState.SUCCEEDED, null)), null);
    }

    @Test
    void aFailedGroupIsRetriedBatchByBatchSoOnlyTheBadOneFails() {
        FakeWriter writer = new FakeWriter();
        ResultWriteGroups groups = new ResultWriteGroups(writer, new DispatchClock());
        var first = groups.write(batch(100)).subscribeAsCompletionStage();
        var second = groups.write(batch(101)).subscribeAsCompletionStage(); // at most two statements run at once
        var queued = List.of(groups.write(batch(1)).subscribeAsCompletionStage(), groups.write(batch(BAD_RECORD)).subscribeAsCompletionStage(),
                groups.write(batch(3)).subscribeAsCompletionStage());
        writer.firstMayEnd.complete(null);
        assertEquals(1, first.toCompletableFuture().join());
        assertEquals(1, second.toCompletableFuture().join());
        assertEquals(1, queued.get(0).toCompletableFuture().join());
        assertTrue(queued.get(1).toCompletableFuture().handle((n, e) -> e != null).join(), "the bad batch fails");
        assertEquals(1, queued.get(2).toCompletableFuture().join(), "its neighbours in the group are written");
        assertEquals(List.of(List.of(100L), List.of(101L), List.of(1L, BAD_RECORD, 3L), List.of(1L), List.of(BAD_RECORD), List.of(3L)),
                writer.statements, "one grouped statement, then each batch of the failed group alone");
    }
}
