package io.repeaterdispatch.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.repeaterdispatch.admin.entity.RepeaterEntity;
import io.repeaterdispatch.config.AdminConfig;
import io.repeaterdispatch.delivery.RecordState;
import io.repeaterdispatch.dispatch.DispatchClock;
import io.repeaterdispatch.dispatch.DispatchScheduler;
import io.repeaterdispatch.security.SecretCipher;
import io.repeaterdispatch.store.HeadersColumn;
import io.repeaterdispatch.store.RecordQueue;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Repeaters: create, read (with backoff state and record counts), pause, resume, enqueue records. */
@Path("/api/v1/repeaters")
@Produces(MediaType.APPLICATION_JSON)
public class RepeaterResource {

    public record EnqueueResponse(long repeaterId, List<Long> recordIds) {
    }

    private final RepeaterValidator validator;
    private final RecordQueue queue;
    private final DispatchScheduler dispatch;
    private final DispatchClock clock;
    private final AdminConfig admin;
    private final HeadersColumn headers;
    private final SecretCipher cipher;

    public RepeaterResource(RepeaterValidator validator, RecordQueue queue, DispatchScheduler dispatch,
                            DispatchClock clock, AdminConfig admin, HeadersColumn headers, SecretCipher cipher) {
        this.validator = validator;
        this.queue = queue;
        this.dispatch = dispatch;
        this.clock = clock;
        this.admin = admin;
        this.headers = headers;
        this.cipher = cipher;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<RepeaterView>> create(CreateRepeaterRequest request) {
        validator.check(request);
        RepeaterEntity r = new RepeaterEntity();
        r.domain = request.domain();
        r.name = request.name().strip();
        r.url = request.url();
        r.httpMethod = request.method() == null ? "POST" : request.method().toUpperCase(Locale.ROOT);
        r.headers = headers.write(request.headers());
        CreateRepeaterRequest.Auth auth = request.auth();
        r.authType = auth == null || auth.type() == null ? "none" : auth.type();
        r.authUsername = "basic".equals(r.authType) ? auth.username() : null;
        r.authSecret = cipher.encrypt(switch (r.authType) {
            case "basic" -> auth.password();
            case "bearer" -> auth.token();
            default -> null;
        });
        r.timeoutMs = request.timeoutMs() == null ? 30_000 : request.timeoutMs();
        r.batchSize = request.batchSize() == null ? 7 : request.batchSize();
        r.createdAt = clock.now();
        r.updatedAt = r.createdAt;
        // The URL policy resolves the host: done before the transaction, which holds a pooled connection.
        return validator.checkDestination(r.url)
                .chain(() -> Panache.withTransaction(r::<RepeaterEntity>persist))
                .map(saved -> RestResponse.status(RestResponse.Status.CREATED, view(saved, emptyCounts())));
    }

    @GET
    @Path("{id}")
    @WithSession
    public Uni<RepeaterView> get(@PathParam("id") String id) {
        return load(Ids.parse(id, "repeater"));
    }

    /** Stops dispatching to the repeater (records keep queueing) and clears its backoff, as the seed does. */
    @POST
    @Path("{id}/pause")
    @WithTransaction
    public Uni<RepeaterView> pause(@PathParam("id") String id) {
        long repeaterId = Ids.parse(id, "repeater");
        return RepeaterEntity.update("paused = true, nextAttemptAt = null, lastAttemptAt = null, consecutiveFailedBatches = 0, "
                        + "updatedAt = ?1 where id = ?2 and deleted = false", clock.now(), repeaterId)
                .flatMap(n -> n == 0 ? Uni.createFrom().failure(ApiException.notFound("repeater", repeaterId)) : load(repeaterId));
    }

    @POST
    @Path("{id}/resume")
    @WithTransaction
    public Uni<RepeaterView> resume(@PathParam("id") String id) {
        long repeaterId = Ids.parse(id, "repeater");
        return RepeaterEntity.update("paused = false, updatedAt = ?1 where id = ?2 and deleted = false", clock.now(), repeaterId)
                .flatMap(n -> n == 0 ? Uni.createFrom().failure(ApiException.notFound("repeater", repeaterId)) : load(repeaterId))
                .invoke(dispatch::nudge);
    }

    /** Body: a JSON array of {"payloadId": "...", "payload": <any JSON>}; all are queued or none. */
    @POST
    @Path("{id}/records")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<EnqueueResponse>> enqueue(@PathParam("id") String id, JsonNode body) {
        long repeaterId = Ids.parse(id, "repeater");
        List<String> payloadIds = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        readItems(body, payloadIds, payloads);
        return queue.enqueue(repeaterId, payloadIds, payloads, clock.now())
                .map(ids -> ids.orElseThrow(() -> ApiException.notFound("repeater", repeaterId)))
                .invoke(dispatch::nudge)
                .map(ids -> RestResponse.status(RestResponse.Status.ACCEPTED, new EnqueueResponse(repeaterId, ids)));
    }

    private void readItems(JsonNode body, List<String> payloadIds, List<String> payloads) {
        if (body == null || !body.isArray() || body.isEmpty()) {
            throw ApiException.badRequest("body must be a non-empty JSON array of {\"payloadId\": \"...\", \"payload\": <JSON>}");
        }
        if (body.size() > admin.maxEnqueueItems()) {
            throw ApiException.badRequest("at most " + admin.maxEnqueueItems() + " records per call, got " + body.size());
        }
        List<ApiException.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            JsonNode item = body.get(i);
            JsonNode payloadId = item.get("payloadId");
            if (!item.isObject()) {
                errors.add(new ApiException.FieldError("[" + i + "]", "must be an object"));
                continue;
            }
            if (payloadId == null || !payloadId.isTextual() || payloadId.asText().isBlank() || payloadId.asText().length() > 255
                    || RepeaterValidator.hasControl(payloadId.asText())) {
                errors.add(new ApiException.FieldError("[" + i + "].payloadId", "required; a string of 1-255 characters, no control characters"));
            }
            if (!item.has("payload")) {
                errors.add(new ApiException.FieldError("[" + i + "].payload", "required; any JSON value"));
                continue;
            }
            String payload = item.get("payload").toString();
            if (payload.getBytes(StandardCharsets.UTF_8).length > admin.maxPayloadBytes()) {
                throw new ApiException(413, "Payload Too Large",
                        "record [" + i + "] payload exceeds " + admin.maxPayloadBytes() + " bytes", null);
            }
            payloadIds.add(payloadId == null ? null : payloadId.asText());
            payloads.add(payload);
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    private Uni<RepeaterView> load(long repeaterId) {
        return RepeaterEntity.<RepeaterEntity>findById(repeaterId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("repeater", repeaterId))
                .flatMap(r -> countsByState(repeaterId).map(counts -> view(r, counts)));
    }

    private Uni<Map<String, Long>> countsByState(long repeaterId) {
        return Panache.getSession().flatMap(session -> session
                        .createQuery("select r.state, count(r) from RepeatRecordEntity r where r.repeaterId = ?1 group by r.state", Object[].class)
                        .setParameter(1, repeaterId)
                        .getResultList())
                .map(rows -> {
                    Map<String, Long> counts = emptyCounts();
                    for (Object[] row : rows) {
                        counts.put(stateName(RecordState.of(((Number) row[0]).intValue())), ((Number) row[1]).longValue());
                    }
                    return counts;
                });
    }

    private static Map<String, Long> emptyCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (RecordState state : RecordState.values()) {
            counts.put(stateName(state), 0L);
        }
        return counts;
    }

    static String stateName(RecordState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private RepeaterView view(RepeaterEntity r, Map<String, Long> counts) {
        Map<String, String> masked = new LinkedHashMap<>();
        headers.read(r.headers).keySet().forEach(name -> masked.put(name, "***"));
        return RepeaterView.of(r, masked, counts);
    }
}
