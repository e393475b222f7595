package io.repeaterdispatch.admin;

import io.quarkus.panache.common.Parameters;
import io.repeaterdispatch.admin.entity.RepeatRecordEntity;
import io.repeaterdispatch.delivery.RecordState;
import io.smallrye.mutiny.Uni;

import java.util.List;

/** Record listings (of a repeater or a domain): newest first, keyset pages on the id. */
final class RecordLists {

    private RecordLists() {
    }

    /** @param owner HQL condition naming the repeater or domain, with its parameter already in {@code args} */
    static Uni<Page<RecordViews.RecordSummary>> page(String owner, Parameters args, List<RecordState> states, String payloadId,
                                                      long beforeId, int limit) {
        StringBuilder where = new StringBuilder(owner).append(" and id < :before");
        args.and("before", beforeId);
        if (states != null) {
            where.append(" and state in (:states)");
            args.and("states", states.stream().map(s -> s.code).toList());
        }
        if (payloadId != null) {
            where.append(" and payloadId = :payloadId");
            args.and("payloadId", payloadId);
        }
        return RepeatRecordEntity.<RepeatRecordEntity>find(where + " order by id desc", args).range(0, limit).list()
                .map(rows -> Page.of(rows.stream().map(RecordViews::summary).toList(), limit, r -> Long.toString(r.id())));
    }
}
