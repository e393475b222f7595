package io.repeaterdispatch.admin;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Parameters;
import io.repeaterdispatch.admin.entity.RepeatRecordEntity;
import io.repeaterdispatch.admin.entity.RepeaterEntity;
import io.repeaterdispatch.dispatch.DispatchClock;
import io.repeaterdispatch.dispatch.DispatchScheduler;
import io.repeaterdispatch.security.SecretCipher;
import io.repeaterdispatch.store.HeadersColumn;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** Repeaters: create, list, read (with backoff state and record counts), update, delete, pause, resume. */
@Tag(name = "Repeaters", description = "Remote endpoints, one per domain and URL, with their backoff state")
@Path("/api/v1/repeaters")
@Produces(MediaType.APPLICATION_JSON)
public class RepeaterResource {

    private final RepeaterValidator validator;
    private final RepeaterViews views;
    private final AuditTrail audit;
    private final DispatchScheduler dispatch;
    private final DispatchClock clock;
    private final HeadersColumn headers;
    private final ObjectMapper json;
    private final SecretCipher cipher;

    public RepeaterResource(RepeaterValidator validator, RepeaterViews views, AuditTrail audit, DispatchScheduler dispatch,
                            DispatchClock clock, HeadersColumn headers, ObjectMapper json, SecretCipher cipher) {
        this.validator = validator;
        this.views = views;
        this.audit = audit;
        this.dispatch = dispatch;
        this.clock = clock;
        this.headers = headers;
        this.json = json;
        this.cipher = cipher;
    }

    /** The destination is checked (a DNS lookup) before the transaction, so no connection waits on DNS. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a repeater", description = "Secrets in auth are write-only: stored encrypted, never returned. The URL must pass the outbound URL policy.")
    public Uni<RestResponse<RepeaterView>> create(
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "new repeater", value = ApiExamples.CREATE_REPEATER))) CreateRepeaterRequest request, @Context SecurityContext who) {
        validator.check(request);
        RepeaterEntity r = new RepeaterEntity();
        r.domain = request.domain();
        r.name = request.name().strip();
        r.url = request.url();
        r.httpMethod = request.method() == null ? "POST" : request.method().toUpperCase(Locale.ROOT);
        r.headers = headers.write(request.headers());
        setAuth(r, request.auth());
        r.timeoutMs = request.timeoutMs() == null ? 30_000 : request.timeoutMs();
        r.batchSize = request.batchSize() == null ? 7 : request.batchSize();
        r.createdAt = clock.now();
        r.updatedAt = r.createdAt;
        return validator.checkDestination(r.url).chain(() -> Panache.withTransaction(() -> r.<RepeaterEntity>persist()
                        .call(saved -> audit.record(who, "repeater.create", "repeater/" + saved.id, Map.of("after", views.bare(saved))))
                        .flatMap(saved -> views.load(saved.id))))
                .map(view -> RestResponse.status(RestResponse.Status.CREATED, view));
    }

    /**
     * Repeaters in id order, one keyset page at a time. Deleted repeaters are listed only when
     * asked for ({@code deleted=true}); {@code backedOff=true} lists those waiting out a backoff.
     */
    @GET
    @WithSession
    @Operation(summary = "List repeaters", description = "Keyset-paginated in id order (limit 1-500, cursor from the previous page). Filters: domain, paused, backedOff, deleted (default false). Each item has its backoff state and queued-record counts.")
    public Uni<Page<RepeaterView>> list(@QueryParam("domain") String domain, @QueryParam("paused") String paused,
                                        @QueryParam("backedOff") String backedOff, @QueryParam("deleted") String deleted,
                                        @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        QueryParams params = new QueryParams();
        int limit = params.limit(limitParam);
        long after = params.idCursor(cursor, false);
        if (domain != null && !RepeaterValidator.DOMAIN.matcher(domain).matches()) {
            params.invalid("domain", "not a valid domain name");
        }
        Boolean isPaused = params.bool(paused, "paused");
        Boolean isBackedOff = params.bool(backedOff, "backedOff");
        Boolean isDeleted = params.bool(deleted, "deleted");
        params.check();

        StringBuilder where = new StringBuilder("id > :after and deleted = :deleted");
        Parameters args = Parameters.with("after", after).and("deleted", isDeleted != null && isDeleted);
        if (domain != null) {
            where.append(" and domain = :domain");
            args.and("domain", domain);
        }
        if (isPaused != null) {
            where.append(" and paused = :paused");
            args.and("paused", isPaused);
        }
        if (isBackedOff != null) {
            where.append(isBackedOff ? " and nextAttemptAt > :now" : " and (nextAttemptAt is null or nextAttemptAt <= :now)");
            args.and("now", clock.now());
        }
        return RepeaterEntity.<RepeaterEntity>find(where + " order by id", args).range(0, limit).list()
                .flatMap(views::withQueuedCounts)
                .map(items -> Page.of(items, limit, v -> Long.toString(v.id())));
    }

    @GET
    @Path("{id}")
    @WithSession
    @Operation(summary = "Read a repeater", description = "With backoff state and record counts by state.")
    public Uni<RepeaterView> get(@PathParam("id") String id) {
        return views.load(Ids.parse(id, "repeater"));
    }

