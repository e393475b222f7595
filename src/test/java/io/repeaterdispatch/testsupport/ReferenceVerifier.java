package io.repeaterdispatch.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Standard Webhooks reference library (npm {@code standardwebhooks}) run by node on what a
 * receiver captured: {@code src/test/webhook-verifier/verify.mjs}, installed by {@code bin/test}
 * ({@code npm ci} in its folder). A missing node or package fails the test that needs it, with the
 * command that fixes it: a signing test that skipped its verification could not fail.
 */
public final class ReferenceVerifier {

    public static final Path FOLDER = Path.of("src/test/webhook-verifier");
    private static final Path SCRIPT = FOLDER.resolve("verify.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the library said about one check: ok, or its error message. */
    public record Verdict(boolean ok, String error, String signature) {
    }

    private ReferenceVerifier() {
    }

    /** Whether the library accepts this delivery for this secret (webhook-id, -timestamp and -signature taken from the headers). */
    public static Verdict verify(String secret, TestReceiver.Hit hit) {
        return verifyAll(secret, List.of(hit)).get(0);
    }

    public static List<Verdict> verifyAll(String secret, List<TestReceiver.Hit> hits) {
        List<Map<String, Object>> checks = new ArrayList<>();
        for (TestReceiver.Hit hit : hits) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
                if (hit.header(name) != null) {
                    headers.put(name, hit.header(name));
                }
            }
            checks.add(Map.of("op", "verify", "secret", secret, "body", hit.body(), "headers", headers));
        }
        return run(checks);
    }

    /** The library's own signature of a message, to hold ours against. */
    public static String sign(String secret, String messageId, long timestampSeconds, String body) {
        Verdict verdict = run(List.of(Map.of("op", "sign", "secret", secret, "id", messageId, "timestamp", timestampSeconds,
                "body", body))).get(0);
        if (!verdict.ok()) {
            throw new AssertionError("the reference library refused to sign: " + verdict.error());
        }
        return verdict.signature();
    }

    private static List<Verdict> run(List<Map<String, Object>> checks) {
        if (!Files.isDirectory(FOLDER.resolve("node_modules/standardwebhooks"))) {
            throw new AssertionError("the reference verifier is not installed: run (cd " + FOLDER + " && npm ci); bin/test does it");
        }
        try {
            Process node = new ProcessBuilder("node", SCRIPT.toString()).redirectErrorStream(false).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(node, true));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(node, false));
            try (OutputStream in = node.getOutputStream()) {
                in.write(JSON.writeValueAsBytes(checks));
            }
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                throw new AssertionError("node " + SCRIPT + " did not finish within 60 s");
            }
            String stdout = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            String stderr = new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            if (node.exitValue() != 0) {
                throw new AssertionError("node " + SCRIPT + " exited " + node.exitValue() + ": " + stderr);
            }
            List<Verdict> verdicts = JSON.readValue(stdout, new TypeReference<List<Verdict>>() { });
            if (verdicts.size() != checks.size()) {
                throw new AssertionError("node " + SCRIPT + " answered " + verdicts.size() + " of " + checks.size() + " checks: " + stdout);
            }
            return verdicts;
        } catch (IOException e) {
            throw new AssertionError("could not run node (is it installed and on the PATH?): " + e.getMessage(), e);
        } catch (Exception e) {
            throw new AssertionError("running the reference verifier failed: " + e, e);
        }
    }

    private static byte[] readAll(Process node, boolean stdout) {
        try {
            return (stdout ? node.getInputStream() : node.getErrorStream()).readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
