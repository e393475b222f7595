package io.repeaterdispatch.delivery;

import io.repeaterdispatch.core.SigningSecret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): {@code v1,<base64 of
 * HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>}, keyed with the decoded part of the
 * repeater's {@code whsec_} secret. Several signatures (during a rotation's overlap) go in one
 * {@code webhook-signature} header, separated by spaces; a receiver accepts the message if any of
 * them matches a secret it knows.
 */
public final class WebhookSignature {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    private static final String ALGORITHM = "HmacSHA256";

    /** Mac.getInstance looks a provider up on every call; one Mac per thread is re-keyed instead. */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    });

    private WebhookSignature() {
    }

    /** One {@code v1,<base64>} signature of the message. */
    public static String sign(SigningSecret secret, String messageId, long timestampSeconds, byte[] body) {
        Mac mac = MAC.get();
        try {
            mac.init(new SecretKeySpec(secret.key(), ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 refused its key", e);
        }
        // the body is fed as it is sent, without a copy joined to the prefix
        mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    /** The {@code webhook-signature} value: one signature per secret, in the order given, space-separated. */
    public static String header(List<SigningSecret> secrets, String messageId, long timestampSeconds, byte[] body) {
        StringBuilder value = new StringBuilder();
        for (SigningSecret secret : secrets) {
            if (!value.isEmpty()) {
                value.append(' ');
            }
            value.append(sign(secret, messageId, timestampSeconds, body));
        }
        return value.toString();
    }
}
