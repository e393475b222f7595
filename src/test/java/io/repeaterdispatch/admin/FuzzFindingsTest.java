package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs the API fuzz run (faults/fuzz.sh) found answering 500: each must now be a 400 problem
 * naming the field, and write nothing.
 */
@QuarkusTest
class FuzzFindingsTest extends IntegrationTest {

    private static String cursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("k:" + key).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void badInputThatOnceFailedInsideIsAClientError() {
        long repeater = createRepeater("acme", receiver.url("/x"), 1);
        sql("UPDATE repeater SET is_paused = true");
        Map<String, Supplier<Response>> cases = new LinkedHashMap<>();
        // a cursor carrying a NUL reached PostgreSQL, which refuses NUL in text
        cases.put("cursor NUL", () -> api().get("/api/v1/domains?cursor=" + cursor("a\u0000b")));
        // years Java parses but PostgreSQL (or the driver's microsecond count) cannot hold
        for (String when : new String[]{"+1000000000-01-01T00:00:00Z", "+294277-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z"}) {
            cases.put("registeredAfter " + when, () -> api().body(Map.of("registeredAfter", when))
                    .post("/api/v1/repeaters/" + repeater + "/records/cancel"));
            cases.put("registeredBefore " + when, () -> api().body(Map.of("registeredBefore", when))
                    .post("/api/v1/repeaters/" + repeater + "/records/requeue"));
        }
        cases.forEach((name, call) -> {
            Response response = call.get();
            assertEquals(400, response.statusCode(), name + ": " + response.asString());
            assertTrue(response.contentType().startsWith("application/problem+json"), name);
            assertEquals(name.split(" ")[0], response.jsonPath().getString("errors[0].field"), name + ": " + response.asString());
        });
        assertEquals(1, count("SELECT count(*) FROM admin_audit"), "only the repeater's creation was audited");
    }

    /** The fuzz run's DELETE /api/v1/repeaters/1;DROP deleted repeater 1: an id has one spelling only. */
    @Test
    void anAliasOfAnIdNamesNothing() {
        long keep = createRepeater("acme", receiver.url("/x"), 1);
        // the id in fullwidth digits (U+FF10..), percent-encoded as a client would send them
        String wide = java.net.URLEncoder.encode(String.valueOf(keep).chars().map(c -> c - '0' + 0xFF10)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString(), StandardCharsets.UTF_8);
        for (String alias : new String[]{keep + ";DROP", keep + ";", keep + ";x=1", "+" + keep, "0" + keep, "00" + keep,
                wide, keep + "%3B", "%2B" + keep}) {
            for (String[] call : new String[][]{{"DELETE", ""}, {"POST", "/pause"}, {"PATCH", ""}}) {
                String path = "/api/v1/repeaters/" + alias + call[1];
                Response response = (call[0].equals("PATCH") ? api().body(Map.of("name", "renamed")) : api())
                        .urlEncodingEnabled(false).request(call[0], path);
                assertEquals(404, response.statusCode(), call[0] + " " + path + ": " + response.asString());
                assertTrue(response.contentType().startsWith("application/problem+json"), path);
            }
        }
        // a ';' anywhere in an /api path, and still 401 without a token
        assertEquals(404, api().urlEncodingEnabled(false).get("/api/v1/repeaters;x=1").statusCode());
        assertEquals(401, io.restassured.RestAssured.given().urlEncodingEnabled(false).delete("/api/v1/repeaters/" + keep + ";DROP").statusCode());
        assertEquals(false, repeater(keep).getBoolean("is_deleted"));
        assertEquals(false, repeater(keep).getBoolean("is_paused"));
        assertEquals("1", String.valueOf(count("SELECT count(*) FROM admin_audit")), "only the creation was audited");
        assertEquals(200, api().get("/api/v1/repeaters/" + keep).statusCode(), "the plain id still works");
    }

