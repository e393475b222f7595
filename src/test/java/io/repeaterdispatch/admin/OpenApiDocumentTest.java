package io.repeaterdispatch.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document as clients use it: docs/openapi.yaml, from which the test client is generated
 * (pom.xml) and which OpenApiLintTest lints, is the document the service serves at /q/openapi; every
 * operation has a stable operationId, its real success status and its errors as problem+json; the
 * server is relative, so Swagger UI's "Try it out" calls the service that served it; the token text
 * says how to get one locally.
 *
 * <p>After a change to the API: {@code bin/test -Dtest=OpenApiDocumentTest -Dopenapi.update=true}
 * rewrites docs/openapi.yaml from /q/openapi (then review the diff). The test client is generated
 * from the committed file before the tests compile: if an API change breaks GeneratedClientTest's
 * compilation against the old client, rewrite the file with that test set aside
 * ({@code -Dcodegen.skip=true} and target/generated-test-sources/openapi-client removed), then build again.
 */
@Tag("integration")
@QuarkusTest
class OpenApiDocumentTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theCommittedDocumentIsTheServedOne() throws Exception {
        JsonNode served = JSON.readTree(RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        JsonNode committed = Files.exists(OpenApiLintTest.DOCUMENT) ? new YAMLMapper().readTree(OpenApiLintTest.DOCUMENT.toFile()) : null;
        if (served.equals(committed)) {
            return;
        }
        String yaml = RestAssured.get("/q/openapi").then().statusCode(200).extract().asString();
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(OpenApiLintTest.DOCUMENT, yaml, StandardCharsets.UTF_8);
            return;
        }
        Path servedCopy = Path.of("target/openapi-served.yaml");
        Files.createDirectories(servedCopy.getParent());
        Files.writeString(servedCopy, yaml, StandardCharsets.UTF_8);
        List<String> differences = new ArrayList<>();
        diff("", committed, served, differences);
        throw new AssertionError(OpenApiLintTest.DOCUMENT + " is not the document the service serves (" + servedCopy + "); where they differ: "
                + differences.subList(0, Math.min(20, differences.size())) + ". If the API change is meant: bin/test -Dtest="
                + getClass().getSimpleName() + " -Dopenapi.update=true rewrites it");
    }

    @Test
    void everyOperationHasAStableIdItsRealSuccessStatusAndItsErrorsAsProblems() throws Exception {
        JsonNode document = committed();
        Map<String, String> ids = new HashMap<>();
        Map<String, String> success = new HashMap<>();
        for (Map.Entry<String, JsonNode> path : fields(document.path("paths"))) {
            for (Map.Entry<String, JsonNode> method : fields(path.getValue())) {
                if (!METHODS.contains(method.getKey())) {
                    continue;
                }
                String operation = method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                JsonNode node = method.getValue();
                String id = node.path("operationId").asText("");
                assertTrue(id.matches("[a-z][A-Za-z]+"), operation + " has an operationId in camelCase: '" + id + "'");
                String other = ids.put(id, operation);
                assertTrue(other == null, "operationId " + id + " is used by " + other + " and " + operation);
                JsonNode responses = node.path("responses");
                List<String> codes = new ArrayList<>();
                responses.fieldNames().forEachRemaining(codes::add);
                List<String> ok = codes.stream().filter(c -> c.startsWith("2")).toList();
                assertEquals(1, ok.size(), operation + " answers one success status: " + codes);
                success.put(operation, ok.get(0));
                assertTrue(codes.contains("401"), operation + " documents the 401 of a missing or unknown token: " + codes);
                assertEquals(!method.getKey().equals("get"), codes.contains("403"),
                        operation + " documents the 403 of a read token exactly when it changes something: " + codes);
                for (String code : codes) {
                    if (code.startsWith("4")) {
                        JsonNode problem = resolve(document, responses.path(code)).path("content").path("application/problem+json");
                        assertEquals("#/components/schemas/Problem", problem.path("schema").path("$ref").asText(),
                                operation + " answers " + code + " as a problem: " + responses.path(code));
                    }
                }
            }
        }
        assertTrue(ids.size() >= 27, "every operation: " + ids);
        assertEquals("201", success.get("POST /api/v1/repeaters"), "create");
        assertEquals("202", success.get("POST /api/v1/repeaters/{id}/records"), "enqueue");
        assertEquals("202", success.get("POST /api/v1/domains/{domain}/events"), "fan-out");
        for (String[] expected : List.of(new String[]{"createRepeater", "POST /api/v1/repeaters"},
                new String[]{"enqueueRecords", "POST /api/v1/repeaters/{id}/records"},
                new String[]{"getRecord", "GET /api/v1/records/{id}"},
                new String[]{"publishEvents", "POST /api/v1/domains/{domain}/events"})) {
            assertEquals(expected[1], ids.get(expected[0]), "operationId " + expected[0]);
        }
        JsonNode create = document.path("paths").path("/api/v1/repeaters").path("post").path("responses");
        assertTrue(create.has("409"), "a second repeater of the same name in a domain: 409");
        JsonNode problem = document.path("components").path("schemas").path("Problem");
        assertEquals(Set.of("type", "title", "status", "detail", "errors"), names(problem.path("properties")), problem.toString());
    }

    @Test
    void swaggerUiCallsTheServiceThatServedItAndSaysHowToGetAToken() throws Exception {
        JsonNode document = committed();
        assertEquals("/", document.path("servers").path(0).path("url").asText(), "a relative server: " + document.path("servers"));
        String scheme = document.path("components").path("securitySchemes").path("adminToken").path("description").asText();
        assertTrue(scheme.contains("dev-token") && scheme.contains("REPEATER_ADMIN_TOKENS"), scheme);
        // Swagger UI renders descriptions as Markdown: a bare <token> is taken for an HTML tag and vanishes ("Bearer .")
        for (String text : List.of(scheme, document.path("info").path("description").asText())) {
            assertFalse(text.replaceAll("`[^`]*`", "").contains("<"), "no bare '<' outside code spans: " + text);
            assertTrue(text.contains("`Authorization: Bearer <token>`"), text);
        }
    }

    @Test
    void lastAttemptAtSaysItIsBackoffState() throws Exception {
        JsonNode document = committed();
        JsonNode view = document.path("components").path("schemas").path("RepeaterView").path("properties");
        String description = view.path("lastAttemptAt").path("description").asText();
        assertTrue(description.contains("backoff") && description.contains("null after successful deliveries"), description);
    }

    private static JsonNode committed() throws Exception {
        return new YAMLMapper().readTree(OpenApiLintTest.DOCUMENT.toFile());
    }

    private static JsonNode resolve(JsonNode document, JsonNode node) {
        String ref = node.path("$ref").asText("");
        if (ref.isEmpty()) {
            return node;
        }
        JsonNode target = document.at(ref.substring(1));
        assertFalse(target.isMissingNode(), ref + " exists");
        return target;
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        node.fields().forEachRemaining(fields::add);
        return fields;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** JSON pointers where the two trees differ, the shallowest first. */
    private static void diff(String at, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected == null || actual == null || expected.getNodeType() != actual.getNodeType() || !expected.isContainerNode()) {
            if (expected == null || !expected.equals(actual)) {
                out.add(at.isEmpty() ? "/" : at);
            }
            return;
        }
        if (expected.isArray()) {
            if (expected.size() != actual.size()) {
                out.add(at + " (" + expected.size() + " vs " + actual.size() + " items)");
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                diff(at + "/" + i, expected.get(i), actual.get(i), out);
            }
            return;
        }
        Set<String> keys = new TreeSet<>();
        expected.fieldNames().forEachRemaining(keys::add);
        actual.fieldNames().forEachRemaining(keys::add);
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
            String key = it.next();
            String pointer = at + "/" + key.replace("~", "~0").replace("/", "~1");
            if (!expected.has(key) || !actual.has(key)) {
                out.add(pointer + (expected.has(key) ? " (gone)" : " (new)"));
            } else {
                diff(pointer, expected.get(key), actual.get(key), out);
            }
        }
    }
}
