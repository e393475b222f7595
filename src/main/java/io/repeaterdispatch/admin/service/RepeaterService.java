package io.repeaterdispatch.admin.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.repeaterdispatch.admin.entity.RepeaterEntity;
import io.repeaterdispatch.admin.model.RepeaterFilter;
import io.repeaterdispatch.admin.repository.RepeaterRepository;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.AuthType;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.core.LimitsChanged;
import io.repeaterdispatch.core.SigningSecret;
import io.repeaterdispatch.core.WorkQueued;
import io.repeaterdispatch.security.SecretCipher;
import io.repeaterdispatch.security.SigningSecrets;
import io.repeaterdispatch.store.HeadersColumn;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Repeaters: create, list, read, update, soft-delete, pause, resume, rotate the signing secret. Owns each change's
 * transaction, its defaults and validation, its audit row (in the same transaction) and, after the
 * commit, the wake-up that lets dispatch see the change.
 */
@ApplicationScoped
public class RepeaterService {

    /** migrations/V20: one live repeater per (domain, name). */
    static final String NAME_INDEX = "repeater_domain_name_live_key";

    private final RepeaterRepository repeaters;
    private final RepeaterValidator validator;
    private final RepeaterViews views;
    private final AuditTrail audit;
    private final DispatchClock clock;
    private final HeadersColumn headers;
    private final ObjectMapper json;
    private final SecretCipher cipher;
    private final SigningSecrets signingSecrets;
    private final Duration rotationOverlap;
    private final Event<WorkQueued> workQueued;
    private final Event<LimitsChanged> limitsChanged;

    public RepeaterService(RepeaterRepository repeaters, RepeaterValidator validator, RepeaterViews views, AuditTrail audit,
                           DispatchClock clock, HeadersColumn headers, ObjectMapper json, SecretCipher cipher,
                           SigningSecrets signingSecrets, DispatchConfig config,
                           Event<WorkQueued> workQueued, Event<LimitsChanged> limitsChanged) {
        this.limitsChanged = limitsChanged;
        this.signingSecrets = signingSecrets;
        this.rotationOverlap = config.signing().rotationOverlap();
        this.repeaters = repeaters;
        this.validator = validator;
        this.views = views;
        this.audit = audit;
        this.clock = clock;
        this.headers = headers;
        this.json = json;
        this.cipher = cipher;
        this.workQueued = workQueued;
    }

    /**
     * The destination is checked (a DNS lookup) before the transaction, so no connection waits on DNS.
     * The answer carries the signing secret, given or generated: the one time it is shown.
     */
    public Uni<RepeaterWithSecret> create(CreateRepeaterRequest request, String actor) {
        validator.check(request);
        SigningSecret secret = request.signingSecret() == null ? signingSecrets.generate()
                : SigningSecret.parse(request.signingSecret()).orElseThrow(); // the validator has checked it
        RepeaterEntity r = new RepeaterEntity();
        r.domain = request.domain();
        r.name = request.name().strip();
        r.url = request.url();
        r.httpMethod = request.method() == null ? RepeaterDefaults.METHOD : request.method().toUpperCase(Locale.ROOT);
        r.headers = headers.write(request.headers());
        setAuth(r, request.auth());
        r.timeoutMs = request.timeoutMs() == null ? RepeaterDefaults.TIMEOUT_MS : request.timeoutMs();
        r.batchSize = request.batchSize() == null ? RepeaterDefaults.BATCH_SIZE : request.batchSize();
        setDeliveryLimits(r, request.rateLimit(), request.statusPolicy());
        r.signingEnabled = request.signing() == null ? RepeaterDefaults.SIGNING_ENABLED : request.signing().enabled();
        r.signingSecret = signingSecrets.encrypt(secret);
        r.ordering = request.ordering() == null ? RepeaterDefaults.ORDERING : request.ordering();
        r.eventTypes = EventTypes.column(request.eventTypes());
        r.honorDisableHeader = request.lifecycle() != null && request.lifecycle().honorDisableHeader();
        r.createdAt = clock.now();
        r.updatedAt = r.createdAt;
        return validator.checkDestination(r.url).chain(() -> Panache.withTransaction(() -> nameFree(r.domain, r.name, 0)
                .chain(() -> repeaters.persist(r))
                .call(saved -> audit.record(actor, "repeater.create", "repeater/" + saved.id, Map.of("after", views.bare(saved))))
                .flatMap(saved -> views.load(saved.id))))
                .onFailure(RepeaterService::nameTaken).transform(e -> nameConflict(r.domain, r.name, null))
                .map(view -> new RepeaterWithSecret(view, secret.text()))
                .invoke(() -> {
                    if (request.rateLimit() != null) {
                        limitsChanged.fire(new LimitsChanged("repeater created with a rate limit"));
                    }
                });
    }

