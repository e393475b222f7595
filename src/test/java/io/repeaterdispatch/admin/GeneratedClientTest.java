package io.repeaterdispatch.admin;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testclient.ApiClient;
import io.repeaterdispatch.testclient.ApiException;
import io.repeaterdispatch.testclient.ApiResponse;
import io.repeaterdispatch.testclient.api.AuditApi;
import io.repeaterdispatch.testclient.api.DomainsApi;
import io.repeaterdispatch.testclient.api.RecordsApi;
import io.repeaterdispatch.testclient.api.RepeatersApi;
import io.repeaterdispatch.testclient.model.Auth;
import io.repeaterdispatch.testclient.model.BulkRecordFilter;
import io.repeaterdispatch.testclient.model.CreateRepeaterRequest;
import io.repeaterdispatch.testclient.model.EnqueueItem;
import io.repeaterdispatch.testclient.model.EnqueueResponse;
import io.repeaterdispatch.testclient.model.FanOutEvent;
import io.repeaterdispatch.testclient.model.FanOutResponse;
import io.repeaterdispatch.testclient.model.RecordView;
import io.repeaterdispatch.testclient.model.RepeaterView;
import io.repeaterdispatch.testclient.model.RepeaterWithSecret;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import io.repeaterdispatch.testsupport.TestReceiver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Try-it flow, run with a Java client generated from docs/openapi.yaml (pom.xml:
 * openapi-generator, native library): what a caller who only has the document gets. Create a
 * repeater, enqueue a record, see it delivered to a real receiver, read the record and the
 * repeater, list what failed, resend, read the audit trail, fan an event out; and the errors come
 * back as the documented problems.
 */
@QuarkusTest
class GeneratedClientTest extends IntegrationTest {

    @TestHTTPResource("/")
    URI service;

    private ApiClient client(String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(service.toString().replaceAll("/$", ""));
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        return client;
    }

    @Test
    void theTryItFlowRunsWithTheGeneratedClient() throws Exception {
        ApiClient client = client(TOKEN);
        RepeatersApi repeaters = new RepeatersApi(client);
        RecordsApi records = new RecordsApi(client);

        ApiResponse<RepeaterWithSecret> created = repeaters.createRepeaterWithHttpInfo(new CreateRepeaterRequest()
                .domain("acme").name("crm").url(receiver.url("/hook"))
                .auth(new Auth().type(Auth.TypeEnum.BEARER).token("s3cret")).batchSize(7));
        assertEquals(201, created.getStatusCode());
        RepeaterWithSecret repeater = created.getData();
        assertTrue(repeater.getSigningSecret().startsWith("whsec_"), repeater.getSigningSecret());
        assertEquals("bearer", repeater.getAuth().getType());
        long id = repeater.getId();

        ApiResponse<EnqueueResponse> enqueued = records.enqueueRecordsWithHttpInfo(id,
                List.of(new EnqueueItem().payloadId("case-1").payload(Map.of("hello", "world"))), null, null);
        assertEquals(202, enqueued.getStatusCode());
        long recordId = enqueued.getData().getRecordIds().get(0);

        Await.until("the record delivered", () -> receiver.hits("/hook").size() == 1);
        TestReceiver.Hit hit = receiver.hits("/hook").get(0);
        assertEquals("{\"hello\":\"world\"}", hit.body());
        assertEquals("Bearer s3cret", hit.authorization());
        Await.until("the delivery recorded", () -> {
            try {
                return "succeeded".equals(records.getRecord(recordId).getState());
            } catch (ApiException e) {
                throw new AssertionError(e);
            }
        });
        RecordView record = records.getRecord(recordId);
        assertEquals(1, record.getAttemptCount());
        assertEquals(200, record.getAttempts().get(0).getHttpStatus());

        RepeaterView read = repeaters.getRepeater(id);
        assertEquals(1L, read.getRecords().get("succeeded"));
        assertNull(read.getNextAttemptAt());
        assertNull(read.getLastAttemptAt(), "backoff state: null after successful deliveries");

        // operators: what is backed off, what failed, send it again, who did what
        assertTrue(repeaters.listRepeaters(true, null, null, null, "acme", null, null).getItems().isEmpty());
        assertTrue(records.listRepeaterRecords(id, null, 20, null, "failed,cancelled").getItems().isEmpty());
        assertEquals(1, records.resendRepeaterRecords(id, new BulkRecordFilter().payloadId("case-1")).getChanged());
        assertEquals("records.resend", new AuditApi(client).listAuditEntries(null, null, null, 5).getItems().get(0).getAction());
        Await.until("the resend delivered", () -> receiver.hits("/hook").size() == 2);

        // fan-out: every repeater of the domain subscribed to the event's type
        FanOutResponse fanned = new DomainsApi(client).publishEvents("acme",
                List.of(new FanOutEvent().eventType("case.created").payloadId("case-2").payload(Map.of("hello", "again"))), null, null);
        assertEquals(1, fanned.getCount());
        assertEquals(1, fanned.getRecords().get(String.valueOf(id)).size());
        Await.until("the event delivered", () -> receiver.hits("/hook").size() == 3);
    }

    @Test
    void errorsComeBackAsTheDocumentedProblems() throws Exception {
        RepeatersApi repeaters = new RepeatersApi(client(TOKEN));
        CreateRepeaterRequest crm = new CreateRepeaterRequest().domain("acme").name("crm").url(receiver.url("/hook"));
        repeaters.createRepeater(crm);
        ApiException duplicate = assertThrows(ApiException.class, () -> repeaters.createRepeater(crm));
        assertEquals(409, duplicate.getCode());
        assertTrue(duplicate.getResponseBody().contains("\"title\":\"Conflict\""), duplicate.getResponseBody());

        ApiException missing = assertThrows(ApiException.class, () -> repeaters.getRepeater(424242L));
        assertEquals(404, missing.getCode());
        ApiException noToken = assertThrows(ApiException.class, () -> new RepeatersApi(client("not-a-token")).getRepeater(1L));
        assertEquals(401, noToken.getCode());
        ApiException readOnly = assertThrows(ApiException.class,
                () -> new RepeatersApi(client("test-read-token")).createRepeater(crm.name("other")));
        assertEquals(403, readOnly.getCode());
    }
}
