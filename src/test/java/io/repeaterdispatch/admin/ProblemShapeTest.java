package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of client error answers an RFC 9457 problem, with field errors where it is about fields. */
@QuarkusTest
class ProblemShapeTest extends IntegrationTest {

    @Test
    void everyErrorIsAProblemDocumentWithoutInternals() {
        long repeater = createRepeater("acme", receiver.url("/x"), 1);
        sql("UPDATE repeater SET is_paused = true");
        String big = "x".repeat(1_048_577);
        Map<String, Supplier<Response>> cases = new LinkedHashMap<>();
        cases.put("400 malformed JSON", () -> api().body("{\"domain\":").post("/api/v1/repeaters"));
        cases.put("400 wrong type", () -> api().body("{\"domain\":\"a\",\"name\":\"n\",\"url\":\"http://h/\",\"timeoutMs\":\"x\"}")
                .post("/api/v1/repeaters"));
        cases.put("400 validation", () -> api().body("{\"domain\":\"bad domain\",\"url\":\"ftp://x\"}").post("/api/v1/repeaters"));
        cases.put("400 unknown field", () -> api().body("{\"domain\":\"a\",\"name\":\"n\",\"url\":\"http://h/\",\"ordering\":\"strict\"}")
                .post("/api/v1/repeaters"));
        cases.put("400 query", () -> api().get("/api/v1/repeaters?limit=abc"));
        cases.put("400 enqueue items", () -> api().body("[{\"payload\":1}]").post("/api/v1/repeaters/" + repeater + "/records"));
        cases.put("404 unknown id", () -> api().get("/api/v1/repeaters/9999999"));
        cases.put("404 non-numeric id", () -> api().get("/api/v1/records/abc"));
        cases.put("404 unknown route", () -> api().get("/api/v1/nothing/here"));
        cases.put("405 method", () -> api().put("/api/v1/repeaters"));
        cases.put("409 transition", () -> api().body("{\"state\":[\"succeeded\"]}").post("/api/v1/repeaters/" + repeater + "/records/cancel"));
        cases.put("413 payload", () -> api().body("[{\"payloadId\":\"p\",\"payload\":\"" + big + "\"}]")
                .post("/api/v1/repeaters/" + repeater + "/records"));
        cases.put("413 body", () -> api().body("[{\"payloadId\":\"p\",\"payload\":\"" + big.repeat(3) + "\"}]")
                .post("/api/v1/repeaters/" + repeater + "/records"));
        cases.put("415 media type", () -> RestAssured.given().auth().oauth2(TOKEN).contentType(ContentType.XML).body("<a/>")
                .post("/api/v1/repeaters"));
        cases.forEach((name, call) -> {
            Response response = call.get();
            int expected = Integer.parseInt(name.substring(0, 3));
            String body = response.asString();
            assertEquals(expected, response.statusCode(), name + ": " + body);
            assertTrue(response.contentType().startsWith("application/problem+json"), name + ": " + response.contentType());
            assertEquals(expected, response.jsonPath().getInt("status"), name);
            assertNotNull(response.jsonPath().getString("title"), name);
            assertNotNull(response.jsonPath().getString("type"), name);
            assertNotNull(response.jsonPath().getString("detail"), name);
            for (String internal : new String[]{"Exception", "\tat ", "java.", "io.repeaterdispatch", "org.hibernate", "io.vertx"}) {
                assertFalse(body.contains(internal), name + " leaks '" + internal + "': " + body);
            }
        });
        Response validation = cases.get("400 validation").get();
        assertTrue(validation.jsonPath().getList("errors.field").containsAll(java.util.List.of("domain", "name", "url")));
        assertFalse(validation.jsonPath().getList("errors.message").contains(null));
        assertEquals(0, count("SELECT count(*) FROM repeat_record_all"), "no bad request queued anything");
    }
}