    /** Repeaters in id order, one keyset page at a time, with their queued-record counts. */
    public Uni<Page<RepeaterView>> list(RepeaterFilter filter, long afterId, int limit) {
        return Panache.withSession(() -> repeaters.page(filter, afterId, limit, clock.now())
                .flatMap(views::withQueuedCounts)
                .map(items -> Page.of(items, limit, v -> Long.toString(v.id()))));
    }

    public Uni<RepeaterView> get(long repeaterId) {
        return Panache.withSession(() -> views.load(repeaterId));
    }

    /** The repeater's delivery attempts of the last hour by outcome and the latest one (for the console's lists). */
    public Uni<RepeaterActivity> activity(long repeaterId) {
        Instant since = clock.now().minus(Duration.ofHours(1));
        return Panache.withSession(() -> repeaters.exists(repeaterId)
                .flatMap(exists -> exists ? repeaters.activity(repeaterId, since)
                        : Uni.createFrom().failure(ApiException.notFound("repeater", repeaterId)))
                .map(rows -> RepeaterActivityViews.of(repeaterId, since, rows)));
    }

    /**
     * Changes the given fields. A new URL is a new endpoint, so the old one's backoff is dropped.
     * Records keep queueing; the next batch uses the new settings.
     */
    public Uni<RepeaterView> update(long repeaterId, JsonNode body, String actor) throws JsonProcessingException {
        RepeaterPatch patch = RepeaterPatch.read(body, json);
        // a new URL's destination is checked before the transaction (DNS), its syntax with the rest below
        Uni<Void> destination = patch.url().filter(RepeaterValidator::looksLikeUrl).map(validator::checkDestination)
                .orElseGet(Uni.createFrom()::voidItem);
        return destination.chain(() -> Panache.withTransaction(() -> live(repeaterId).flatMap(r -> {
                    CreateRepeaterRequest next = patch.over(r, headers.read(r.headers));
                    validator.check(next, patch.has("auth"));
                    // checked before anything of r changes, so the query flushes nothing
                    return (next.name().strip().equals(r.name) ? Uni.createFrom().voidItem() : nameFree(r.domain, next.name().strip(), r.id))
                            .replaceWith(next).flatMap(checked -> apply(r, checked, patch, repeaterId, actor));
                }).flatMap(done -> views.load(repeaterId))))
                .onFailure(RepeaterService::nameTaken).transform(e -> nameConflict(null, patch.name() == null ? "" : patch.name().strip(), null))
                .invoke(() -> {
                    workQueued.fire(new WorkQueued("repeater updated"));
                    if (patch.has("rateLimit")) {
                        limitsChanged.fire(new LimitsChanged("repeater rate limit changed"));
                    }
                });
    }

