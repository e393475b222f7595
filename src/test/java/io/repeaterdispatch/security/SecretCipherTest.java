package io.repeaterdispatch.security;

import io.repeaterdispatch.config.SecretsConfig;
import io.repeaterdispatch.security.SecretCipher.UnreadableSecretException;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretCipherTest {

    private static final String K1 = "k1:" + key('1');
    private static final String K2 = "k2:" + key('2');

    static String key(char fill) {
        return Base64.getEncoder().encodeToString(String.valueOf(fill).repeat(32).getBytes());
    }

    static SecretCipher cipher(String active, String... keys) {
        return new SecretCipher(new SecretsConfig() {
            public Optional<List<String>> keys() {
                return keys.length == 0 ? Optional.empty() : Optional.of(List.of(keys));
            }

            public Optional<String> activeKey() {
                return Optional.ofNullable(active);
            }

            public boolean reencryptOnStart() {
                return false;
            }
        });
    }

    @Test
    void roundTripsAndStoresNeitherThePlaintextNorTheKey() {
        SecretCipher cipher = cipher("k1", K1);
        String stored = cipher.encrypt("hunter2 ünïcode");
        assertTrue(stored.startsWith("v1:k1:"), stored);
        assertFalse(stored.contains("hunter2"), stored);
        assertEquals("hunter2 ünïcode", cipher.decrypt(stored));
        assertEquals("", cipher.decrypt(cipher.encrypt("")));
        assertNull(cipher.encrypt(null));
        assertNull(cipher.decrypt(null));
    }

    @Test
    void everyEncryptionUsesAFreshNonce() {
        SecretCipher cipher = cipher("k1", K1);
        String a = cipher.encrypt("same secret");
        String b = cipher.encrypt("same secret");
        assertNotEquals(a, b);
        byte[] nonceA = Base64.getDecoder().decode(a.substring("v1:k1:".length()));
        byte[] nonceB = Base64.getDecoder().decode(b.substring("v1:k1:".length()));
        assertNotEquals(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(nonceA, 12)),
                Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(nonceB, 12)));
        assertEquals("same secret", cipher.decrypt(a));
        assertEquals("same secret", cipher.decrypt(b));
    }

    @Test
    void alteredValuesAreRefused() {
        SecretCipher cipher = cipher("k1", K1);
        String stored = cipher.encrypt("token-123");
        byte[] data = Base64.getDecoder().decode(stored.substring("v1:k1:".length()));
        for (int i : new int[] {0, 12, data.length - 1}) { // nonce, ciphertext, tag
            byte[] altered = data.clone();
            altered[i] ^= 1;
            String tampered = "v1:k1:" + Base64.getEncoder().encodeToString(altered);
            UnreadableSecretException e = assertThrows(UnreadableSecretException.class, () -> cipher.decrypt(tampered));
            assertTrue(e.getMessage().contains("fails authentication"), e.getMessage());
        }
        assertThrows(UnreadableSecretException.class, () -> cipher.decrypt("v1:k1:" + Base64.getEncoder().encodeToString(new byte[20])));
        assertThrows(UnreadableSecretException.class, () -> cipher.decrypt("v1:k1:not base64!"));
        // the same value under another key fails too: a key swapped under the same id is caught
        SecretCipher other = cipher("k1", "k1:" + key('9'));
        assertThrows(UnreadableSecretException.class, () -> other.decrypt(stored));
    }

    @Test
    void unknownKeyIdsAndPlaintextAreRefusedWithoutEchoingTheValue() {
        SecretCipher k1 = cipher("k1", K1);
        String underK2 = cipher("k2", K2).encrypt("s");
        UnreadableSecretException unknown = assertThrows(UnreadableSecretException.class, () -> k1.decrypt(underK2));
        assertTrue(unknown.getMessage().contains("'k2'"), unknown.getMessage());
        UnreadableSecretException plain = assertThrows(UnreadableSecretException.class, () -> k1.decrypt("plain-password"));
        assertFalse(plain.getMessage().contains("plain-password"), plain.getMessage());
    }

    @Test
    void rotationKeepsOldValuesReadable() {
        String old = cipher("k1", K1).encrypt("before rotation");
        SecretCipher rotated = cipher("k2", K1, K2);
        assertEquals("before rotation", rotated.decrypt(old));
        String fresh = rotated.encrypt("after rotation");
        assertTrue(fresh.startsWith("v1:k2:"), fresh);
        assertEquals("after rotation", rotated.decrypt(fresh));
        assertEquals("k1", SecretCipher.keyIdOf(old));
    }

    @Test
    void refusesToStartWithoutAUsableKey() {
        assertMessage("SECRETS_KEYS", () -> cipher("k1"));
        assertMessage("SECRETS_ACTIVE_KEY", () -> cipher(null, K1));
        assertMessage("not among", () -> cipher("k3", K1, K2));
        assertMessage("32 bytes", () -> cipher("k1", "k1:" + Base64.getEncoder().encodeToString(new byte[16])));
        assertMessage("base64", () -> cipher("k1", "k1:***"));
        assertMessage("twice", () -> cipher("k1", K1, K1));
        IllegalStateException bare = assertThrows(IllegalStateException.class, () -> cipher("k1", key('1')));
        assertTrue(bare.getMessage().contains("<keyId>:<base64 key>"), bare.getMessage());
        assertFalse(bare.getMessage().contains(key('1')), "key material never in a message");
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        IllegalStateException e = assertThrows(IllegalStateException.class, build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
