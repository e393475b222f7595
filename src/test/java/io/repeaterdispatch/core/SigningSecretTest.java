package io.repeaterdispatch.core;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whsec_ format, what a generated secret looks like, and which secrets sign when. */
class SigningSecretTest {

    private static String whsec(int bytes) {
        byte[] key = new byte[bytes];
        Arrays.fill(key, (byte) 0xFB); // encodes with '+' and '/'
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    @Test
    void acceptsTheBase64OfTwentyFourToSixtyFourBytesAfterThePrefix() {
        for (int bytes : List.of(24, 32, 33, 64)) {
            String text = whsec(bytes);
            assertTrue(SigningSecret.parse(text).isPresent(), bytes + " bytes");
            assertEquals(text, SigningSecret.parse(text).orElseThrow().text(), "answered as given");
            assertEquals(bytes, SigningSecret.parse(text).orElseThrow().key().length);
        }
        String unpadded = whsec(32).replace("=", "");
        assertEquals(whsec(32), SigningSecret.parse(unpadded).orElseThrow().text(), "padding is optional, as in the reference library");
    }

    @Test
    void refusesEverythingElse() {
        String valid = whsec(32);
        String[] invalid = {null, "", "whsec_", whsec(23), whsec(65), valid.substring("whsec_".length()), "WHSEC_" + valid.substring(6),
                " " + valid, valid + " ", valid + "\n", "whsec_ " + valid.substring(6), valid.replace('+', '-').replace('/', '_'),
                "whsec_" + "!".repeat(44), valid + "=", "whsec_" + "A".repeat(10_000), "whsec_A===", "whsec_" + "A".repeat(33)};
        for (String text : invalid) {
            assertTrue(SigningSecret.parse(text).isEmpty(), "refused: " + text);
        }
    }

    @Test
    void generatedSecretsAreThirtyTwoRandomBytesInTheFormatTheyAreParsedFrom() {
        SecureRandom random = new SecureRandom();
        SigningSecret a = SigningSecret.generate(random);
        SigningSecret b = SigningSecret.generate(random);
        assertEquals(SigningSecret.GENERATED_BYTES, a.key().length);
        assertTrue(a.text().startsWith("whsec_"));
        assertEquals(a, SigningSecret.parse(a.text()).orElseThrow());
        assertNotEquals(a, b);
    }

    @Test
    void noStringFormShowsTheSecret() {
        SigningSecret current = SigningSecret.parse(whsec(32)).orElseThrow();
        SigningSecret previous = SigningSecret.parse(whsec(24)).orElseThrow();
        String key = current.text().substring(6);
        Signing signing = new Signing(true, current, previous, Instant.EPOCH);
        Endpoint endpoint = new Endpoint(1, "acme", "https://x.example/", "POST", Map.of(), AuthType.NONE, null, null, 1000, null, signing);
        for (String text : List.of(current.toString(), signing.toString(), endpoint.toString())) {
            assertFalse(text.contains(key) || text.contains(previous.text().substring(6)), text);
        }
        assertTrue(endpoint.toString().contains("Signing[on"), endpoint.toString());
    }

    @Test
    void thePreviousSecretSignsUntilItsOverlapEnds() {
        SigningSecret current = SigningSecret.parse(whsec(32)).orElseThrow();
        SigningSecret previous = SigningSecret.parse(whsec(24)).orElseThrow();
        Instant until = Instant.parse("2026-12-06T09:00:00Z");
        Signing rotated = new Signing(true, current, previous, until);
        assertEquals(List.of(current, previous), rotated.secretsAt(until.minus(Duration.ofMillis(1))));
        assertEquals(List.of(current), rotated.secretsAt(until), "the overlap ends at its instant");
        assertEquals(List.of(current), rotated.secretsAt(until.plus(Duration.ofDays(1))));
        assertEquals(List.of(current), new Signing(true, current, null, null).secretsAt(until));
        assertEquals(List.of(), new Signing(false, current, previous, until).secretsAt(Instant.EPOCH), "off signs nothing");
        assertEquals(List.of(), Signing.OFF.secretsAt(until));
        Signing noSecretYet = new Signing(true, null, null, null);
        assertTrue(noSecretYet.missingSecret());
        assertEquals(List.of(), noSecretYet.secretsAt(until));
        assertFalse(rotated.missingSecret());
        assertFalse(Signing.OFF.missingSecret());
        assertEquals(Signing.OFF, new Endpoint(1, "acme", "https://x.example/", "POST", Map.of(), AuthType.NONE, null, null, 1000, null)
                .signing(), "an endpoint built without signing signs nothing");
    }
}
