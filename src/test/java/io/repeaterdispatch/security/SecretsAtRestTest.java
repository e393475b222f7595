package io.repeaterdispatch.security;

import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.config.SecretsConfig;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Endpoint secrets are stored encrypted, delivered decrypted, and survive a key rotation. */
@QuarkusTest
class SecretsAtRestTest extends IntegrationTest {

    @Inject
    SecretsConfig secrets;
    @Inject
    SecretRotation rotation;

    private String storedSecret(long repeater) {
        return sql("SELECT auth_secret FROM repeater WHERE id = $1", repeater).get(0).getString(0);
    }

    private String deliverOne(long repeater, String path, String payloadId) {
        int before = receiver.hits(path).size();
        enqueue(repeater, 1, payloadId);
        Await.until("delivered " + payloadId, () -> receiver.hits(path).size() == before + 1);
        return receiver.hits(path).get(before).authorization();
    }

    @Test
    void basicAuthPasswordIsEncryptedAtRestAndDeliveredInTheClear() {
        long repeater = createRepeater(Map.of("domain", "acme", "name", "basic", "url", receiver.url("/basic"),
                "auth", Map.of("type", "basic", "username", "svc", "password", "hunter2-pw")));
        String stored = storedSecret(repeater);
        assertTrue(stored.startsWith("v1:test:"), "encrypted under the active key: " + stored.substring(0, 8));
        assertFalse(stored.contains("hunter2-pw"));
        assertFalse(stored.contains(Base64.getEncoder().encodeToString("hunter2-pw".getBytes(StandardCharsets.UTF_8))));
        assertEquals("svc", repeater(repeater).getString("auth_username"));

        String expected = "Basic " + Base64.getEncoder().encodeToString("svc:hunter2-pw".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, deliverOne(repeater, "/basic", "p"));
    }

    @Test
    void valuesUnderAnOlderKeyStillDeliverAndReencryptionMovesThemToTheActiveKey() {
        long repeater = createRepeater(Map.of("domain", "acme", "name", "bearer", "url", receiver.url("/bearer"),
                "auth", Map.of("type", "bearer", "token", "tok-456")));
        long none = createRepeater("acme", receiver.url("/none"), 1);
        // As if written before the rotation, when test-old was the active key.
        SecretCipher before = SecretCipherTest.cipher("test-old", secrets.keys().orElseThrow().toArray(String[]::new));
        String old = before.encrypt("tok-456");
        sql("UPDATE repeater SET auth_secret = $1 WHERE id = $2", old, repeater);
        assertEquals("Bearer tok-456", deliverOne(repeater, "/bearer", "a"), "decrypted with the key its value names");

        assertEquals(1, rotation.reencryptAll().await().atMost(Duration.ofSeconds(30)));
        String moved = storedSecret(repeater);
        assertTrue(moved.startsWith("v1:test:"), moved.substring(0, 8));
        assertNotEquals(old, moved);
        assertEquals(null, storedSecret(none), "no secret, nothing to encrypt");
        assertEquals("Bearer tok-456", deliverOne(repeater, "/bearer", "b"));
        assertEquals(0, rotation.reencryptAll().await().atMost(Duration.ofSeconds(30)), "nothing left to move");
    }

    @Test
    void startupCheckNamesKeysThatNoLongerExistAndPlaintextValues() {
        long a = createRepeater(Map.of("domain", "acme", "name", "a", "url", receiver.url("/a"),
                "auth", Map.of("type", "bearer", "token", "t")));
        long b = createRepeater(Map.of("domain", "acme", "name", "b", "url", receiver.url("/b"),
                "auth", Map.of("type", "bearer", "token", "t")));
        assertEquals(Set.of(), rotation.unreadableKeyIds().await().atMost(Duration.ofSeconds(30)));
        sql("UPDATE repeater SET auth_secret = 'v1:retired:AAAA' WHERE id = $1", a);
        sql("UPDATE repeater SET auth_secret = 'plaintext-token' WHERE id = $1", b);
        assertEquals(Set.of("retired", ""), rotation.unreadableKeyIds().await().atMost(Duration.ofSeconds(30)));
    }
}
