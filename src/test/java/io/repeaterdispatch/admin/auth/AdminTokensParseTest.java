package io.repeaterdispatch.admin.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** admin.tokens entries, without a server: what is accepted, what stops the start, and that messages never quote a token. */
class AdminTokensParseTest {

    @Test
    void clearAndDigestEntriesBothIdentifyTheirCaller() {
        String digest = java.util.HexFormat.of().formatHex(AdminTokens.sha256("reader-token-1"));
        assertEquals(2, AdminTokens.parse(List.of("ops:admin:admin-token-1", " reader:read:sha256:" + digest + " ", "")).size());
    }

    @Test
    void malformedEntriesStopTheStartNamingOnlyPositionOrName() {
        String secret = "s3cr3t-t0ken";
        IllegalStateException noRole = assertThrows(IllegalStateException.class, () -> AdminTokens.parse(List.of("ops" + secret)));
        assertTrue(noRole.getMessage().startsWith("admin.tokens entry 1 is not name:role:secret"), noRole.getMessage());
        assertFalse(noRole.getMessage().contains(secret), "the message quotes the token");
        assertThrows(IllegalStateException.class, () -> AdminTokens.parse(List.of("ops:owner:" + secret)), "unknown role");
        assertThrows(IllegalStateException.class, () -> AdminTokens.parse(List.of("ops:admin:short")), "token under 8 characters");
        assertThrows(IllegalStateException.class, () -> AdminTokens.parse(List.of("ops:admin:sha256:abc")), "digest not 64 hex digits");
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> AdminTokens.parse(List.of("ops:admin:" + secret, "ops:read:other-token-2")));
        assertEquals("admin.tokens: the name 'ops' is used twice", twice.getMessage());
    }
}