    /** The fuzz run's payload fidelity probes: numbers read as doubles and lone surrogates were stored altered. */
    @Test
    void aPayloadIsStoredAsSentOrRefused() {
        long repeater = createRepeater("acme", receiver.url("/x"), 1);
        sql("UPDATE repeater SET is_paused = true");
        for (String number : new String[]{"0.1234567890123456789012345", "1e400", "-1e400", "1e-400", "3.141592653589793238462643383279502884197"}) {
            Response response = api().body("[{\"payloadId\":\"n\",\"payload\":{\"x\":" + number + "}}]").post("/api/v1/repeaters/" + repeater + "/records");
            assertEquals(202, response.statusCode(), number + ": " + response.asString());
            long id = response.jsonPath().getLong("recordIds[0]");
            String stored = sql("SELECT payload FROM repeat_record_all WHERE id = $1", id).get(0).getString("payload");
            String digits = stored.substring(stored.indexOf(':') + 1, stored.lastIndexOf('}'));
            assertEquals(0, new java.math.BigDecimal(number).compareTo(new java.math.BigDecimal(digits)), number + " stored as " + stored);
        }
        for (String lone : new String[]{"\\ud800", "a\\udfffb", "\\udc00\\ud800"}) {
            Response response = api().body("[{\"payloadId\":\"s\",\"payload\":{\"s\":\"" + lone + "\"}}]").post("/api/v1/repeaters/" + repeater + "/records");
            assertEquals(400, response.statusCode(), lone + ": " + response.asString());
            assertEquals("[0].payload", response.jsonPath().getString("errors[0].field"), lone);
        }
        // a pair is one character, and stays
        assertEquals(202, api().body("[{\"payloadId\":\"s\",\"payload\":\"\\ud83d\\ude00\"}]").post("/api/v1/repeaters/" + repeater + "/records").statusCode());
        assertEquals(6, count("SELECT count(*) FROM repeat_record_all"));
    }
    /**
     * The fuzz run's PATCH {"timeoutMs": ""} was a 500: Jackson read "" as null. A number or boolean
     * field takes a JSON number or boolean only; anything else is a 400 naming it, and changes nothing.
     */
    @Test
    void aNumberOrBooleanFieldTakesNothingElse() {
        long repeater = createRepeater("acme", receiver.url("/x"), 3);
        String path = "/api/v1/repeaters/" + repeater;
        Map<String, String> cases = new LinkedHashMap<>();
        for (String field : new String[]{"timeoutMs", "batchSize"}) {
            for (String bad : new String[]{"\"\"", "\" \"", "\"5\"", "1.5", "true", "[]", "{}"}) {
                cases.put("PATCH " + path + " {\"" + field + "\": " + bad + "}", field);
            }
            cases.put("POST /api/v1/repeaters {\"domain\":\"acme\",\"name\":\"n\",\"url\":\"" + receiver.url("/y")
                    + "\",\"" + field + "\":\"\"}", field);
        }
        for (String bad : new String[]{"\"\"", "\"true\"", "1", "0"}) {
            cases.put("PUT /api/v1/domains/acme/flags/process-repeaters {\"enabled\": " + bad + "}", "enabled");
        }
        cases.forEach((call, field) -> {
            String[] parts = call.split(" ", 3);
            Response response = api().body(parts[2]).request(parts[0], parts[1]);
            assertEquals(400, response.statusCode(), call + ": " + response.asString());
            assertTrue(response.contentType().startsWith("application/problem+json"), call);
            assertEquals(field, response.jsonPath().getString("errors[0].field"), call + ": " + response.asString());
        });
        var stored = repeater(repeater);
        assertEquals(10_000, stored.getInteger("timeout_ms"));
        assertEquals(3, stored.getInteger("batch_size"));
        assertEquals(1, count("SELECT count(*) FROM repeater"), "no repeater created");
        assertEquals(0, count("SELECT count(*) FROM domain_flag"), "no flag set");
        assertEquals(1, count("SELECT count(*) FROM admin_audit"), "only the repeater's creation was audited");
        // the plain forms still work
        assertEquals(200, api().body("{\"timeoutMs\": 2000, \"batchSize\": 4}").patch(path).statusCode());
        assertEquals(200, api().body("{\"enabled\": false}").put("/api/v1/domains/acme/flags/process-repeaters").statusCode());
    }
}
