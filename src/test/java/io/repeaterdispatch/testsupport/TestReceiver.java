package io.repeaterdispatch.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP endpoint for tests, on its own Vert.x instance and a free loopback port. Each path
 * answers as programmed (default 200); every request is recorded, and the number of requests
 * open at the same time is tracked per path.
 */
public final class TestReceiver implements AutoCloseable {

    /** @param headers every request header, names in lower case, repeated ones joined with ", " */
    public record Hit(int seq, String path, long recordId, String payloadId, String body, String authorization, String customHeader,
                      String host, String idempotencyKey, Map<String, String> headers) {

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    public record Reply(int status, Map<String, String> headers, String body) {
        public static Reply of(int status) {
            return new Reply(status, Map.of(), "");
        }
    }

    @FunctionalInterface
    public interface Responder {
        CompletionStage<Reply> answer(Hit hit);
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, Responder> responders = new ConcurrentHashMap<>();
    private final List<Hit> hits = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxOpen = new ConcurrentHashMap<>();
    private final AtomicInteger seq = new AtomicInteger();

    private TestReceiver(int port) throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle)
                .listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public static TestReceiver start() {
        return start(0);
    }

    /** On this port (0: a free one), for a URL the application's configuration names before the test starts. */
    public static TestReceiver start(int port) {
        try {
            return new TestReceiver(port);
        } catch (Exception e) {
            throw new IllegalStateException("test receiver did not start", e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    public void answer(String path, int status) {
        answer(path, hit -> CompletableFuture.completedFuture(Reply.of(status)));
    }

    public void answer(String path, Responder responder) {
        responders.put(path, responder);
    }

    /** Answers after a delay, so requests overlap in time. */
    public CompletionStage<Reply> later(long millis, Reply reply) {
        CompletableFuture<Reply> done = new CompletableFuture<>();
        vertx.setTimer(millis, t -> done.complete(reply));
        return done;
    }

    public List<Hit> hits(String path) {
        return hits.stream().filter(h -> h.path().equals(path)).toList();
    }

    public List<Hit> hits() {
        return List.copyOf(hits);
    }

    public int maxConcurrent(String path) {
        return maxOpen.getOrDefault(path, new AtomicInteger()).get();
    }

    private void handle(HttpServerRequest request) {
        Context context = Vertx.currentContext();
        String path = request.path();
        request.body().onSuccess(body -> {
            String recordId = request.getHeader("X-Repeat-Record-Id");
            Hit hit = new Hit(seq.incrementAndGet(), path, recordId == null ? -1 : Long.parseLong(recordId),
                    request.getHeader("X-Payload-Id"), body.toString(), request.getHeader("Authorization"),
                    request.getHeader("X-Custom"), request.getHeader("Host"), request.getHeader("Idempotency-Key"), headers(request));
            int now = open.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            maxOpen.computeIfAbsent(path, p -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            hits.add(hit);
            Responder responder = responders.getOrDefault(path, h -> CompletableFuture.completedFuture(Reply.of(200)));
            responder.answer(hit).whenComplete((reply, error) -> context.runOnContext(v -> {
                open.get(path).decrementAndGet();
                Reply r = error == null ? reply : Reply.of(500);
                r.headers().forEach((k, val) -> request.response().putHeader(k, val));
                request.response().setStatusCode(r.status()).end(r.body());
            }));
        });
    }

    private static Map<String, String> headers(HttpServerRequest request) {
        Map<String, String> headers = new java.util.TreeMap<>();
        for (String name : request.headers().names()) {
            headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(", ", request.headers().getAll(name)));
        }
        return Map.copyOf(headers);
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
