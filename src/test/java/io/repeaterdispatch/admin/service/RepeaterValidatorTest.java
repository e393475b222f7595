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

    @Test
    void aGivenSigningSecretMustBeAWhsecSecretAndIsNeverRepeated() {
        String valid = "whsec_" + "A".repeat(43) + "=";
        validator.check(signing(new CreateRepeaterRequest.Signing(false), valid));
        validator.check(signing(null, null));
        for (String bad : List.of("secret-in-the-clear-0123456789", "whsec_short", valid.substring(6), valid + "AAAA")) {
            ApiException problem = assertThrows(ApiException.class, () -> validator.check(signing(null, bad)));
            assertEquals(List.of("signingSecret"), problem.errors.stream().map(ApiException.FieldError::field).toList());
            assertTrue(!problem.errors.get(0).message().contains(bad) && !problem.getMessage().contains(bad), "never repeats the value");
        }
        assertEquals(List.of("signing.enabled"), fields(signing(new CreateRepeaterRequest.Signing(null), null)));
        assertEquals(List.of("headers.Webhook-Signature"),
                fields(request("https://x.example/", null, null, null, Map.of("Webhook-Signature", "v1,forged"))), "set by the sender");
    }

    private static CreateRepeaterRequest signing(CreateRepeaterRequest.Signing signing, String secret) {
        return new CreateRepeaterRequest("acme", "crm", "https://x.example/", null, null, null, null, null, null, null, signing, secret);
    }

    @Test
    void rateLimitsAreCheckedAtTheirBounds() {
        validator.check(limits(new CreateRepeaterRequest.RateLimit(0.001, null), null));
        validator.check(limits(new CreateRepeaterRequest.RateLimit(100_000.0, 100_000), null));
        validator.check(limits(new CreateRepeaterRequest.RateLimit(5.0, 1), null));
        for (Double perSecond : new Double[]{null, 0.0, -1.0, 100_000.01, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals(List.of("rateLimit.perSecond"), fields(limits(new CreateRepeaterRequest.RateLimit(perSecond, null), null)),
                    "perSecond " + perSecond);
        }
        for (int burst : new int[]{0, -1, 100_001}) {
            assertEquals(List.of("rateLimit.burst"), fields(limits(new CreateRepeaterRequest.RateLimit(5.0, burst), null)), "burst " + burst);
        }
        assertEquals(1, RepeaterDefaults.burstFor(0.001));
        assertEquals(3, RepeaterDefaults.burstFor(2.5));
        assertEquals(100_000, RepeaterDefaults.burstFor(100_000));
    }

    @Test
    void statusPoliciesHoldCodesFrom300To599InOneListEachAtMost50() {
        validator.check(limits(null, policy(List.of(300, 404, 404, 599), List.of(500))));
        validator.check(limits(null, policy(null, null)));
        validator.check(limits(null, policy(range(300, 350), range(400, 450))));
        assertEquals(List.of("statusPolicy.retry"), fields(limits(null, policy(List.of(299), null))));
        assertEquals(List.of("statusPolicy.retry"), fields(limits(null, policy(List.of(200), null))));
        assertEquals(List.of("statusPolicy.invalidPayload"), fields(limits(null, policy(null, List.of(600)))));
        assertEquals(List.of("statusPolicy.invalidPayload"), fields(limits(null, policy(null, java.util.Arrays.asList(404, null)))));
        assertEquals(List.of("statusPolicy.retry"), fields(limits(null, policy(range(300, 351), null))));
        assertEquals(List.of("statusPolicy"), fields(limits(null, policy(List.of(404, 429), List.of(500, 429)))));
        // a list already refused is not compared with the other
        assertEquals(List.of("statusPolicy.retry"), fields(limits(null, policy(List.of(200, 500), List.of(500)))));
        ApiException both = assertThrows(ApiException.class, () -> validator.check(limits(null, policy(List.of(404, 500), List.of(500, 404)))));
        assertEquals("a code is either retried or an invalid payload, not both: 404, 500", both.errors.get(0).message());
    }

    private static CreateRepeaterRequest limits(CreateRepeaterRequest.RateLimit rate, CreateRepeaterRequest.StatusPolicy policy) {
        return new CreateRepeaterRequest("acme", "crm", "https://x.example/", null, null, null, null, null, rate, policy);
    }

    private static CreateRepeaterRequest.StatusPolicy policy(List<Integer> retry, List<Integer> invalidPayload) {
        return new CreateRepeaterRequest.StatusPolicy(retry, invalidPayload);
    }

    private static List<Integer> range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).boxed().toList();
    }

    private List<String> fields(CreateRepeaterRequest request) {
        ApiException problem = assertThrows(ApiException.class, () -> validator.check(request));
        return problem.errors.stream().map(ApiException.FieldError::field).toList();
    }
}
