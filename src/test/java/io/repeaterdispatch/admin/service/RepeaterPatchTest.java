package io.repeaterdispatch.admin.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.repeaterdispatch.admin.entity.RepeaterEntity;
import io.repeaterdispatch.admin.web.StrictScalars;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A PATCH body: which fields it changes, what it refuses, what the repeater becomes. No server. */
class RepeaterPatchTest {

    private final ObjectMapper json = new ObjectMapper();

    RepeaterPatchTest() {
        new StrictScalars().customize(json);
    }

    @Test
    void changesOnlyTheFieldsGiven() throws Exception {
        RepeaterPatch patch = RepeaterPatch.read(json.readTree("{\"url\": \"https://new.example/h\", \"headers\": null}"), json);
        assertEquals(Set.of("url", "headers"), patch.fields);
        RepeaterEntity stored = new RepeaterEntity();
        stored.domain = "acme";
        stored.name = "crm";
        stored.url = "https://old.example/h";
        stored.httpMethod = "PUT";
        stored.timeoutMs = 1_000;
        stored.batchSize = 3;
        CreateRepeaterRequest after = patch.over(stored, Map.of("X-A", "1"));
        assertEquals("https://new.example/h", after.url());
        assertEquals(null, after.headers(), "headers given as null are cleared");
        assertEquals("crm", after.name());
        assertEquals("PUT", after.method());
        assertEquals(1_000, after.timeoutMs());
        assertEquals(3, after.batchSize());
        assertEquals("acme", after.domain());
        assertEquals(java.util.Optional.of("https://new.example/h"), patch.url());
    }

    @Test
    void rateLimitAndStatusPolicyAreKeptWhenAbsentReplacedWhenGivenAndClearedByNull() throws Exception {
        RepeaterEntity stored = new RepeaterEntity();
        stored.domain = "acme";
        stored.ratePerSecond = 5.0;
        stored.rateBurst = 10;
        stored.retryStatusCodes = new short[]{404};
        stored.invalidStatusCodes = new short[]{500};

        CreateRepeaterRequest kept = RepeaterPatch.read(json.readTree("{\"name\": \"n\"}"), json).over(stored, Map.of());
        assertEquals(new CreateRepeaterRequest.RateLimit(5.0, 10), kept.rateLimit());
        assertEquals(new CreateRepeaterRequest.StatusPolicy(java.util.List.of(404), java.util.List.of(500)), kept.statusPolicy());

        CreateRepeaterRequest replaced = RepeaterPatch.read(json.readTree(
                "{\"rateLimit\": {\"perSecond\": 2}, \"statusPolicy\": {\"retry\": [409]}}"), json).over(stored, Map.of());
        assertEquals(new CreateRepeaterRequest.RateLimit(2.0, null), replaced.rateLimit(), "the burst is not carried over");
        assertEquals(new CreateRepeaterRequest.StatusPolicy(java.util.List.of(409), null), replaced.statusPolicy());

        RepeaterPatch clearing = RepeaterPatch.read(json.readTree("{\"rateLimit\": null, \"statusPolicy\": null}"), json);
        assertEquals(Set.of("rateLimit", "statusPolicy"), clearing.fields);
        CreateRepeaterRequest cleared = clearing.over(stored, Map.of());
        assertEquals(null, cleared.rateLimit());
        assertEquals(null, cleared.statusPolicy());
    }

    @Test
    void signingIsKeptWhenAbsentAndReplacedWhenGivenButItsSecretIsNeverSetHere() throws Exception {
        RepeaterEntity stored = new RepeaterEntity();
        stored.domain = "acme";
        stored.signingEnabled = false;
        assertEquals(new CreateRepeaterRequest.Signing(false),
                RepeaterPatch.read(json.readTree("{\"name\": \"n\"}"), json).over(stored, Map.of()).signing());
        CreateRepeaterRequest on = RepeaterPatch.read(json.readTree("{\"signing\": {\"enabled\": true}}"), json).over(stored, Map.of());
        assertEquals(new CreateRepeaterRequest.Signing(true), on.signing());
        assertEquals(null, on.signingSecret());

        ApiException refused = assertThrows(ApiException.class, () -> RepeaterPatch.read(
                json.readTree("{\"signingSecret\": \"whsec_" + "A".repeat(32) + "\", \"signing\": null}"), json));
        assertEquals(java.util.List.of("signingSecret", "signing"), refused.errors.stream().map(ApiException.FieldError::field).toList());
        assertTrue(refused.errors.get(0).message().contains("signing-secret/rotate"), refused.errors.get(0).message());
        assertTrue(refused.errors.stream().noneMatch(e -> e.message().contains("A".repeat(32))), "the value is not repeated");
    }

    @Test
    void refusesTheDomainUnknownFieldsNullsAndGuessedScalars() {
        ApiException refused = assertThrows(ApiException.class, () -> RepeaterPatch.read(
                json.readTree("{\"domain\": \"other\", \"colour\": 1, \"name\": null}"), json));
        assertEquals(Set.of("domain", "colour", "name"), Set.copyOf(refused.errors.stream().map(ApiException.FieldError::field).toList()));
        assertThrows(ApiException.class, () -> RepeaterPatch.read(json.readTree("{}"), json), "an empty patch");
        assertThrows(ApiException.class, () -> RepeaterPatch.read(json.readTree("[1]"), json), "not an object");
        assertThrows(MismatchedInputException.class, () -> RepeaterPatch.read(json.readTree("{\"timeoutMs\": \"\"}"), json),
                "\"\" for a number is refused, not read as null");
        assertTrue(refused.getMessage().contains("3 invalid field(s)"), refused.getMessage());
    }
}
