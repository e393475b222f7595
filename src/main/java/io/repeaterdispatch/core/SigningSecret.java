package io.repeaterdispatch.core;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A repeater's Standard Webhooks signing secret: {@code whsec_} and the base64 of 24 to 64 random
 * bytes, which are the HMAC-SHA256 key. It is the only form the secret ever takes outside the
 * database (where it is stored encrypted, security.SecretCipher): {@link #toString()} never shows it,
 * and {@link #text()} is called only to encrypt it and to answer it once (create, rotate).
 */
public final class SigningSecret {

    public static final String PREFIX = "whsec_";
    public static final int MIN_BYTES = 24;
    public static final int MAX_BYTES = 64;
    /** What the service generates: 256 bits, as long as an HMAC-SHA256 output (Svix and the reference libraries use 24 to 32). */
    public static final int GENERATED_BYTES = 32;
    /** The format, for messages: never the value. */
    public static final String FORMAT = PREFIX + " followed by the base64 of " + MIN_BYTES + " to " + MAX_BYTES + " random bytes";

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    private static final int LONGEST = PREFIX.length() + (MAX_BYTES + 2) / 3 * 4;

    private final byte[] key;

    private SigningSecret(byte[] key) {
        this.key = key;
    }

    public static SigningSecret generate(SecureRandom random) {
        byte[] key = new byte[GENERATED_BYTES];
        random.nextBytes(key);
        return new SigningSecret(key);
    }

    /** The secret {@code text} spells, or empty when it is not {@link #FORMAT} (padding optional, no whitespace). */
    public static Optional<SigningSecret> parse(String text) {
        if (text == null || text.length() > LONGEST || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String encoded = text.substring(PREFIX.length());
        if (!BASE64.matcher(encoded).matches()) {
            return Optional.empty();
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return key.length < MIN_BYTES || key.length > MAX_BYTES ? Optional.empty() : Optional.of(new SigningSecret(key));
    }

    /** {@code whsec_<base64>}: to encrypt for storage and to answer once; never to log. */
    public String text() {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key (a copy). */
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SigningSecret s && Arrays.equals(key, s.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "SigningSecret[***]";
    }
}