    /** The patch's values onto the locked repeater, and the audit row of the change. */
    private Uni<Void> apply(RepeaterEntity r, CreateRepeaterRequest next, RepeaterPatch patch, long repeaterId, String actor) {
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
        setDeliveryLimits(r, next.rateLimit(), next.statusPolicy());
        r.signingEnabled = next.signing().enabled();
        // leaving strict order may make records behind the head due now: the next claim computes it
        boolean leavesStrict = "strict".equals(r.ordering) && !"strict".equals(next.ordering());
        r.ordering = next.ordering();
        r.eventTypes = EventTypes.column(next.eventTypes());
        r.honorDisableHeader = next.lifecycle().honorDisableHeader();
        if (newEndpoint) {
            clearBackoff(r);
        }
        r.updatedAt = clock.now();
        Map<String, Object> detail = new LinkedHashMap<>(AuditTrail.change(before, views.bare(r)));
        detail.put("fields", patch.fields);
        return audit.record(actor, "repeater.update", "repeater/" + repeaterId, detail)
                .call(() -> leavesStrict ? repeaters.recordsDueAt(repeaterId, r.updatedAt)
                        : Uni.createFrom().voidItem())
                .replaceWithVoid();
    }

    /** 409 if another repeater of the domain that is not deleted has this name (the unique index of migrations/V20 holds it under races). */
    private Uni<Void> nameFree(String domain, String name, long exceptId) {
        return repeaters.liveNamed(domain, name, exceptId).invoke(holder -> {
            if (holder != null) {
                throw nameConflict(domain, name, holder);
            }
        }).replaceWithVoid();
    }

    /** The holder's id when the check found it; null when the unique index refused the row (a concurrent call took the name). */
    private static ApiException nameConflict(String domain, String name, Long holder) {
        String who = holder != null ? "repeater " + holder + " of domain " + domain
                : domain != null ? "another repeater of domain " + domain : "another repeater of this domain";
        return ApiException.conflict(who + " is named '" + name + "' already: a name is unique among the domain's repeaters that "
                + "are not deleted; choose another name, or rename or delete that repeater");
    }

    /** The unique index on live (domain, name) refused a row: a concurrent create or rename took the name first. */
    private static boolean nameTaken(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState()) && NAME_INDEX.equals(pg.getConstraint())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains(NAME_INDEX)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Soft delete: the repeater is never dispatched again and its queued records are cancelled (in
     * the same transaction, so none is left queued for nobody); everything stays readable.
     */
    public Uni<RepeaterView> delete(long repeaterId, String actor) {
        return Panache.withTransaction(() -> live(repeaterId).flatMap(r -> {
                    r.deleted = true;
                    r.updatedAt = clock.now();
                    return repeaters.cancelQueuedRecords(repeaterId, r.updatedAt)
                            .call(cancelled -> audit.record(actor, "repeater.delete", "repeater/" + repeaterId,
                                    Map.of("cancelledRecords", cancelled)));
                })
                .flatMap(done -> views.load(repeaterId)));
    }

    /**
     * A new signing secret, answered this once. The one it replaces is still sent beside it (a
     * second signature) for {@code dispatch.signing.rotation-overlap}, so receivers can move to the
     * new one without refusing deliveries; a rotation during an overlap drops the older secret. The
     * audit entry records the change of the view (rotatedAt, previousValidUntil), never a secret.
     */
    public Uni<RepeaterWithSecret> rotateSigningSecret(long repeaterId, String actor) {
        SigningSecret secret = signingSecrets.generate();
        return Panache.withTransaction(() -> live(repeaterId).flatMap(r -> {
                    RepeaterView before = views.bare(r);
                    Instant now = clock.now();
                    // the stored value moves as it is: still encrypted, under whichever key it names
                    boolean keepPrevious = r.signingSecret != null && rotationOverlap.compareTo(Duration.ZERO) > 0;
                    r.signingPreviousSecret = keepPrevious ? r.signingSecret : null;
                    r.signingPreviousValidUntil = keepPrevious ? now.plus(rotationOverlap) : null;
                    r.signingSecret = signingSecrets.encrypt(secret);
                    r.signingRotatedAt = now;
                    r.updatedAt = now;
                    return audit.record(actor, "repeater.signing-secret.rotate", "repeater/" + repeaterId,
                            AuditTrail.change(before, views.bare(r)));
                }).flatMap(done -> views.load(repeaterId)))
                .map(view -> new RepeaterWithSecret(view, secret.text()));
    }

