package io.repeaterdispatch.console;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.admin.web.ConsoleHeaders;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What the web console needs from the server, without a browser: its files open to anyone under a
 * strict Content-Security-Policy (and only they: the API stays closed, Swagger UI keeps its own
 * headers), who a token is, and a repeater's last hour.
 */
@QuarkusTest
class ConsoleApiTest extends IntegrationTest {

    static final String READ_TOKEN = "test-read-token";
    private static final int SUCCEEDED = 4, FAILED = 2;

    @Test
    void consoleFilesAreOpenAndCarryAStrictPolicy() {
        for (String path : List.of("/", "/index.html", "/console/app.js", "/console/app.css")) {
            RestAssured.given().get(path).then().statusCode(200)
                    .header("Content-Security-Policy", ConsoleHeaders.CONTENT_SECURITY_POLICY)
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer")
                    .header("X-Frame-Options", "DENY");
        }
        RestAssured.given().get("/").then().contentType(containsString("text/html")).body(containsString("/console/app.js"))
                .body(org.hamcrest.Matchers.not(containsString("<script>")));
        RestAssured.given().get("/console/app.js").then().contentType(containsString("javascript"));
        assertEquals("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                + "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'", ConsoleHeaders.CONTENT_SECURITY_POLICY);
        // the API is as closed as before, and the documentation routes keep their own headers
        RestAssured.given().get("/api/v1/repeaters").then().statusCode(401).header("Content-Security-Policy", nullValue());
        RestAssured.given().get("/api/v1/whoami").then().statusCode(401);
        RestAssured.given().get("/api/").then().statusCode(401);
        RestAssured.given().get("/q/openapi").then().statusCode(200).header("Content-Security-Policy", nullValue());
        RestAssured.given().get("/q/health/live").then().statusCode(200).header("Content-Security-Policy", nullValue());
    }

    @Test
    void whoamiNamesTheTokenAndItsRole() {
        api().get("/api/v1/whoami").then().statusCode(200).body("actor", equalTo("ci-admin")).body("role", equalTo("admin"));
        RestAssured.given().auth().oauth2(READ_TOKEN).get("/api/v1/whoami").then().statusCode(200)
                .body("actor", equalTo("ci-reader")).body("role", equalTo("read"));
        RestAssured.given().auth().oauth2("wrong-token").get("/api/v1/whoami").then().statusCode(401);
    }

    @Test
    void activityCountsTheLastHoursAttemptsByOutcome() {
        receiver.answer("/down", 500);
        long up = createRepeater("acme", receiver.url("/ok"), 5);
        long down = createRepeater("acme", receiver.url("/down"), 5);
        long idle = createRepeater("acme", receiver.url("/ok"), 5);
        enqueue(up, 3, "u");
        enqueue(down, 2, "d");
        Await.until("deliveries and failures written", () -> records(up, SUCCEEDED) == 3 && records(down, FAILED) == 2
                && count("SELECT count(*) FROM repeat_record_attempt") == 5);

        Response a = api().get("/api/v1/repeaters/" + up + "/activity").then().statusCode(200).extract().response();
        assertEquals(Map.of("succeeded", 3, "empty", 0, "failed", 0, "invalid_payload", 0), a.jsonPath().getMap("attempts"));
        assertEquals("succeeded", a.jsonPath().getString("lastAttempt.state"));
        assertEquals(200, a.jsonPath().getInt("lastAttempt.httpStatus"));
        assertEquals(true, a.jsonPath().getBoolean("complete"));

        api().get("/api/v1/repeaters/" + down + "/activity").then().statusCode(200)
                .body("attempts.failed", equalTo(2)).body("attempts.succeeded", equalTo(0))
                .body("lastAttempt.state", equalTo("failed")).body("lastAttempt.httpStatus", equalTo(500))
                .body("since", notNullValue());
        Response none = RestAssured.given().auth().oauth2(READ_TOKEN).get("/api/v1/repeaters/" + idle + "/activity")
                .then().statusCode(200).extract().response();
        assertNull(none.jsonPath().get("lastAttempt"));
        assertEquals(0, none.jsonPath().getInt("attempts.succeeded"));
        api().get("/api/v1/repeaters/999999/activity").then().statusCode(404);
        RestAssured.given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/repeaters/{id}/activity'.get.operationId", equalTo("getRepeaterActivity"))
                .body("paths.'/api/v1/repeaters/{id}/activity'.get.responses.'200'.content", notNullValue())
                .body("paths.'/api/v1/whoami'.get.responses.'200'.content", notNullValue());
        api().get("/api/v1/repeaters/x1/activity").then().statusCode(404);
    }
}
