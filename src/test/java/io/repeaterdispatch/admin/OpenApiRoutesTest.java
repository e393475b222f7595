package io.repeaterdispatch.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks every operation of the published OpenAPI document, whatever routes it holds, and calls each
 * without a token: every /api route must refuse. The documentation, health and metrics routes stay
 * open, and the document declares the bearer scheme every operation needs.
 */
@QuarkusTest
class OpenApiRoutesTest extends IntegrationTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    /** Documented routes outside /api, open on purpose (none yet): anything else outside /api fails. */
    private static final Set<String> OPEN_ROUTES = Set.of();
    private static final Pattern PARAM = Pattern.compile("\\{([^}/]+)}");

    private record Operation(String method, String path, JsonNode node, JsonNode pathItem) {
        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    @Test
    void everyDocumentedApiRouteRefusesCallsWithoutAValidToken() throws Exception {
        JsonNode document = openApi();
        List<Operation> operations = operations(document);
        List<String> names = operations.stream().map(Operation::toString).toList();
        for (String known : List.of("POST /api/v1/repeaters", "GET /api/v1/repeaters/{id}", "POST /api/v1/repeaters/{id}/records",
                "GET /api/v1/records/{id}", "PUT /api/v1/domains/{domain}/flags/process-repeaters",
                "GET /api/v1/domains/{domain}/limits", "PUT /api/v1/domains/{domain}/limits", "DELETE /api/v1/domains/{domain}/limits",
                "POST /api/v1/repeaters/{id}/signing-secret/rotate", "POST /api/v1/domains/{domain}/events",
                "GET /api/v1/repeaters/{id}/activity", "GET /api/v1/whoami")) {
            assertTrue(names.contains(known), known + " is documented: " + names);
        }
        long repeatersBefore = count("SELECT count(*) FROM repeater");
        for (Operation operation : operations) {
            if (!operation.path.startsWith("/api/")) {
                assertTrue(OPEN_ROUTES.contains(operation.path), operation + " is documented outside /api, where no token is asked");
                continue;
            }
            String url = concrete(operation);
            for (UnaryOperator<RequestSpecification> auth : List.<UnaryOperator<RequestSpecification>>of(
                    s -> s, s -> s.auth().oauth2("not-a-token"))) {
                Response response = auth.apply(RestAssured.given().redirects().follow(false)).request(operation.method, url);
                assertEquals(401, response.statusCode(), operation + " as " + url + " answered " + response.statusCode());
                assertEquals("Bearer", response.header("WWW-Authenticate"), operation + ": WWW-Authenticate");
            }
        }
        assertEquals(repeatersBefore, count("SELECT count(*) FROM repeater"), "refused calls changed nothing");
    }

    @Test
    void documentDeclaresTheBearerSchemeOnEveryApiOperation() throws Exception {
        JsonNode document = openApi();
        assertEquals("repeater-dispatch admin API", document.path("info").path("title").asText());
        JsonNode schemes = document.path("components").path("securitySchemes");
        for (Operation operation : operations(document)) {
            JsonNode security = operation.node.has("security") ? operation.node.get("security") : document.path("security");
            assertTrue(security.isArray() && !security.isEmpty(), operation + " requires a security scheme: " + security);
            // The requirements are alternatives: one empty one ({}) would let a caller in with no token at all.
            security.forEach(requirement -> {
                assertTrue(requirement.isObject() && !requirement.isEmpty(),
                        operation + " lists an anonymous (empty) security requirement: " + security);
                requirement.fieldNames().forEachRemaining(name -> {
                    JsonNode scheme = schemes.path(name);
                    assertEquals("http", scheme.path("type").asText(), operation + " scheme " + name);
                    assertEquals("bearer", scheme.path("scheme").asText().toLowerCase(Locale.ROOT), operation + " scheme " + name);
                });
            });
        }
    }

    @Test
    void everyApiOperationIsDescribedAndEveryBodyHasAnExample() throws Exception {
        List<Operation> operations = operations(openApi());
        assertTrue(operations.size() >= 25, "all admin routes are documented: " + operations);
        int withBody = 0;
        for (Operation operation : operations) {
            assertFalse(operation.node.path("summary").asText().isBlank(), operation + " has a summary");
            assertFalse(operation.node.path("tags").isEmpty(), operation + " is tagged");
            JsonNode body = operation.node.path("requestBody").path("content").path("application/json");
            if (!body.isMissingNode()) {
                assertFalse(body.path("examples").isEmpty(), operation + " shows an example body");
                withBody++;
            }
        }
        assertTrue(withBody >= 8, "create, update, enqueue, three bulk changes, the flag and the domain limits take a body: " + withBody);
    }

    /** The delivery limits are in the document: the repeater's fields in its create body and its view, the domain limits' bodies. */
    @Test
    void documentDescribesTheDeliveryLimits() throws Exception {
        JsonNode document = openApi();
        JsonNode schemas = document.path("components").path("schemas");
        JsonNode create = schema(document, document.path("paths").path("/api/v1/repeaters").path("post")
                .path("requestBody").path("content").path("application/json").path("schema"));
        JsonNode rateLimit = schema(document, create.path("properties").path("rateLimit"));
        assertEquals(Set.of("perSecond", "burst"), names(rateLimit.path("properties")), "rateLimit: " + rateLimit);
        assertFalse(rateLimit.path("properties").path("burst").path("description").asText().isBlank(), "burst is described");
        JsonNode statusPolicy = schema(document, create.path("properties").path("statusPolicy"));
        assertEquals(Set.of("retry", "invalidPayload"), names(statusPolicy.path("properties")), "statusPolicy: " + statusPolicy);
        assertTrue(statusPolicy.path("properties").path("retry").path("description").asText().contains("300-599"), statusPolicy.toString());

        JsonNode view = schema(document, document.path("paths").path("/api/v1/repeaters/{id}").path("get").path("responses")
                .path("200").path("content").path("application/json").path("schema"));
        assertTrue(names(view.path("properties")).containsAll(Set.of("rateLimit", "statusPolicy")), "the repeater view: " + view);
        String update = document.path("paths").path("/api/v1/repeaters/{id}").path("patch").toString();
        assertTrue(update.contains("rateLimit") && update.contains("statusPolicy"), "PATCH says it takes them: " + update);

        JsonNode limits = schema(document, document.path("paths").path("/api/v1/domains/{domain}/limits").path("put")
                .path("requestBody").path("content").path("application/json").path("schema"));
        assertEquals(Set.of("remoteTimePerMinuteMs", "remoteTimePerHourMs"), names(limits.path("properties")), "limits body: " + limits);
        JsonNode limitsView = schema(document, document.path("paths").path("/api/v1/domains/{domain}/limits").path("get")
                .path("responses").path("200").path("content").path("application/json").path("schema"));
        assertEquals(Set.of("domain", "remoteTimePerMinuteMs", "remoteTimePerHourMs", "effective"), names(limitsView.path("properties")),
                "limits view: " + limitsView + " among " + names(schemas));
    }

    /** The enqueue route documents its Idempotency-Key header: optional, described, a string of 1-255 characters. */
    @Test
    void documentDescribesTheIdempotencyKeyHeaderOfTheEnqueueRoute() throws Exception {
        JsonNode enqueue = openApi().path("paths").path("/api/v1/repeaters/{id}/records").path("post");
        JsonNode header = null;
        for (JsonNode parameter : enqueue.path("parameters")) {
            if ("header".equals(parameter.path("in").asText()) && "Idempotency-Key".equals(parameter.path("name").asText())) {
                header = parameter;
            }
        }
        assertTrue(header != null, "the header is a parameter of the operation: " + enqueue.path("parameters"));
        assertFalse(header.path("required").asBoolean(false), "optional");
        assertTrue(header.path("description").asText().contains("admin.idempotency.window"), header.toString());
        assertEquals("string", header.path("schema").path("type").asText(), header.toString());
        assertEquals(255, header.path("schema").path("maxLength").asInt(), header.toString());
        assertTrue(enqueue.path("description").asText().contains("422"), "the operation says what a reused key answers");
    }

    /** Signing: the fields of create, PATCH and the view; the secret in the create and rotate answers only. */
    @Test
    void documentDescribesSigningAndWhereTheSecretIsAnswered() throws Exception {
        JsonNode document = openApi();
        JsonNode repeaters = document.path("paths").path("/api/v1/repeaters");
        JsonNode create = schema(document, repeaters.path("post").path("requestBody").path("content").path("application/json").path("schema"));
        assertTrue(names(create.path("properties")).containsAll(Set.of("signing", "signingSecret")), "create body: " + create);
        assertTrue(create.path("properties").path("signingSecret").path("description").asText().contains("whsec_"), create.toString());
        assertEquals(Set.of("enabled"), names(schema(document, create.path("properties").path("signing")).path("properties")));

        JsonNode created = schema(document, successBody(repeaters.path("post")));
        assertTrue(names(created.path("properties")).containsAll(Set.of("id", "domain", "signing", "signingSecret")),
                "the create answer is the repeater and its secret: " + created);
        JsonNode rotated = schema(document, successBody(document.path("paths").path("/api/v1/repeaters/{id}/signing-secret/rotate").path("post")));
        assertTrue(names(rotated.path("properties")).containsAll(Set.of("id", "signing", "signingSecret")), "the rotate answer: " + rotated);

        JsonNode view = schema(document, successBody(document.path("paths").path("/api/v1/repeaters/{id}").path("get")));
        assertTrue(names(view.path("properties")).contains("signing"), "the view: " + view);
        assertFalse(names(view.path("properties")).contains("signingSecret"), "the view never has the secret: " + view);
        assertEquals(Set.of("enabled", "rotatedAt", "previousValidUntil"),
                names(schema(document, view.path("properties").path("signing")).path("properties")));
        assertTrue(document.path("paths").path("/api/v1/repeaters/{id}").path("patch").toString().contains("signing"));
    }

    /** Fan-out: the route with its header, its 202 answer and refusals; eventTypes in the create body, PATCH and the view; a record's eventType. */
    @Test
    void documentDescribesFanOutByEventType() throws Exception {
        JsonNode document = openApi();
        JsonNode fanOut = document.path("paths").path("/api/v1/domains/{domain}/events").path("post");
        assertTrue(fanOut.path("parameters").toString().contains("Idempotency-Key"), "the header is documented: " + fanOut.path("parameters"));
        assertFalse(fanOut.path("requestBody").path("content").path("application/json").path("examples").isEmpty(), "an example body");
        JsonNode responses = fanOut.path("responses");
        for (String status : List.of("202", "400", "413", "422")) {
            assertTrue(responses.has(status), "answers " + status + ": " + responses);
        }
        JsonNode answer = schema(document, responses.path("202").path("content").path("application/json").path("schema"));
        assertEquals(Set.of("domain", "records", "count"), names(answer.path("properties")), "the 202 answer: " + answer);
        assertTrue(fanOut.path("description").asText().contains("admin.fan-out.max-records"), "the cap is named");

        JsonNode create = schema(document, document.path("paths").path("/api/v1/repeaters").path("post")
                .path("requestBody").path("content").path("application/json").path("schema"));
        assertEquals("array", create.path("properties").path("eventTypes").path("type").asText(), create.toString());
        JsonNode view = schema(document, successBody(document.path("paths").path("/api/v1/repeaters/{id}").path("get")));
        assertTrue(names(view.path("properties")).contains("eventTypes"), "the view: " + view);
        assertTrue(document.path("paths").path("/api/v1/repeaters/{id}").path("patch").toString().contains("eventTypes"));
        JsonNode record = schema(document, successBody(document.path("paths").path("/api/v1/records/{id}").path("get")));
        assertTrue(names(record.path("properties")).contains("eventType"), "the record view: " + record);
    }

    /** The schema of an operation's 200 or 201 JSON answer. */
    private static JsonNode successBody(JsonNode operation) {
        JsonNode responses = operation.path("responses");
        JsonNode ok = responses.has("201") ? responses.path("201") : responses.path("200");
        return ok.path("content").path("application/json").path("schema");
    }

    /** A schema, or the one it refers to ($ref, possibly beside other keywords or inside allOf/anyOf). */
    private static JsonNode schema(JsonNode document, JsonNode node) {
        String ref = node.path("$ref").asText("");
        if (ref.isEmpty()) {
            for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
                for (JsonNode part : node.path(combinator)) {
                    if (part.has("$ref")) {
                        return schema(document, part);
                    }
                }
            }
            return node;
        }
        JsonNode target = document.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
        assertFalse(target.isMissingNode(), "schema " + ref + " exists");
        return target;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new java.util.TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void documentationHealthAndMetricsNeedNoToken() {
        for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi", "/q/openapi?format=json")) {
            RestAssured.get(path).then().statusCode(200);
        }
        RestAssured.get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
        RestAssured.given().redirects().follow(true).get("/q/swagger-ui").then().statusCode(200);
    }

    private static JsonNode openApi() throws Exception {
        return new ObjectMapper().readTree(RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    private static List<Operation> operations(JsonNode document) {
        List<Operation> operations = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
            if (METHODS.contains(entry.getKey())) {
                operations.add(new Operation(entry.getKey(), path.getKey(), entry.getValue(), path.getValue()));
            }
        }));
        assertFalse(operations.isEmpty(), "the document has operations");
        return operations;
    }

    /** The path with each parameter replaced by a plausible value of its kind. */
    private static String concrete(Operation operation) {
        Map<String, String> types = new java.util.HashMap<>();
        for (JsonNode parameters : List.of(operation.pathItem.path("parameters"), operation.node.path("parameters"))) {
            parameters.forEach(p -> {
                if ("path".equals(p.path("in").asText())) {
                    types.put(p.path("name").asText(), p.path("schema").path("type").asText());
                }
            });
        }
        Matcher matcher = PARAM.matcher(operation.path);
        StringBuilder url = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            boolean numeric = Set.of("integer", "number").contains(types.get(name)) || name.equals("id") || name.endsWith("Id");
            matcher.appendReplacement(url, numeric ? "1" : "example.org");
        }
        matcher.appendTail(url);
        return url.toString();
    }
}
