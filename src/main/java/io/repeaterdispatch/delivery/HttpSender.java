package io.repeaterdispatch.delivery;

import io.repeaterdispatch.core.DeliveryResult;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.core.DispatchClock;
import io.repeaterdispatch.core.AuthType;
import io.repeaterdispatch.core.ClaimedRecord;
import io.repeaterdispatch.core.FailureKind;
import io.repeaterdispatch.core.Endpoint;
import io.repeaterdispatch.core.Signing;
import io.repeaterdispatch.core.SigningSecret;
import io.repeaterdispatch.core.StatusPolicy;
import io.repeaterdispatch.core.TraceParent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Sends one record to its endpoint over one shared non-blocking HTTP client and turns whatever
 * happens into a {@link DeliveryResult}; the returned Uni never fails. Every request is bounded by
 * the repeater's timeout, capped at {@code dispatch.max-request-timeout} (connect + response +
 * body), and only the first bytes of a response body
 * are kept, so a hostile endpoint can neither hang a slot nor fill the heap.
 */
@Startup // created on the main thread: a client created on a request's event loop would be tied to
          // the HTTP server's deployment and closed with it at shutdown, failing in-flight deliveries
@ApplicationScoped
public class HttpSender {

    static final String USER_AGENT = "repeater-dispatch/1";
    static final String REPLICA_HEADER = "X-Dispatch-Replica";
    /** A receiver's answer header asking to stop deliveries ({@link #DISABLE_VALUE}); honoured only where the repeater opted in. */
    static final String DELIVERY_HEADER = "webhook-delivery";
    static final String DISABLE_VALUE = "disable";

    private final Vertx vertx;
    private final HttpClient client;
    private final DispatchClock clock;
    private final UrlPolicy urlPolicy;
    private final int excerptBytes;
    private final long connectTimeoutMs;
    private final long maxRequestTimeoutMs;
    private final String replicaId;

