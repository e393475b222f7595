package io.repeaterdispatch.delivery;

import io.repeaterdispatch.core.AuthType;
import io.repeaterdispatch.core.DisableSignal;
import io.repeaterdispatch.core.Endpoint;
import io.repeaterdispatch.core.RecordState;
import io.repeaterdispatch.core.StatusPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutcomeClassifierTest {

    private static final StatusPolicy POLICY = new StatusPolicy(Set.of(404, 409), Set.of(500, 503));

    @ParameterizedTest
    @CsvSource({
            "200, SUCCEEDED", "201, SUCCEEDED", "202, SUCCEEDED", "204, EMPTY",
            "500, FAILED", "502, FAILED", "503, FAILED", "504, FAILED",
            "408, FAILED", "425, FAILED", "429, FAILED",
            "301, FAILED", "302, FAILED", "100, FAILED",
            "400, INVALID_PAYLOAD", "401, INVALID_PAYLOAD", "403, INVALID_PAYLOAD", "404, INVALID_PAYLOAD",
            "409, INVALID_PAYLOAD", "410, INVALID_PAYLOAD", "413, INVALID_PAYLOAD", "422, INVALID_PAYLOAD"
    })
    void classifiesStatusCodes(int status, RecordState expected) {
        assertEquals(expected, OutcomeClassifier.classify(status));
        assertEquals(expected, OutcomeClassifier.classify(status, StatusPolicy.EMPTY), "no policy: the default");
    }

    /** The policy's codes go its way, each against its default; every other code keeps its default. */
    @ParameterizedTest
    @CsvSource({
            "404, FAILED", "409, FAILED", "500, INVALID_PAYLOAD", "503, INVALID_PAYLOAD",
            "400, INVALID_PAYLOAD", "410, INVALID_PAYLOAD", "502, FAILED", "429, FAILED", "200, SUCCEEDED", "204, EMPTY"
    })
    void aRepeatersPolicyOverridesTheDefaultForItsCodesOnly(int status, RecordState expected) {
        assertEquals(expected, OutcomeClassifier.classify(status, POLICY));
    }

    @Test
    void aCodeInBothListsIsRetried() {
        assertEquals(RecordState.FAILED, OutcomeClassifier.classify(422, new StatusPolicy(Set.of(422), Set.of(422))));
    }

    @Test
    void aPolicyReadFromColumnsIsSortedLeavesOutNullsAndIsEmptyWithoutCodes() {
        StatusPolicy policy = StatusPolicy.of(Arrays.asList((short) 503, null, (short) 404, (short) 503), List.of((short) 410));
        assertEquals(List.of(404, 503), List.copyOf(policy.retry()));
        assertEquals(Set.of(410), policy.invalidPayload());
        assertTrue(policy.retries(404));
        assertFalse(policy.retries(410));
        assertTrue(policy.rejectsPayload(410));
        assertSame(StatusPolicy.EMPTY, StatusPolicy.of(List.of(), List.of()));
        assertTrue(StatusPolicy.EMPTY.isEmpty());
    }

    @Test
    void anEndpointShowsItsPolicyButNeverItsSecret() {
        Endpoint endpoint = new Endpoint(7, "acme", "https://crm.example.org/h?key=url-secret", "POST", Map.of("X-Key", "header-secret"),
                AuthType.BEARER, null, "token-secret", 1000, POLICY);
        String text = endpoint.toString();
        assertTrue(text.contains("retry=[404, 409]") && text.contains("invalidPayload=[500, 503]"), text);
        for (String secret : List.of("token-secret", "header-secret", "url-secret")) {
            assertFalse(text.contains(secret), text);
        }
        assertSame(StatusPolicy.EMPTY, new Endpoint(7, "acme", "https://x.org", "POST", Map.of(), AuthType.NONE, null, null, 1000, null)
                .statusPolicy(), "no policy given: the empty one, never null");
    }

    /** A 410 disables unless the repeater retries 410; the header only asks (the result write checks the opt-in). */
    @Test
    void a410OrTheDisableHeaderAsksToDisableTheRepeater() {
        assertEquals(DisableSignal.GONE, OutcomeClassifier.disableSignal(410, false, StatusPolicy.EMPTY));
        assertEquals(DisableSignal.GONE, OutcomeClassifier.disableSignal(410, true, StatusPolicy.EMPTY), "a 410 wins over the header");
        assertEquals(null, OutcomeClassifier.disableSignal(410, false, StatusPolicy.of(List.of(410), List.of())),
                "an endpoint whose 410 its repeater retries is not gone");
        assertEquals(DisableSignal.RECEIVER_REQUESTED, OutcomeClassifier.disableSignal(200, true, StatusPolicy.EMPTY));
        assertEquals(null, OutcomeClassifier.disableSignal(404, false, StatusPolicy.EMPTY));
        assertEquals(DisableSignal.GONE, DisableSignal.strongest(DisableSignal.RECEIVER_REQUESTED, DisableSignal.GONE));
        assertEquals(DisableSignal.RECEIVER_REQUESTED, DisableSignal.strongest(null, DisableSignal.RECEIVER_REQUESTED));
    }
}
