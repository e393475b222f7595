package io.repeaterdispatch.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redocly CLI (npm {@code @redocly/cli}, installed from src/test/openapi-lint/package-lock.json by
 * bin/test) lints the OpenAPI document with its recommended ruleset (src/test/openapi-lint/redocly.yaml):
 * no error and no warning. It lints docs/openapi.yaml, which OpenApiDocumentTest holds equal to what
 * the service serves at /q/openapi; no server is needed here.
 */
class OpenApiLintTest {

    static final Path FOLDER = Path.of("src/test/openapi-lint");
    private static final Path CLI = FOLDER.resolve("node_modules/@redocly/cli/bin/cli.js");
    static final Path DOCUMENT = Path.of("docs/openapi.yaml");

    @Test
    void theDocumentPassesTheRecommendedRulesetWithoutAProblem() throws Exception {
        if (!Files.isRegularFile(CLI)) {
            throw new AssertionError("Redocly CLI is not installed: run (cd " + FOLDER + " && npm ci); bin/test does it");
        }
        Path report = Files.createTempFile("openapi-lint", ".json");
        try {
            ProcessBuilder builder = new ProcessBuilder("node", CLI.toString(), "lint", DOCUMENT.toString(),
                    "--config", FOLDER.resolve("redocly.yaml").toString(), "--format", "json")
                    .redirectOutput(report.toFile());
            // no telemetry and no update check: nothing but the registries is reachable from CI
            builder.environment().put("REDOCLY_TELEMETRY", "off");
            builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
            Process lint;
            try {
                lint = builder.start();
            } catch (IOException e) {
                throw new AssertionError("could not run node (is it installed and on the PATH?): " + e.getMessage(), e);
            }
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(lint.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            if (!lint.waitFor(120, TimeUnit.SECONDS)) {
                lint.destroyForcibly();
                throw new AssertionError("redocly lint did not finish within 120 s");
            }
            String output = Files.readString(report);
            int start = output.indexOf('{');
            assertTrue(start >= 0, "redocly lint exited " + lint.exitValue() + " without a report: " + output + stderr.get());
            JsonNode result = new ObjectMapper().readTree(output.substring(start));
            JsonNode totals = result.path("totals");
            StringBuilder problems = new StringBuilder();
            for (JsonNode problem : result.path("problems")) {
                problems.append("\n  ").append(problem.path("severity").asText()).append(' ').append(problem.path("ruleId").asText())
                        .append(": ").append(problem.path("message").asText()).append(" at ")
                        .append(problem.path("location").path(0).path("pointer").asText());
            }
            assertEquals(0, totals.path("errors").asInt(-1) + totals.path("warnings").asInt(-1),
                    "redocly lint " + DOCUMENT + " (recommended ruleset): " + totals + problems);
            assertEquals(0, lint.exitValue(), "redocly lint exit code; stderr: " + stderr.get());
        } finally {
            Files.deleteIfExists(report);
        }
    }
}