    public HttpSender(Vertx vertx, DispatchConfig config, DispatchClock clock, UrlPolicy urlPolicy) {
        this.vertx = vertx;
        this.clock = clock;
        this.urlPolicy = urlPolicy;
        this.excerptBytes = config.http().responseExcerptBytes();
        this.connectTimeoutMs = config.http().connectTimeout().toMillis();
        this.maxRequestTimeoutMs = config.maxRequestTimeout().toMillis();
        this.replicaId = config.http().replicaId().filter(id -> !id.isBlank()).orElse(null);
        HttpClientOptions options = new HttpClientOptions()
                // Vert.x's own tracing (Quarkus' OpenTelemetry) would add a client span and write its own
                // traceparent over ours whenever a request leaves from a context holding a span (an enqueue
                // that woke the loop): delivery spans and their header are DeliveryTracing's alone.
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setKeepAlive(true)
                .setTryUseCompression(false)
                .setConnectTimeout((int) connectTimeoutMs);
        // Waiters are bounded by the process-wide in-flight limit; the explicit bound is a backstop.
        PoolOptions pool = new PoolOptions()
                .setHttp1MaxSize(config.http().maxConnectionsPerHost())
                .setMaxWaitQueueSize(config.maxInFlight());
        // Vert.x logs an ERROR for every connection error that has no handler, e.g. each reset by a
        // dead endpoint: 100,000 lines in the benchmark's legacy dead-endpoint run. The failed
        // request already records the error as the attempt's outcome, so the line says nothing new.
        this.client = vertx.httpClientBuilder().with(options).with(pool)
                .withConnectHandler(connection -> connection.exceptionHandler(ConnectionErrors::seen))
                .build();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public Uni<DeliveryResult> send(Endpoint endpoint, ClaimedRecord record) {
        return send(endpoint, record, record.traceparent());
    }

    /**
     * @param traceparent the W3C {@code traceparent} the request carries (the delivery's span, or the
     *                    record's enqueued one when tracing is off); null: none
     */
    public Uni<DeliveryResult> send(Endpoint endpoint, ClaimedRecord record, String traceparent) {
        Instant attemptedAt = clock.now();
        long timeoutMs = Math.min(endpoint.timeoutMs(), maxRequestTimeoutMs);
        byte[] body = record.payload().getBytes(StandardCharsets.UTF_8); // sent and signed as these bytes
        return exchange(endpoint, record.id(), body, timeoutMs, attemptedAt,
                () -> requestOptions(endpoint, record, timeoutMs, body, attemptedAt, traceparent));
    }

    /**
     * An operator notification (dispatch.OperatorNotifications): a JSON body POSTed to {@code url}
     * through the same client, URL policy and deadline as a delivery, signed with {@code secret}
     * under {@code messageId}, without any record's headers. The result's record id is 0.
     */
    public Uni<DeliveryResult> sendNotification(String url, String messageId, String json, SigningSecret secret, long timeoutMs) {
        Instant attemptedAt = clock.now();
        long timeout = Math.min(timeoutMs, maxRequestTimeoutMs);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Endpoint endpoint = new Endpoint(0, "", url, "POST", Map.of(), AuthType.NONE, null, null, (int) timeout,
                StatusPolicy.EMPTY, new Signing(true, secret, null, null));
        return exchange(endpoint, 0, body, timeout, attemptedAt, () -> {
            RequestOptions options = new RequestOptions()
                    .setAbsoluteURI(url)
                    .setMethod(HttpMethod.POST)
                    .setConnectTimeout(Math.min(connectTimeoutMs, timeout))
                    .setIdleTimeout(timeout)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("User-Agent", USER_AGENT);
            sign(options, endpoint, messageId, body, attemptedAt);
            return options;
        });
    }

    private Uni<DeliveryResult> exchange(Endpoint endpoint, long recordId, byte[] body, long timeoutMs, Instant attemptedAt,
                                         Supplier<RequestOptions> request) {
        long started = System.nanoTime();
        return Uni.createFrom().<Answer>emitter(emitter -> {
                    RequestDeadline deadline = new RequestDeadline();
                    long timer = vertx.setTimer(timeoutMs, t -> {
                        deadline.expire();
                        emitter.fail(new TimeoutException("no answer within " + timeoutMs + " ms"));
                    });
                    RequestOptions options = request.get();
                    // Connect to the address the policy checked; Host and SNI stay the URL's host.
                    urlPolicy.server(options.getHost(), options.getPort())
                            .compose(server -> deadline.expired() ? Future.failedFuture(new TimeoutException("timed out resolving"))
                                    : client.request(options.setServer(server)))
                            // A connection (or a pooled one freed up) can arrive after the timeout
                            // fired: the attempt is already recorded as timed out, so it must not go out.
                            .compose(req -> deadline.admit(req) ? req.send(Buffer.buffer(body))
                                    : Future.failedFuture(new TimeoutException("connected after the timeout; not sent")))
                            .compose(this::readAnswer)
                            .onComplete(ar -> {
                                vertx.cancelTimer(timer);
                                if (deadline.expired()) {
                                    return;
                                }
                                if (ar.succeeded()) {
                                    emitter.complete(ar.result());
                                } else {
                                    emitter.fail(ar.cause());
                                }
                            });
                })
                .map(answer -> fromAnswer(endpoint, recordId, answer, attemptedAt, started))
                .onFailure().recoverWithItem(error -> fromError(recordId, error, attemptedAt, started));
    }

    /** @param now the dispatch clock's time of the attempt: whether a rotated-out signing secret is still sent */
    private RequestOptions requestOptions(Endpoint endpoint, ClaimedRecord record, long timeoutMs, byte[] body, Instant now,
                                          String traceparent) {
        RequestOptions options = new RequestOptions()
                .setAbsoluteURI(endpoint.url())
                .setMethod(HttpMethod.valueOf(endpoint.method()))
                .setConnectTimeout(Math.min(connectTimeoutMs, timeoutMs))
                .setIdleTimeout(timeoutMs);
        for (Map.Entry<String, String> header : endpoint.headers().entrySet()) {
            options.putHeader(header.getKey(), header.getValue());
        }
        // Same key on every retry of a record: receivers can drop duplicates of at-least-once delivery.
        // It is the Standard Webhooks message id too, so both headers name one message.
        String messageId = messageId(record);
        // set() semantics: these replace any repeater header of the same name (the API refuses such names)
        options.putHeader("Content-Type", record.contentType())
                .putHeader("User-Agent", USER_AGENT)
                .putHeader("X-Repeat-Record-Id", Long.toString(record.id()))
                .putHeader("X-Payload-Id", record.payloadId())
                .putHeader("Idempotency-Key", messageId);
        sign(options, endpoint, messageId, body, now);
        if (replicaId != null) {
            options.putHeader(REPLICA_HEADER, replicaId);
        }
        if (traceparent != null) {
            // set() semantics: replaces a repeater header of the same name (the API refuses it anyway)
            options.putHeader(TraceParent.HEADER, traceparent);
        }
        String authorization = authorization(endpoint);
        if (authorization != null) {
            options.putHeader("Authorization", authorization);
        }
        return options;
    }

    static String messageId(ClaimedRecord record) {
        return "rr-" + record.id();
    }

    /**
     * Standard Webhooks headers. The timestamp is the real time of sending, in seconds, not the
     * dispatch clock's: receivers compare it with their own clocks to refuse replays (the reference
     * verifier allows five minutes either way). Signatures: the current secret's, then the previous
     * one's while its rotation overlap lasts (by the dispatch clock, which wrote it); none when
     * signing is off or the repeater has no secret yet.
     */
    private static void sign(RequestOptions options, Endpoint endpoint, String messageId, byte[] body, Instant now) {
        if (!endpoint.signing().enabled()) {
            return;
        }
        long timestamp = System.currentTimeMillis() / 1000;
        options.putHeader(WebhookSignature.ID_HEADER, messageId)
                .putHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
        List<SigningSecret> secrets = endpoint.signing().secretsAt(now);
        if (!secrets.isEmpty()) {
            options.putHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.header(secrets, messageId, timestamp, body));
        }
    }

