package io.repeaterdispatch.admin;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A repeater's name is unique among its domain's repeaters that are not deleted: a second one is a
 * 409 problem naming the repeater that has the name, whether it comes by create or by a rename, and
 * under concurrent creates too (the unique index of migrations/V20). Other domains, and deleted
 * repeaters, do not count.
 */
@QuarkusTest
class RepeaterNamesTest extends IntegrationTest {

    private static final String NEVER = "http://127.0.0.1:9/never";

    private static Map<String, Object> body(String domain, String name) {
        return Map.of("domain", domain, "name", name, "url", NEVER);
    }

    @Test
    void aSecondRepeaterOfTheSameNameInADomainIsA409ThatNamesTheFirst() {
        long crm = createRepeater(body("acme", "crm"));
        long audit = count("SELECT count(*) FROM admin_audit");
        api().body(body("acme", "crm")).post("/api/v1/repeaters").then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409)).body("title", equalTo("Conflict"))
                .body("detail", containsString("repeater " + crm + " of domain acme is named 'crm' already"));
        // the name as stored: surrounding blanks are stripped before it is compared
        api().body(body("acme", "  crm ")).post("/api/v1/repeaters").then().statusCode(409);
        assertEquals(1, count("SELECT count(*) FROM repeater WHERE domain = 'acme'"), "nothing stored");
        assertEquals(audit, count("SELECT count(*) FROM admin_audit"), "nothing audited");

        createRepeater(body("other", "crm")); // another domain
        createRepeater(body("acme", "CRM")); // names are compared exactly

        api().delete("/api/v1/repeaters/" + crm).then().statusCode(200);
        long again = createRepeater(body("acme", "crm")); // a deleted repeater keeps its name but holds it no more
        assertTrue(again > crm);
        api().get("/api/v1/repeaters/" + crm).then().statusCode(200).body("name", equalTo("crm")).body("deleted", equalTo(true));
    }

    @Test
    void aRenameToANameTakenInTheDomainIsA409AndChangesNothing() {
        long crm = createRepeater(body("acme", "crm"));
        long erp = createRepeater(body("acme", "erp"));
        api().body(Map.of("name", "crm", "timeoutMs", 5000)).patch("/api/v1/repeaters/" + erp).then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("repeater " + crm + " of domain acme is named 'crm' already"));
        api().get("/api/v1/repeaters/" + erp).then().body("name", equalTo("erp")).body("timeoutMs", equalTo(30000));
        // its own name, and a free one, are fine
        api().body(Map.of("name", "erp", "timeoutMs", 5000)).patch("/api/v1/repeaters/" + erp).then().statusCode(200);
        api().body(Map.of("name", "billing")).patch("/api/v1/repeaters/" + erp).then().statusCode(200).body("name", equalTo("billing"));
        api().body(Map.of("name", "erp")).patch("/api/v1/repeaters/" + crm).then().statusCode(200).body("name", equalTo("erp"));
    }

    /** The check before the insert races with another create; the unique index decides, and the loser gets a 409, never a 500. */
    @Test
    void concurrentCreatesOfOneNameMakeOneRepeater() throws Exception {
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(() -> api().body(body("race", "same")).post("/api/v1/repeaters"));
            }
            List<Integer> statuses = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            for (Future<Response> answer : pool.invokeAll(calls)) {
                statuses.add(answer.get().statusCode());
                bodies.add(answer.get().asString());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "one created: " + statuses + " " + bodies);
            assertEquals(callers - 1, statuses.stream().filter(s -> s == 409).count(), "the others refused: " + statuses + " " + bodies);
            assertEquals(1, count("SELECT count(*) FROM repeater WHERE domain = 'race'"));
        } finally {
            pool.shutdownNow();
        }
    }
}