    /**
     * Changes the given fields. A new URL is a new endpoint, so the old one's backoff is dropped.
     * Records keep queueing; the next batch uses the new settings.
     */
    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Update a repeater", description = "Changes only the fields given (name, url, method, headers, auth, timeoutMs, batchSize); headers and auth are replaced whole. A new URL drops the backoff.")
    public Uni<RepeaterView> update(@PathParam("id") String id, 
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "new URL and timeout", value = ApiExamples.UPDATE_REPEATER))) JsonNode body, @Context SecurityContext who)
            throws JsonProcessingException {
        long repeaterId = Ids.parse(id, "repeater");
        RepeaterPatch patch = RepeaterPatch.read(body, json);
        // a new URL's destination is checked before the transaction (DNS), its syntax with the rest below
        Uni<Void> destination = patch.url().filter(RepeaterValidator::looksLikeUrl).map(validator::checkDestination)
                .orElseGet(Uni.createFrom()::voidItem);
        return destination.chain(() -> Panache.withTransaction(() -> update(repeaterId, patch, who)))
                .invoke(dispatch::nudge); // after the commit, so the loop sees the change
    }

    private Uni<RepeaterView> update(long repeaterId, RepeaterPatch patch, SecurityContext who) {
        return live(repeaterId).flatMap(r -> {
            CreateRepeaterRequest next = patch.over(r, headers.read(r.headers));
            validator.check(next, patch.has("auth"));
            RepeaterView before = views.bare(r);
            boolean newEndpoint = patch.has("url") && !next.url().equals(r.url);
            r.name = next.name().strip();
            r.url = next.url();
            r.httpMethod = next.method().toUpperCase(Locale.ROOT);
            r.headers = headers.write(next.headers());
            if (patch.has("auth")) {
                setAuth(r, next.auth());
            }
            r.timeoutMs = next.timeoutMs();
            r.batchSize = next.batchSize();
            if (newEndpoint) {
                clearBackoff(r);
            }
            r.updatedAt = clock.now();
            Map<String, Object> detail = new LinkedHashMap<>(AuditTrail.change(before, views.bare(r)));
            detail.put("fields", patch.fields);
            return audit.record(who, "repeater.update", "repeater/" + repeaterId, detail);
        }).flatMap(done -> views.load(repeaterId));
    }

    /**
     * Soft delete: the repeater is never dispatched again and its queued records are cancelled (in
     * the same statement-set, so none is left queued for nobody); everything stays readable.
     */
    @DELETE
    @Path("{id}")
    @WithTransaction
    @Operation(summary = "Delete a repeater (soft)", description = "It is never dispatched again; its queued records are cancelled; everything stays readable.")
    public Uni<RepeaterView> delete(@PathParam("id") String id, @Context SecurityContext who) {
        long repeaterId = Ids.parse(id, "repeater");
        return live(repeaterId).flatMap(r -> {
                    r.deleted = true;
                    r.updatedAt = clock.now();
                    return RepeatRecordEntity.update(RecordTransition.CANCEL.update("r.repeaterId = :id"),
                                    Parameters.with("id", repeaterId).and("now", r.updatedAt))
                            .call(cancelled -> audit.record(who, "repeater.delete", "repeater/" + repeaterId,
                                    Map.of("cancelledRecords", cancelled)));
                })
                .flatMap(done -> views.load(repeaterId));
    }

    /** Stops dispatching to the repeater (records keep queueing) and clears its backoff, as the seed does. */
    @POST
    @Path("{id}/pause")
    @WithTransaction
    @Operation(summary = "Pause a repeater", description = "Records keep queueing; nothing is sent until resumed. Clears the backoff.")
    public Uni<RepeaterView> pause(@PathParam("id") String id, @Context SecurityContext who) {
        return change(id, who, "repeater.pause", r -> {
            r.paused = true;
            clearBackoff(r);
        });
    }

    @POST
    @Path("{id}/resume")
    @Operation(summary = "Resume a repeater", description = "Dispatch picks it up at once.")
    public Uni<RepeaterView> resume(@PathParam("id") String id, @Context SecurityContext who) {
        return Panache.withTransaction(() -> change(id, who, "repeater.resume", r -> r.paused = false))
                .invoke(dispatch::nudge); // after the commit, so the loop sees the repeater
    }

    private Uni<RepeaterView> change(String id, SecurityContext who, String action, Consumer<RepeaterEntity> edit) {
        long repeaterId = Ids.parse(id, "repeater");
        return live(repeaterId).flatMap(r -> {
            RepeaterView before = views.bare(r);
            edit.accept(r);
            r.updatedAt = clock.now();
            return audit.record(who, action, "repeater/" + repeaterId, AuditTrail.change(before, views.bare(r)));
        }).flatMap(done -> views.load(repeaterId));
    }

    /** The repeater, locked for this transaction so concurrent admin changes apply one after the other. */
    private static Uni<RepeaterEntity> live(long repeaterId) {
        return RepeaterEntity.<RepeaterEntity>findById(repeaterId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .onItem().ifNull().failWith(() -> ApiException.notFound("repeater", repeaterId))
                .invoke(r -> {
                    if (r.deleted) {
                        throw new ApiException(409, "Conflict", "repeater " + repeaterId + " is deleted", null);
                    }
                });
    }

    private static void clearBackoff(RepeaterEntity r) {
        r.nextAttemptAt = null;
        r.lastAttemptAt = null;
        r.consecutiveFailedBatches = 0;
    }

    /** Secrets are stored encrypted (see SecretCipher); nothing reads them back but the sender. */
    private void setAuth(RepeaterEntity r, CreateRepeaterRequest.Auth auth) {
        r.authType = auth == null || auth.type() == null ? "none" : auth.type();
        r.authUsername = "basic".equals(r.authType) ? auth.username() : null;
        r.authSecret = cipher.encrypt(switch (r.authType) {
            case "basic" -> auth.password();
            case "bearer" -> auth.token();
            default -> null;
        });
    }
}