    /** Stops dispatching to the repeater (records keep queueing) and clears its backoff, as the seed does. */
    public Uni<RepeaterView> pause(long repeaterId, String actor) {
        return change(repeaterId, actor, "repeater.pause", r -> {
            if (!r.paused) { // what an older replica's resume left (migrations/V17) is no reason of this pause
                r.disabledAt = null;
                r.disabledReason = null;
            }
            r.paused = true;
            clearBackoff(r);
        });
    }

    /**
     * Dispatches to the repeater again. A repeater the service disabled is re-enabled: its reason
     * goes, and so does its backoff (whoever resumes it has seen to its endpoint), so it is tried at once.
     */
    public Uni<RepeaterView> resume(long repeaterId, String actor) {
        return change(repeaterId, actor, "repeater.resume", r -> {
            if (r.disabledAt != null) {
                r.disabledAt = null;
                r.disabledReason = null;
                clearBackoff(r);
            }
            r.paused = false;
            r.failingSince = null;
        }).invoke(() -> workQueued.fire(new WorkQueued("repeater resumed")));
    }

    private Uni<RepeaterView> change(long repeaterId, String actor, String action, Consumer<RepeaterEntity> edit) {
        return Panache.withTransaction(() -> live(repeaterId).flatMap(r -> {
            RepeaterView before = views.bare(r);
            edit.accept(r);
            r.updatedAt = clock.now();
            return audit.record(actor, action, "repeater/" + repeaterId, AuditTrail.change(before, views.bare(r)));
        }).flatMap(done -> views.load(repeaterId)));
    }

    /** The repeater, locked for this transaction so concurrent admin changes apply one after the other. */
    private Uni<RepeaterEntity> live(long repeaterId) {
        return repeaters.lock(repeaterId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("repeater", repeaterId))
                .invoke(r -> {
                    if (r.deleted) {
                        throw ApiException.conflict("repeater " + repeaterId + " is deleted");
                    }
                });
    }

    /** The failing streak too: a pause or a new endpoint starts it over. */
    private static void clearBackoff(RepeaterEntity r) {
        r.nextAttemptAt = null;
        r.lastAttemptAt = null;
        r.consecutiveFailedBatches = 0;
        r.failingSince = null;
    }

    /**
     * Stored as the view shows them: the burst resolved, the codes distinct and sorted. A null
     * policy (absent on create, null on update) is no code of its own.
     */
    private static void setDeliveryLimits(RepeaterEntity r, CreateRepeaterRequest.RateLimit rate, CreateRepeaterRequest.StatusPolicy policy) {
        r.ratePerSecond = rate == null ? null : rate.perSecond();
        r.rateBurst = rate == null ? null : rate.burst() != null ? rate.burst() : RepeaterDefaults.burstFor(rate.perSecond());
        r.retryStatusCodes = column(policy == null ? null : policy.retry());
        r.invalidStatusCodes = column(policy == null ? null : policy.invalidPayload());
    }

    private static short[] column(List<Integer> codes) {
        int[] distinct = codes == null ? new int[0] : codes.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        short[] column = new short[distinct.length];
        for (int i = 0; i < distinct.length; i++) {
            column[i] = (short) distinct[i];
        }
        return column;
    }

    /** Secrets are stored encrypted (see SecretCipher); nothing reads them back but the sender. */
    private void setAuth(RepeaterEntity r, CreateRepeaterRequest.Auth auth) {
        AuthType type = auth == null ? AuthType.NONE : AuthType.ofColumn(auth.type() == null ? AuthType.NONE.column() : auth.type());
        r.authType = type.column();
        r.authUsername = type == AuthType.BASIC ? auth.username() : null;
        r.authSecret = cipher.encrypt(switch (type) {
            case BASIC -> auth.password();
            case BEARER -> auth.token();
            case NONE -> null;
        });
    }
}