    static String authorization(Endpoint endpoint) {
        if (endpoint.authType() == AuthType.BASIC) {
            String pair = (endpoint.authUsername() == null ? "" : endpoint.authUsername()) + ":"
                    + (endpoint.authSecret() == null ? "" : endpoint.authSecret());
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        if (endpoint.authType() == AuthType.BEARER) {
            return "Bearer " + endpoint.authSecret();
        }
        return null;
    }

    private Future<Answer> readAnswer(HttpClientResponse response) {
        Promise<Answer> promise = Promise.promise();
        Buffer excerpt = Buffer.buffer();
        response.handler(chunk -> {
            int room = excerptBytes - excerpt.length();
            if (room > 0) {
                excerpt.appendBuffer(chunk.length() <= room ? chunk : chunk.getBuffer(0, room));
            }
        });
        response.exceptionHandler(promise::tryFail);
        response.endHandler(v -> promise.tryComplete(
                new Answer(response.statusCode(), response.getHeader("Retry-After"), excerpt.toString(StandardCharsets.UTF_8),
                        DISABLE_VALUE.equalsIgnoreCase(String.valueOf(response.getHeader(DELIVERY_HEADER)).strip()))));
        return promise.future();
    }

    private DeliveryResult fromAnswer(Endpoint endpoint, long recordId, Answer answer, Instant attemptedAt, long started) {
        RecordState outcome = OutcomeClassifier.classify(answer.status, endpoint.statusPolicy());
        // a 503 the repeater's policy calls an invalid payload is not retried, so it sets no wait either
        Duration retryAfter = outcome == RecordState.FAILED && OutcomeClassifier.honoursRetryAfter(answer.status)
                ? RetryAfter.parse(answer.retryAfter, attemptedAt) : null;
        String message = printable(answer.status + (answer.body.isBlank() ? "" : " " + answer.body.strip()));
        return new DeliveryResult(recordId, outcome, answer.status, message, attemptedAt, elapsedMs(started), retryAfter, null,
                OutcomeClassifier.disableSignal(answer.status, answer.disableRequested, endpoint.statusPolicy()));
    }

    private DeliveryResult fromError(long recordId, Throwable error, Instant attemptedAt, long started) {
        FailureKind kind = error instanceof TimeoutException ? FailureKind.TIMEOUT
                : error instanceof ConnectException ? FailureKind.CONNECTION_REFUSED
                : error instanceof UrlPolicy.DeniedDestinationException ? FailureKind.DENIED_DESTINATION
                : FailureKind.CONNECTION_ERROR;
        String message = printable(switch (kind) {
            case DENIED_DESTINATION -> error.getMessage();
            case TIMEOUT, CONNECTION_REFUSED -> kind.label + (error.getMessage() == null ? "" : ": " + error.getMessage());
            case CONNECTION_ERROR -> error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        });
        if (message.length() > excerptBytes) {
            message = message.substring(0, excerptBytes);
        }
        return new DeliveryResult(recordId, RecordState.FAILED, null, message, attemptedAt, elapsedMs(started), null, kind);
    }

    /**
     * Endpoints answer anything; PostgreSQL text cannot hold NUL, and one such byte would make the
     * whole batch's result write fail (and the batch be re-sent). Control characters become spaces.
     */
    static String printable(String text) {
        // a scan rather than replaceAll: this runs once per delivery, and nearly every answer is clean
        int first = 0;
        while (first < text.length() && !replaced(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        char[] chars = text.toCharArray();
        for (int i = first; i < chars.length; i++) {
            if (replaced(chars[i])) {
                chars[i] = ' ';
            }
        }
        return new String(chars);
    }

    /** The control characters of \p{Cntrl} (U+0000-U+001F, U+007F) but newline and tab. */
    private static boolean replaced(char c) {
        return (c < 0x20 || c == 0x7F) && c != '\n' && c != '\t';
    }

    private static long elapsedMs(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** @param disableRequested the answer carried {@code webhook-delivery: disable} */
    private record Answer(int status, String retryAfter, String body, boolean disableRequested) {
    }
}
