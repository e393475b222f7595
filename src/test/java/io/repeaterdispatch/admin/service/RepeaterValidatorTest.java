package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.delivery.UrlPolicy;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A repeater definition's checks, without a server (the URL policy's DNS side is its own test's). */
class RepeaterValidatorTest {

    private final RepeaterValidator validator;

    RepeaterValidatorTest() {
        DispatchConfig config = Mockito.mock(DispatchConfig.class);
        Mockito.when(config.maxBatchSize()).thenReturn(144);
        validator = new RepeaterValidator(config, Mockito.mock(UrlPolicy.class));
    }

    private static CreateRepeaterRequest request(String url, CreateRepeaterRequest.Auth auth, Integer timeoutMs, Integer batchSize,
                                                 Map<String, String> headers) {
        return new CreateRepeaterRequest("acme", "crm", url, null, headers, auth, timeoutMs, batchSize);
    }

    @Test
    void aMinimalAndAFullDefinitionPass() {
        validator.check(request("https://crm.example/hooks", null, null, null, null));
        validator.check(new CreateRepeaterRequest("a.b-c_d", "crm", "http://crm.example:8080/h", "patch", Map.of("X-Source", "rd"),
                new CreateRepeaterRequest.Auth("basic", "user", "pass", null), 300_000, 144));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ApiException problem = assertThrows(ApiException.class, () -> validator.check(new CreateRepeaterRequest("-bad", " ",
                "ftp://x/", "GET", Map.of("Authorization", "x"), new CreateRepeaterRequest.Auth("digest", null, null, null), 0, 145)));
        assertEquals(List.of("domain", "name", "url", "method", "headers.Authorization", "auth.type", "timeoutMs", "batchSize"),
                problem.errors.stream().map(ApiException.FieldError::field).toList());
        assertEquals("one of none, basic, bearer", problem.errors.get(5).message());
    }

    @Test
    void credentialsAndUrlsAreCheckedForWhatTheSenderWouldMisuse() {
        List<String> basic = fields(request("https://x.example/", new CreateRepeaterRequest.Auth("basic", "a:b", null, null), null, null, null));
        assertEquals(List.of("auth.username", "auth.password"), basic);
        assertEquals(List.of("auth.token"), fields(request("https://x.example/", new CreateRepeaterRequest.Auth("bearer", null, null, " "), null, null, null)));
        assertEquals(List.of("url"), fields(request("https://user:pw@x.example/", null, null, null, null)), "credentials in the URL");
        assertEquals(List.of("headers.X-A"), fields(request("https://x.example/", null, null, null, Map.of("X-A", "line\nbreak"))));
        assertTrue(RepeaterValidator.hasLoneSurrogate("a\ud800b"));
        assertTrue(!RepeaterValidator.hasLoneSurrogate("a\ud83d\ude00b"), "a surrogate pair is fine");
    }

    private List<String> fields(CreateRepeaterRequest request) {
        ApiException problem = assertThrows(ApiException.class, () -> validator.check(request));
        return problem.errors.stream().map(ApiException.FieldError::field).toList();
    }
}
