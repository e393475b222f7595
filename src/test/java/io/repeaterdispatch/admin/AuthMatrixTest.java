package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
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

/** Every admin route against no token, a wrong one, a read token and an admin token. */
@QuarkusTest
class AuthMatrixTest extends IntegrationTest {

    static final String READ_TOKEN = "test-read-token";
    private static final String PROBLEM = "application/problem+json";
    private static final int FAILED = 2, SUCCEEDED = 4, CANCELLED = 8;

    /** A route and the status an admin token gets from it, in the order {@link #routes()} calls them. */
    private record Route(String method, String path, String body, int adminStatus) {
        Route(String method, String path, String body) {
            this(method, path, body, 200);
        }

        boolean mutating() {
            return !method.equals("GET");
        }

        Response call(RequestSpecification spec) {
            RequestSpecification s = body == null ? spec : spec.contentType(ContentType.JSON).body(body);
            return s.request(method, path);
        }
    }

    /**
     * Every admin route, on a repeater with one record and a second repeater for the delete. The
     * record is delivered before the routes run, and the repeater is paused (by the routes
     * themselves, resume then pause) before anything of it is queued again, so the dispatcher never
     * touches its records while the routes change them: every answer below is the only possible one.
     */
    private List<Route> routes() {
        long repeater = createRepeater("acme", receiver.url("/ok"), 1);
        long doomed = createRepeater("acme", receiver.url("/ok"), 1);
        long record = enqueue(repeater, 1, "p").get(0);
        Await.until("the record delivered before the routes run", () -> records(repeater, SUCCEEDED) == 1);
        String r = "/api/v1/repeaters/" + repeater;
        String rec = "/api/v1/records/" + record;
        return List.of(
                new Route("GET", "/api/v1/repeaters", null),
                new Route("POST", "/api/v1/repeaters", "{\"domain\":\"acme\",\"name\":\"n\",\"url\":\"http://127.0.0.1:9/x\"}", 201),
                new Route("GET", r, null),
                new Route("GET", r + "/activity", null),
                new Route("PATCH", r, "{\"name\":\"renamed\"}"),
                new Route("POST", r + "/signing-secret/rotate", null),
                new Route("DELETE", "/api/v1/repeaters/" + doomed, null),
                // nothing of the repeater is due while it runs unpaused: its one record is delivered
                new Route("POST", r + "/resume", null),
                new Route("POST", r + "/pause", null),
                new Route("POST", r + "/records", "[{\"payloadId\":\"x\",\"payload\":1}]", 202),
                // fans out to the paused repeater (and the one made above): payload id "fan", untouched by the bulk changes
                new Route("POST", "/api/v1/domains/acme/events", "[{\"eventType\":\"case.created\",\"payloadId\":\"fan\",\"payload\":1}]", 202),
                new Route("GET", r + "/records", null),
                // the bulk changes touch the new record x only, so the single-record ones find the delivered record as it was
                new Route("POST", r + "/records/requeue", "{\"payloadId\":\"x\"}"),
                new Route("POST", r + "/records/resend", "{\"payloadId\":\"x\"}"),
                new Route("POST", r + "/records/cancel", "{\"state\":[\"pending\"],\"payloadId\":\"x\"}"),
                new Route("GET", rec, null),
                new Route("GET", rec + "/payload", null),
                // succeeded -> pending -> cancelled -> failed (due, but its repeater is paused)
                new Route("POST", rec + "/resend", null),
                new Route("POST", rec + "/cancel", null),
                new Route("POST", rec + "/requeue", null),
                new Route("GET", "/api/v1/domains", null),
                new Route("GET", "/api/v1/domains/acme/records", null),
                new Route("GET", "/api/v1/domains/acme/flags/process-repeaters", null),
                new Route("PUT", "/api/v1/domains/acme/flags/process-repeaters", "{\"enabled\":true}"),
                new Route("GET", "/api/v1/domains/acme/limits", null),
                new Route("PUT", "/api/v1/domains/acme/limits", "{\"remoteTimePerMinuteMs\":60000,\"remoteTimePerHourMs\":null}"),
                new Route("DELETE", "/api/v1/domains/acme/limits", null),
                new Route("GET", "/api/v1/audit", null),
                new Route("GET", "/api/v1/whoami", null));
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
        assertEquals(1, count("SELECT count(*) FROM repeat_record_all"));
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
        assertEquals(1, count("SELECT count(*) FROM repeat_record_all"));
        assertEquals(0, count("SELECT count(*) FROM domain_flag"));
        assertEquals(0, count("SELECT count(*) FROM domain_limit"));
    }

    @Test
    void anAdminTokenCallsEveryRouteAndEveryChangeIsAudited() {
        List<Route> routes = routes();
        long auditBefore = count("SELECT count(*) FROM admin_audit");
        int mutations = 0;
        for (Route route : routes) {
            Response response = route.call(RestAssured.given().auth().oauth2(TOKEN));
            assertEquals(route.adminStatus(), response.statusCode(), route + ": " + response.asString());
            if (route.mutating()) {
                mutations++;
            }
        }
        assertEquals(auditBefore + mutations, count("SELECT count(*) FROM admin_audit"), "one audit row per change");
        long record = sql("SELECT id FROM repeat_record_all WHERE payload_id = 'p0'").get(0).getLong(0);
        assertEquals(FAILED, count("SELECT state FROM repeat_record_all WHERE id = $1", record), "requeued last, and not sent since");
        assertEquals(CANCELLED, count("SELECT state FROM repeat_record_all WHERE payload_id = 'x'"));
        assertEquals(1, receiver.hits("/ok").size(), "only the delivery before the routes ran");
        assertEquals(count("SELECT count(*) FROM admin_audit"), count("SELECT count(*) FROM admin_audit WHERE actor = 'ci-admin'"));
    }

    private static List<Route> withUnknownRoute(List<Route> routes) {
        List<Route> all = new java.util.ArrayList<>(routes);
        all.add(new Route("GET", "/api/v1/no-such-route", null));
        all.add(new Route("DELETE", "/api", null));
        return all;
    }
}
