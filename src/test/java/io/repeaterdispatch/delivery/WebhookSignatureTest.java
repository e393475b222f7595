package io.repeaterdispatch.delivery;

import io.repeaterdispatch.core.SigningSecret;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Our signature against the Standard Webhooks specification's known answer. The vector is the one
 * the reference library tests its own sign() with (standard-webhooks, libraries/javascript,
 * webhook.test.ts "sign function works"); WebhookSigningTest also holds every real delivery against
 * that library itself.
 */
class WebhookSignatureTest {

    private static final SigningSecret SPEC_SECRET = SigningSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").orElseThrow();
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330;
    private static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsTheSpecificationsExampleAsTheReferenceLibraryDoes() {
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    @Test
    void everyPartOfTheMessageIsSigned() {
        String signature = WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        assertNotEquals(signature, WebhookSignature.sign(SPEC_SECRET, SPEC_ID + "x", SPEC_TIMESTAMP, SPEC_BODY), "the id");
        assertNotEquals(signature, WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY), "the timestamp");
        assertNotEquals(signature, WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP,
                "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8)), "the body");
        SigningSecret other = SigningSecret.parse("whsec_" + "A".repeat(32)).orElseThrow();
        assertNotEquals(signature, WebhookSignature.sign(other, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), "the key");
    }

    @Test
    void duringAnOverlapTheHeaderCarriesTheNewSignatureFirstThenTheOld() {
        SigningSecret fresh = SigningSecret.parse("whsec_" + "AAAA".repeat(10) + "AAE=").orElseThrow();
        String header = WebhookSignature.header(List.of(fresh, SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        assertEquals(WebhookSignature.sign(fresh, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) + " v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                header);
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                WebhookSignature.header(List.of(SPEC_SECRET), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }

    @Test
    void theSameMessageSignedTwiceOnOneThreadGivesTheSameSignature() {
        // the per-thread Mac is re-keyed each time: nothing of one signature leaks into the next
        String first = WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        WebhookSignature.sign(SigningSecret.generate(new java.security.SecureRandom()), "other", 1, new byte[1000]);
        assertEquals(first, WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
    }
}
