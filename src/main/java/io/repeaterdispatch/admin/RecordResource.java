package io.repeaterdispatch.admin;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.repeaterdispatch.admin.entity.AttemptEntity;
import io.repeaterdispatch.admin.entity.RepeatRecordEntity;
import io.repeaterdispatch.delivery.RecordState;
import io.repeaterdispatch.dispatch.DispatchClock;
import io.repeaterdispatch.dispatch.DispatchScheduler;
import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.Map;

/** One record: read it with its attempts, read its payload, requeue, resend or cancel it. */
@Tag(name = "Records")
@Path("/api/v1/records/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class RecordResource {

    private final AuditTrail audit;
    private final DispatchClock clock;
    private final DispatchScheduler dispatch;

    public RecordResource(AuditTrail audit, DispatchClock clock, DispatchScheduler dispatch) {
        this.audit = audit;
        this.clock = clock;
        this.dispatch = dispatch;
    }

    @GET
    @WithSession
    @Operation(summary = "Read a record", description = "With every attempt, oldest first.")
    public Uni<RecordViews.RecordView> get(@PathParam("id") String id) {
        long recordId = Ids.parse(id, "record");
        return find(recordId).flatMap(r -> AttemptEntity.<AttemptEntity>list("recordId = ?1 order by id", recordId)
                .map(attempts -> RecordViews.view(r, attempts)));
    }

    /** The payload exactly as queued, with its content type. */
    @GET
    @Path("payload")
    @Produces(MediaType.WILDCARD)
    @WithSession
    @Operation(summary = "Read a record's payload", description = "Exactly as queued, with its content type.")
    public Uni<Response> payload(@PathParam("id") String id) {
        long recordId = Ids.parse(id, "record");
        return Panache.getSession().flatMap(s -> s
                        .createNativeQuery("SELECT payload, content_type FROM repeat_record WHERE id = ?1", Object[].class)
                        .setParameter(1, recordId).getSingleResultOrNull())
                .onItem().ifNull().failWith(() -> ApiException.notFound("record", recordId))
                .map(row -> Response.ok((String) row[0], (String) row[1]).build());
    }

    @POST
    @Path("requeue")
    @Operation(summary = "Requeue a record", description = "From cancelled or invalid_payload (fresh tries) or failed (due now); 409 otherwise or while it is being delivered.")
    public Uni<RecordViews.RecordView> requeue(@PathParam("id") String id, @Context SecurityContext who) {
        return apply(RecordTransition.REQUEUE, id, who);
    }

    @POST
    @Path("resend")
    @Operation(summary = "Resend a record", description = "From succeeded or empty; 409 otherwise.")
    public Uni<RecordViews.RecordView> resend(@PathParam("id") String id, @Context SecurityContext who) {
        return apply(RecordTransition.RESEND, id, who);
    }

    @POST
    @Path("cancel")
    @Operation(summary = "Cancel a record", description = "From pending or failed; 409 otherwise. Wins over an attempt in flight.")
    public Uni<RecordViews.RecordView> cancel(@PathParam("id") String id, @Context SecurityContext who) {
        return apply(RecordTransition.CANCEL, id, who);
    }

    /** Changes the record in one transaction; a record sent back to the queue wakes the loop after the commit. */
    private Uni<RecordViews.RecordView> apply(RecordTransition transition, String id, SecurityContext who) {
        long recordId = Ids.parse(id, "record");
        return Panache.withTransaction(() -> find(recordId).flatMap(before -> {
            String beforeState = RecordViews.stateName(before.state);
            return RepeatRecordEntity.update(transition.update("r.id = :id"),
                            Parameters.with("id", recordId).and("now", clock.now()))
                    .flatMap(changed -> {
                        if (changed == 0) {
                            return Uni.createFrom().failure(conflict(transition, before));
                        }
                        // the update bypassed the session: drop its stale copy and read the row again
                        return Panache.getSession().invoke(Mutiny.Session::clear).flatMap(s -> find(recordId));
                    })
                    .call(after -> audit.record(who, "record." + transition.verb, "record/" + recordId,
                            AuditTrail.change(Map.of("state", beforeState), Map.of("state", RecordViews.stateName(after.state)))))
                    .flatMap(after -> get(id));
        })).invoke(view -> {
            if (transition.queues()) {
                dispatch.nudge();
            }
        });
    }

    private static ApiException conflict(RecordTransition transition, RepeatRecordEntity record) {
        RecordState state = RecordState.of(record.state);
        String detail = transition.appliesTo(state)
                ? "record " + record.id + " is being delivered right now; try again when the attempt is recorded"
                : "cannot " + transition.verb + " a record in state " + RecordViews.stateName(state) + " (allowed from: "
                + transition.from.stream().map(RecordViews::stateName).toList() + ")";
        return new ApiException(409, "Conflict", detail, null);
    }

    private static Uni<RepeatRecordEntity> find(long recordId) {
        return RepeatRecordEntity.<RepeatRecordEntity>findById(recordId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("record", recordId));
    }
}
