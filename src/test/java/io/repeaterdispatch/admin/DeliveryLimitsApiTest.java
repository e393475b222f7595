package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration surface of delivery limits: a repeater's rate limit and status policy on
 * create, PATCH and in its view, and a domain's remote-time limits; every refusal a 400 naming the
 * field that writes nothing. How dispatch applies the status policy: StatusPolicyDispatchTest.
 */
@QuarkusTest
class DeliveryLimitsApiTest extends IntegrationTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String UNROUTABLE = "http://127.0.0.1:9/never";

    @Inject
    DispatchConfig config;

    // ---- repeater: rateLimit and statusPolicy --------------------------------------------------------

    @Test
    void createStoresAndShowsTheRateLimitAndStatusPolicyResolved() {
        JsonPath created = api().body(repeater(Map.of("rateLimit", Map.of("perSecond", 2.5),
                        "statusPolicy", Map.of("retry", List.of(503, 404, 404), "invalidPayload", List.of(500)))))
                .post("/api/v1/repeaters").then().statusCode(201).extract().jsonPath();
        long id = created.getLong("id");
        assertEquals(2.5, created.getDouble("rateLimit.perSecond"));
        assertEquals(3, created.getInt("rateLimit.burst"), "burst defaults to ceil(perSecond)");
        assertEquals(List.of(404, 503), created.getList("statusPolicy.retry"), "sorted, duplicates collapsed");
        assertEquals(List.of(500), created.getList("statusPolicy.invalidPayload"));
        Row row = repeater(id);
        assertEquals(2.5, row.getDouble("rate_per_second"));
        assertEquals(3, row.getInteger("rate_burst"));
        assertArrayEquals(new Short[]{404, 503}, row.getArrayOfShorts("retry_status_codes"));
        assertArrayEquals(new Short[]{500}, row.getArrayOfShorts("invalid_status_codes"));

        // read back, in a list, and in the audit entry
        JsonPath read = api().get("/api/v1/repeaters/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(2.5, read.getDouble("rateLimit.perSecond"));
        assertEquals(List.of(404, 503), read.getList("statusPolicy.retry"));
        assertEquals(3, api().get("/api/v1/repeaters").then().statusCode(200).extract().jsonPath().getInt("items[0].rateLimit.burst"));
        api().get("/api/v1/audit?action=repeater.create").then().statusCode(200)
                .body("items[0].detail.after.rateLimit.burst", equalTo(3))
                .body("items[0].detail.after.statusPolicy.invalidPayload", equalTo(List.of(500)));

        // the burst's floor, an explicit burst, and the largest values
        assertEquals(1, api().body(repeater(Map.of("rateLimit", Map.of("perSecond", 0.2)))).post("/api/v1/repeaters")
                .then().statusCode(201).extract().jsonPath().getInt("rateLimit.burst"));
        JsonPath largest = api().body(repeater(Map.of("rateLimit", Map.of("perSecond", 100_000, "burst", 100_000),
                        "statusPolicy", Map.of("retry", IntStream.range(300, 350).boxed().toList(),
                                "invalidPayload", IntStream.range(550, 600).boxed().toList()))))
                .post("/api/v1/repeaters").then().statusCode(201).extract().jsonPath();
        assertEquals(100_000, largest.getInt("rateLimit.burst"));
        assertEquals(50, largest.getList("statusPolicy.retry").size(), "50 codes a list are allowed");
        assertEquals(599, largest.getInt("statusPolicy.invalidPayload[49]"));
    }

    @Test
    void withoutThemARepeaterHasNoRateLimitAndAnEmptyPolicyAsTheSchemaDefaults() {
        JsonPath created = api().body(repeater(Map.of())).post("/api/v1/repeaters").then().statusCode(201)
                .body("rateLimit", nullValue())
                .body("statusPolicy.retry", equalTo(List.of())).body("statusPolicy.invalidPayload", equalTo(List.of()))
                .extract().jsonPath();
        Row row = repeater(created.getLong("id"));
        assertNull(row.getValue("rate_per_second"));
        assertNull(row.getValue("rate_burst"));
        assertArrayEquals(new Short[0], row.getArrayOfShorts("retry_status_codes"));
        assertArrayEquals(new Short[0], row.getArrayOfShorts("invalid_status_codes"));
        // the keys are there, not left out, in every view
        String body = api().get("/api/v1/repeaters/" + created.getLong("id")).then().statusCode(200).extract().asString();
        assertTrue(body.contains("\"rateLimit\":null") && body.contains("\"statusPolicy\":{\"retry\":[],\"invalidPayload\":[]}"), body);
        // an empty policy object, or one with null lists, is the same
        api().body(repeater(Map.of("statusPolicy", Map.of()))).post("/api/v1/repeaters").then().statusCode(201)
                .body("statusPolicy.retry", equalTo(List.of()));
        api().body(repeaterJson("\"statusPolicy\": {\"retry\": null, \"invalidPayload\": [404]}")).post("/api/v1/repeaters")
                .then().statusCode(201).body("statusPolicy.retry", equalTo(List.of())).body("statusPolicy.invalidPayload", equalTo(List.of(404)));
    }

    /** Each bad value alone, with the field its 400 names; none creates anything. */
    @Test
    void everyBadRateLimitOrStatusPolicyIsA400NamingTheFieldAndCreatesNothing() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("\"rateLimit\": {}", "rateLimit.perSecond");
        cases.put("\"rateLimit\": {\"burst\": 5}", "rateLimit.perSecond");
        cases.put("\"rateLimit\": {\"perSecond\": 0}", "rateLimit.perSecond");
        cases.put("\"rateLimit\": {\"perSecond\": -1}", "rateLimit.perSecond");
        cases.put("\"rateLimit\": {\"perSecond\": 100000.5}", "rateLimit.perSecond");
        cases.put("\"rateLimit\": {\"perSecond\": 1e400}", "rateLimit.perSecond");
        cases.put("\"rateLimit\": {\"perSecond\": \"5\"}", "rateLimit.perSecond");
        cases.put("\"rateLimit\": {\"perSecond\": null}", "rateLimit.perSecond");
        cases.put("\"rateLimit\": {\"perSecond\": 5, \"burst\": 0}", "rateLimit.burst");
        cases.put("\"rateLimit\": {\"perSecond\": 5, \"burst\": 100001}", "rateLimit.burst");
        cases.put("\"rateLimit\": {\"perSecond\": 5, \"burst\": 1.5}", "rateLimit.burst");
        cases.put("\"rateLimit\": {\"perSecond\": 5, \"burst\": \"3\"}", "rateLimit.burst");
        cases.put("\"rateLimit\": {\"perSecond\": 5, \"burst\": 99999999999}", "rateLimit.burst");
        cases.put("\"rateLimit\": {\"perSecond\": 5, \"brust\": 3}", "rateLimit.brust");
        cases.put("\"rateLimit\": 5", "rateLimit");
        cases.put("\"statusPolicy\": {\"retry\": [200]}", "statusPolicy.retry");
        cases.put("\"statusPolicy\": {\"retry\": [299]}", "statusPolicy.retry");
        cases.put("\"statusPolicy\": {\"retry\": [600]}", "statusPolicy.retry");
        cases.put("\"statusPolicy\": {\"invalidPayload\": [404, 1000]}", "statusPolicy.invalidPayload");
        cases.put("\"statusPolicy\": {\"retry\": [null]}", "statusPolicy.retry");
        cases.put("\"statusPolicy\": {\"retry\": [404.5]}", "statusPolicy.retry[0]");
        cases.put("\"statusPolicy\": {\"retry\": [404.0]}", "statusPolicy.retry[0]");
        cases.put("\"statusPolicy\": {\"invalidPayload\": [500, \"404\"]}", "statusPolicy.invalidPayload[1]");
        cases.put("\"statusPolicy\": {\"retry\": 404}", "statusPolicy.retry");
        cases.put("\"statusPolicy\": {\"retry\": " + IntStream.range(300, 351).boxed().toList() + "}", "statusPolicy.retry");
        cases.put("\"statusPolicy\": {\"invalidPayload\": " + IntStream.range(400, 451).boxed().toList() + "}", "statusPolicy.invalidPayload");
        cases.put("\"statusPolicy\": {\"retry\": [404, 500], \"invalidPayload\": [500]}", "statusPolicy");
        cases.put("\"statusPolicy\": {\"retyr\": [404]}", "statusPolicy.retyr");
        cases.put("\"statusPolicy\": [404]", "statusPolicy");
        cases.forEach((fragment, field) -> api().body(repeaterJson(fragment)).post("/api/v1/repeaters").then()
                .statusCode(400).contentType(PROBLEM).body("errors.field", equalTo(List.of(field))));

        // every invalid field at once, the new ones among the others
        api().body(repeaterJson("\"batchSize\": 0, \"rateLimit\": {\"perSecond\": 0, \"burst\": 0}, "
                        + "\"statusPolicy\": {\"retry\": [200], \"invalidPayload\": [404]}")).post("/api/v1/repeaters").then()
                .statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItems("batchSize", "rateLimit.perSecond", "rateLimit.burst", "statusPolicy.retry"));
        assertEquals(0, count("SELECT count(*) FROM repeater"), "no repeater half-written");
        assertEquals(0, count("SELECT count(*) FROM admin_audit"), "nothing audited");
    }

    @Test
    void patchSetsReplacesAndClearsEachWholeAndLeavesThemWhenAbsent() {
        long id = createRepeater(repeater(Map.of("rateLimit", Map.of("perSecond", 5, "burst", 10),
                "statusPolicy", Map.of("retry", List.of(404), "invalidPayload", List.of(500)))));
        String path = "/api/v1/repeaters/" + id;

        api().body(Map.of("name", "renamed")).patch(path).then().statusCode(200)
                .body("rateLimit.burst", equalTo(10)).body("statusPolicy.retry", equalTo(List.of(404)))
                .body("statusPolicy.invalidPayload", equalTo(List.of(500)));
        JsonPath rate = api().body(Map.of("rateLimit", Map.of("perSecond", 7.5))).patch(path).then().statusCode(200)
                .body("statusPolicy.retry", equalTo(List.of(404))).extract().jsonPath();
        assertEquals(7.5, rate.getDouble("rateLimit.perSecond"));
        assertEquals(8, rate.getInt("rateLimit.burst"), "the object is replaced whole: the burst defaults again, 10 is not kept");
        api().body(Map.of("statusPolicy", Map.of("invalidPayload", List.of(502, 410, 502)))).patch(path).then().statusCode(200)
                .body("statusPolicy.retry", equalTo(List.of())).body("statusPolicy.invalidPayload", equalTo(List.of(410, 502)))
                .body("rateLimit.burst", equalTo(8));
        assertArrayEquals(new Short[]{410, 502}, repeater(id).getArrayOfShorts("invalid_status_codes"));

        api().body("{\"rateLimit\": null, \"statusPolicy\": null}").patch(path).then().statusCode(200)
                .body("rateLimit", nullValue())
                .body("statusPolicy.retry", equalTo(List.of())).body("statusPolicy.invalidPayload", equalTo(List.of()));
        Row row = repeater(id);
        assertNull(row.getValue("rate_per_second"));
        assertNull(row.getValue("rate_burst"));
        assertArrayEquals(new Short[0], row.getArrayOfShorts("invalid_status_codes"));

        JsonPath audit = api().get("/api/v1/audit?action=repeater.update").then().statusCode(200).extract().jsonPath();
        assertEquals(4, audit.getList("items").size(), "one entry per update");
        assertEquals(java.util.Set.of("rateLimit", "statusPolicy"), java.util.Set.copyOf(audit.getList("items[0].detail.fields")));
        assertEquals(8, audit.getInt("items[0].detail.before.rateLimit.burst"));
        assertNull(audit.get("items[0].detail.after.rateLimit"));
        assertEquals(List.of(404), audit.getList("items[1].detail.before.statusPolicy.retry"));
    }

    /** A PATCH refused for its rate limit or status policy leaves the whole row as it was, the valid fields of the same body too. */
    @Test
    void aRefusedPatchChangesNothingNotEvenItsValidFields() {
        long id = createRepeater(repeater(Map.of("rateLimit", Map.of("perSecond", 5),
                "statusPolicy", Map.of("retry", List.of(404)))));
        String path = "/api/v1/repeaters/" + id;
        String before = rowText(id);
        long audited = count("SELECT count(*) FROM admin_audit");
        List<String> bodies = List.of(
                "{\"name\": \"changed\", \"timeoutMs\": 5000, \"rateLimit\": {\"perSecond\": 0}}",
                "{\"name\": \"changed\", \"rateLimit\": {\"perSecond\": 5, \"burst\": 100001}}",
                "{\"batchSize\": 3, \"statusPolicy\": {\"retry\": [429], \"invalidPayload\": [429]}}",
                "{\"url\": \"http://127.0.0.1:9/other\", \"statusPolicy\": {\"invalidPayload\": [200]}}",
                "{\"name\": \"changed\", \"statusPolicy\": {\"retry\": [\"x\"]}}",
                "{\"headers\": {\"X-A\": \"1\"}, \"statusPolicy\": {\"retry\": " + IntStream.range(300, 351).boxed().toList() + "}}",
                "{\"name\": \"changed\", \"rateLimit\": {\"perSecond\": 5, \"extra\": 1}}",
                "{\"name\": \"changed\", \"statusPolicy\": 5}");
        for (String body : bodies) {
            api().body(body).patch(path).then().statusCode(400).contentType(PROBLEM)
                    .body("errors.field", hasItem(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.startsWith("rateLimit"),
                            org.hamcrest.Matchers.startsWith("statusPolicy"))));
            assertEquals(before, rowText(id), "refused: " + body);
        }
        assertEquals(audited, count("SELECT count(*) FROM admin_audit"), "refused updates are not audited");
    }

    // ---- domain limits -------------------------------------------------------------------------------

    @Test
    void domainLimitsDefaultThenSetReplacedAndDeleted() {
        long minute = config.domainBudget().perMinute().toMillis();
        long hour = config.domainBudget().perHour().toMillis();
        assertEquals(List.of(1_800_000L, 36_000_000L), List.of(minute, hour), "the defaults this test runs with: 30m and 10h");
        String path = "/api/v1/domains/acme/limits";

        api().get(path).then().statusCode(200).body("domain", equalTo("acme"))
                .body("remoteTimePerMinuteMs", nullValue()).body("remoteTimePerHourMs", nullValue())
                .body("effective.remoteTimePerMinuteMs", equalTo((int) minute))
                .body("effective.remoteTimePerHourMs", equalTo((int) hour));

        api().body("{\"remoteTimePerMinuteMs\": 600000, \"remoteTimePerHourMs\": null}").put(path).then().statusCode(200)
                .body("remoteTimePerMinuteMs", equalTo(600_000)).body("remoteTimePerHourMs", nullValue())
                .body("effective.remoteTimePerMinuteMs", equalTo(600_000)).body("effective.remoteTimePerHourMs", equalTo((int) hour));
        api().get(path).then().statusCode(200).body("remoteTimePerMinuteMs", equalTo(600_000));
        assertEquals(600_000L, limitRow("acme").getLong("remote_ms_per_minute"));
        assertNull(limitRow("acme").getValue("remote_ms_per_hour"));

        JsonPath large = api().body(Map.of("remoteTimePerMinuteMs", 1_000, "remoteTimePerHourMs", 1_000_000_000_000L)).put(path)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1_000_000_000_000L, large.getLong("remoteTimePerHourMs"), "up to 10^12");
        assertEquals(1_000L, large.getLong("effective.remoteTimePerMinuteMs"));

        api().body("{}").put(path).then().statusCode(200)
                .body("remoteTimePerMinuteMs", nullValue()).body("effective.remoteTimePerMinuteMs", equalTo((int) minute));
        assertEquals(1, count("SELECT count(*) FROM domain_limit WHERE domain = 'acme' AND remote_ms_per_minute IS NULL"));

        api().body(Map.of("remoteTimePerHourMs", 7_200_000)).put(path).then().statusCode(200);
        api().delete(path).then().statusCode(200).body("domain", equalTo("acme"))
                .body("remoteTimePerMinuteMs", nullValue()).body("remoteTimePerHourMs", nullValue())
                .body("effective.remoteTimePerHourMs", equalTo((int) hour));
        assertEquals(0, count("SELECT count(*) FROM domain_limit"));
        api().delete(path).then().statusCode(200).body("remoteTimePerHourMs", nullValue());
        api().get("/api/v1/domains/other/limits").then().statusCode(200).body("remoteTimePerMinuteMs", nullValue());

        JsonPath set = api().get("/api/v1/audit?action=domain.limits.set").then().statusCode(200).extract().jsonPath();
        assertEquals(4, set.getList("items").size());
        assertEquals("domain/acme", set.getString("items[3].target"));
        assertNull(set.get("items[3].detail.before.remoteTimePerMinuteMs"));
        assertEquals(600_000, set.getInt("items[3].detail.after.remoteTimePerMinuteMs"));
        JsonPath deleted = api().get("/api/v1/audit?action=domain.limits.delete").then().statusCode(200).extract().jsonPath();
        assertEquals(2, deleted.getList("items").size(), "every DELETE is audited, the one that found nothing too");
        assertEquals(7_200_000, deleted.getInt("items[1].detail.before.remoteTimePerHourMs"));
        assertNull(deleted.get("items[1].detail.after.remoteTimePerHourMs"));
    }

    @Test
    void badDomainLimitsAre400sAndTheReadTokenMayOnlyReadThem() {
        String path = "/api/v1/domains/acme/limits";
        api().body(Map.of("remoteTimePerMinuteMs", 60_000, "remoteTimePerHourMs", 600_000)).put(path).then().statusCode(200);
        String stored = limitRow("acme").toJson().encode();
        long audited = count("SELECT count(*) FROM admin_audit");

        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"remoteTimePerMinuteMs\": 0}", "remoteTimePerMinuteMs");
        cases.put("{\"remoteTimePerMinuteMs\": -5}", "remoteTimePerMinuteMs");
        cases.put("{\"remoteTimePerHourMs\": 1000000000001}", "remoteTimePerHourMs");
        cases.put("{\"remoteTimePerMinuteMs\": 1.5}", "remoteTimePerMinuteMs");
        cases.put("{\"remoteTimePerMinuteMs\": \"60000\"}", "remoteTimePerMinuteMs");
        cases.put("{\"remoteTimePerHourMs\": true}", "remoteTimePerHourMs");
        cases.put("{\"remoteTimePerMinuteMs\": 60000, \"remoteTimePerMinute\": 5}", "remoteTimePerMinute");
        cases.forEach((body, field) -> api().body(body).put(path).then()
                .statusCode(400).contentType(PROBLEM).body("errors.field", equalTo(List.of(field))));
        api().body("{\"remoteTimePerMinuteMs\": 0, \"remoteTimePerHourMs\": 0}").put(path).then().statusCode(400)
                .body("errors.field", equalTo(List.of("remoteTimePerMinuteMs", "remoteTimePerHourMs")));
        for (String body : List.of("", "[]", "5", "{\"remoteTimePerMinuteMs\": ", "null")) {
            api().body(body).put(path).then().statusCode(400).contentType(PROBLEM);
        }
        for (String domain : List.of("bad domain!", "-acme", "a".repeat(127))) {
            String bad = "/api/v1/domains/" + domain + "/limits";
            api().get(bad).then().statusCode(400).contentType(PROBLEM);
            api().body(Map.of("remoteTimePerMinuteMs", 1_000)).put(bad).then().statusCode(400).contentType(PROBLEM);
            api().delete(bad).then().statusCode(400).contentType(PROBLEM);
        }

        RestAssured.given().auth().oauth2(AuthMatrixTest.READ_TOKEN).get(path).then().statusCode(200)
                .body("remoteTimePerMinuteMs", equalTo(60_000));
        Response put = RestAssured.given().auth().oauth2(AuthMatrixTest.READ_TOKEN).contentType("application/json")
                .body(Map.of("remoteTimePerMinuteMs", 1_000)).put(path);
        assertEquals(403, put.statusCode(), put.asString());
        RestAssured.given().auth().oauth2(AuthMatrixTest.READ_TOKEN).delete(path).then().statusCode(403).contentType(PROBLEM);

        assertEquals(stored, limitRow("acme").toJson().encode(), "nothing refused changed the stored limits");
        assertEquals(1, count("SELECT count(*) FROM domain_limit"), "no row for a bad domain");
        assertEquals(audited, count("SELECT count(*) FROM admin_audit"), "refused calls are not audited");
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** A valid create body (paused work never reaches the unroutable URL) plus {@code extra}. */
    private static Map<String, Object> repeater(Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("domain", "acme", "name", "limits-" + System.nanoTime(), "url", UNROUTABLE));
        body.putAll(extra);
        return body;
    }

    /** A valid create body with a raw JSON fragment of fields, for values a Map cannot spell. */
    private static String repeaterJson(String fragment) {
        return "{\"domain\": \"acme\", \"name\": \"limits\", \"url\": \"" + UNROUTABLE + "\", " + fragment + "}";
    }

    private String rowText(long id) {
        return sql("SELECT row_to_json(r)::text FROM repeater r WHERE id = $1", id).get(0).getString(0);
    }

    private Row limitRow(String domain) {
        List<Row> rows = new ArrayList<>(sql("SELECT * FROM domain_limit WHERE domain = $1", domain));
        assertEquals(1, rows.size(), "one domain_limit row for " + domain);
        return rows.get(0);
    }
}
