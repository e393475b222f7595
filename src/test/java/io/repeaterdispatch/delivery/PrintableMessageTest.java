package io.repeaterdispatch.delivery;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Attempt messages keep what PostgreSQL text can hold: control characters become spaces, but newline and tab. Pure. */
class PrintableMessageTest {

    @Test
    void replacesExactlyWhatTheControlCharacterClassMatches() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            String text = "200 a" + c + "b";
            assertEquals(text.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", " "), HttpSender.printable(text), "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void aCleanAnswerIsReturnedAsItIs() {
        String clean = "200 {\"ok\": true}\n\tdone";
        assertSame(clean, HttpSender.printable(clean));
        assertEquals("500 a b  c", HttpSender.printable("500 a\u0000b\u001b\u007fc"));
    }
}
