package io.repeaterdispatch.security;

import io.quarkus.runtime.Startup;
import io.repeaterdispatch.config.SecretsConfig;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Encrypts endpoint secrets for storage: AES-256-GCM with a random 12-byte nonce per value, stored
 * as {@code v1:<keyId>:<base64(nonce | ciphertext | tag)>}. The key id in the value picks the key
 * to decrypt with, so a new active key can be introduced while older values stay readable.
 * Error messages name key ids only, never key material or secret values.
 */
@Startup // fail fast: a service without a usable key must not start, not fail at its first secret
@ApplicationScoped
public class SecretCipher {

    /** Signals a stored value that cannot be turned back into its secret. */
    public static class UnreadableSecretException extends RuntimeException {
        UnreadableSecretException(String message) {
            super(message, null, false, false);
        }
    }

    static final String VERSION = "v1";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final Map<String, SecretKey> keys;
    private final String activeKeyId;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(SecretsConfig config) {
        this.keys = parseKeys(config.keys().orElse(List.of()));
        this.activeKeyId = config.activeKey().map(String::strip).filter(id -> !id.isEmpty())
                .orElseThrow(() -> new IllegalStateException("secrets.active-key (SECRETS_ACTIVE_KEY) is not set: "
                        + "name the key in secrets.keys that new endpoint secrets are encrypted with"));
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalStateException("secrets.active-key '" + activeKeyId + "' is not among secrets.keys " + keys.keySet());
        }
    }

    private static Map<String, SecretKey> parseKeys(List<String> entries) {
        Map<String, SecretKey> keys = new HashMap<>();
        for (String entry : entries) {
            String trimmed = entry.strip();
            int colon = trimmed.indexOf(':');
            // Without a ':' the entry may be bare key material: it must not reach the message.
            String id = colon < 0 ? "" : trimmed.substring(0, colon);
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalStateException("secrets.keys: every entry must be <keyId>:<base64 key> with a key id of "
                        + "1-64 letters, digits, '.', '_' or '-'" + (colon < 0 ? "" : " (got '" + id + "')"));
            }
            byte[] material;
            try {
                material = Base64.getDecoder().decode(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("secrets.keys: key '" + id + "' is not valid base64");
            }
            if (material.length != KEY_BYTES) {
                throw new IllegalStateException("secrets.keys: key '" + id + "' must be " + KEY_BYTES + " bytes (AES-256), got "
                        + material.length + "; generate one with: openssl rand -base64 32");
            }
            if (keys.put(id, new SecretKeySpec(material, "AES")) != null) {
                throw new IllegalStateException("secrets.keys: key id '" + id + "' appears twice");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("secrets.keys (SECRETS_KEYS) is not set: endpoint secrets are stored encrypted "
                    + "and need a key, e.g. SECRETS_KEYS=k1:$(openssl rand -base64 32) SECRETS_ACTIVE_KEY=k1");
        }
        return Map.copyOf(keys);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public boolean hasKey(String keyId) {
        return keys.containsKey(keyId);
    }

    /** Null stays null (no secret). */
    public String encrypt(String plaintext) {
        if (plaintext == null) {
            return null;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return VERSION + ":" + activeKeyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** Null stays null (no secret); anything not written by {@link #encrypt} is refused. */
    public String decrypt(String stored) {
        if (stored == null) {
            return null;
        }
        String keyId = keyIdOf(stored);
        if (keyId == null) {
            throw new UnreadableSecretException("stored secret is not in the " + VERSION + ":<keyId>:<data> format "
                    + "(plaintext secrets are not supported)");
        }
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new UnreadableSecretException("stored secret was encrypted with key id '" + keyId
                    + "', which secrets.keys does not hold");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(stored.substring(VERSION.length() + keyId.length() + 2));
        } catch (IllegalArgumentException e) {
            throw new UnreadableSecretException("stored secret (key id '" + keyId + "') is not valid base64");
        }
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new UnreadableSecretException("stored secret (key id '" + keyId + "') is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
            return new String(cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new UnreadableSecretException("stored secret (key id '" + keyId + "') fails authentication: altered, or the key changed");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** The key id of a {@code v1:<keyId>:...} value, or null if the value is not in that format. */
    public static String keyIdOf(String stored) {
        if (stored == null || !stored.startsWith(VERSION + ":")) {
            return null;
        }
        int end = stored.indexOf(':', VERSION.length() + 1);
        return end < 0 ? null : stored.substring(VERSION.length() + 1, end);
    }
}
