package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every admin route against no token, a wrong one, a read token and an admin token. */
@QuarkusTest
class AuthMatrixTest extends IntegrationTest {

    static final String READ_TOKEN = "test-read-token";
    private static final String PROBLEM = "application/problem+json";

    private record Route(String method, String path, String body) {
        boolean mutating() {
            return !method.equals("GET");
        }

        Response call(RequestSpecification spec) {
            RequestSpecification s = body == null ? spec : spec.contentType(ContentType.JSON).body(body);
            return s.request(method, path);
        }
    }

    /** Every admin route, on a repeater with one record and a second repeater for the delete. */
    private List<Route> routes() {
        long repeater = createRepeater("acme", receiver.url("/ok"), 1);
        long doomed = createRepeater("acme", receiver.url("/ok"), 1);
        long record = enqueue(repeater, 1, "p").get(0);
        String r = "/api/v1/repeaters/" + repeater;
        String rec = "/api/v1/records/" + record;
        return List.of(
                new Route("GET", "/api/v1/repeaters", null),
                new Route("POST", "/api/v1/repeaters", "{\"domain\":\"acme\",\"name\":\"n\",\"url\":\"http://127.0.0.1:9/x\"}"),
                new Route("GET", r, null),
                new Route("PATCH", r, "{\"name\":\"renamed\"}"),
                new Route("DELETE", "/api/v1/repeaters/" + doomed, null),
                new Route("POST", r + "/pause", null),
                new Route("POST", r + "/resume", null),
                new Route("POST", r + "/records", "[{\"payloadId\":\"x\",\"payload\":1}]"),
                new Route("GET", r + "/records", null),
                new Route("POST", r + "/records/requeue", "{}"),
                new Route("POST", r + "/records/resend", "{}"),
                new Route("POST", r + "/records/cancel", "{\"state\":[\"pending\"]}"),
                new Route("GET", rec, null),
                new Route("GET", rec + "/payload", null),
                new Route("POST", rec + "/cancel", null),
                new Route("POST", rec + "/requeue", null),
                new Route("POST", rec + "/resend", null),
                new Route("GET", "/api/v1/domains", null),
                new Route("GET", "/api/v1/domains/acme/records", null),
                new Route("GET", "/api/v1/domains/acme/flags/process-repeaters", null),
                new Route("PUT", "/api/v1/domains/acme/flags/process-repeaters", "{\"enabled\":true}"),
                new Route("GET", "/api/v1/audit", null));
    }

    @Test
    void noTokenOrAWrongOneIsRefusedEverywhere() {
        List<Route> routes = routes();
        long auditBefore = count("SELECT count(*) FROM admin_audit");
        List<UnaryOperator<RequestSpecification>> wrong = List.of(s -> s, s -> s.auth().oauth2("wrong-token"),
                s -> s.header("Authorization", "Basic dGVzdC10b2tlbg=="), s -> s.header("Authorization", "Bearer "),
                s -> s.auth().oauth2(TOKEN + "x"), s -> s.auth().oauth2("sha256:" + "0".repeat(64)));
        for (Route route : withUnknownRoute(routes)) {
            for (UnaryOperator<RequestSpecification> auth : wrong) {
                route.call(auth.apply(RestAssured.given())).then()
                        .statusCode(401).contentType(PROBLEM).header("WWW-Authenticate", "Bearer")
                        .body("status", equalTo(401));
            }
        }
        assertEquals(auditBefore, count("SELECT count(*) FROM admin_audit"), "refused calls changed nothing");
        assertEquals(2, count("SELECT count(*) FROM repeater"));
        assertEquals(1, count("SELECT count(*) FROM repeat_record"));
    }

    @Test
    void aReadTokenReadsEverythingAndChangesNothing() {
        List<Route> routes = routes();
        long auditBefore = count("SELECT count(*) FROM admin_audit");
        for (Route route : routes) {
            Response response = route.call(RestAssured.given().auth().oauth2(READ_TOKEN));
            if (route.mutating()) {
                response.then().statusCode(403).contentType(PROBLEM).body("status", equalTo(403));
            } else {
                assertEquals(200, response.statusCode(), route + ": " + response.asString());
            }
        }
        RestAssured.given().auth().oauth2(READ_TOKEN).get("/api/v1/no-such-route").then().statusCode(404).contentType(PROBLEM);
        assertEquals(auditBefore, count("SELECT count(*) FROM admin_audit"));
        assertEquals(2, count("SELECT count(*) FROM repeater WHERE NOT is_deleted AND name LIKE 'r-%'"));
        assertEquals(1, count("SELECT count(*) FROM repeat_record"));
        assertEquals(0, count("SELECT count(*) FROM domain_flag"));
    }

    @Test
    void anAdminTokenCallsEveryRouteAndEveryChangeIsAudited() {
        List<Route> routes = routes();
        long auditBefore = count("SELECT count(*) FROM admin_audit");
        int mutations = 0;
        for (Route route : routes) {
            Response response = route.call(RestAssured.given().auth().oauth2(TOKEN));
            int status = response.statusCode();
            // single-record transitions depend on the record's state at that moment: 409 is an answer too
            boolean transition = route.path().startsWith("/api/v1/records/") && route.mutating();
            assertTrue(status >= 200 && status < 300 || transition && status == 409, route + " -> " + status + " " + response.asString());
            if (route.mutating() && status < 300) {
                mutations++;
            }
        }
        assertEquals(auditBefore + mutations, count("SELECT count(*) FROM admin_audit"), "one audit row per successful change");
        assertEquals(count("SELECT count(*) FROM admin_audit"), count("SELECT count(*) FROM admin_audit WHERE actor = 'ci-admin'"));
    }

    private static List<Route> withUnknownRoute(List<Route> routes) {
        List<Route> all = new java.util.ArrayList<>(routes);
        all.add(new Route("GET", "/api/v1/no-such-route", null));
        all.add(new Route("DELETE", "/api", null));
        return all;
    }
}
