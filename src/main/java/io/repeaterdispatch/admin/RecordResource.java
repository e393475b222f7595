package io.repeaterdispatch.admin;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.repeaterdispatch.admin.entity.AttemptEntity;
import io.repeaterdispatch.admin.entity.RepeatRecordEntity;
import io.repeaterdispatch.delivery.RecordState;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;

/** One record with its attempts, oldest first. */
@Path("/api/v1/records")
@Produces(MediaType.APPLICATION_JSON)
public class RecordResource {

    public record AttemptView(String state, Integer httpStatus, String message, int durationMs, Instant at) {
    }

    public record RecordView(long id, long repeaterId, String domain, String payloadId, String state, int stateCode,
                             int attemptCount, Instant nextCheck, Instant registeredAt, Instant updatedAt,
                             List<AttemptView> attempts) {
    }

    @GET
    @Path("{id}")
    @WithSession
    public Uni<RecordView> get(@PathParam("id") String id) {
        long recordId = Ids.parse(id, "record");
        return RepeatRecordEntity.<RepeatRecordEntity>findById(recordId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("record", recordId))
                .flatMap(r -> AttemptEntity.<AttemptEntity>list("recordId = ?1 order by id", recordId).map(attempts -> new RecordView(
                        r.id, r.repeaterId, r.domain, r.payloadId, RepeaterResource.stateName(RecordState.of(r.state)), r.state,
                        r.attemptCount, r.nextCheck, r.registeredAt, r.updatedAt,
                        attempts.stream().map(a -> new AttemptView(RepeaterResource.stateName(RecordState.of(a.state)),
                                a.httpStatus, a.message, a.durationMs, a.createdAt)).toList())));
    }
}
