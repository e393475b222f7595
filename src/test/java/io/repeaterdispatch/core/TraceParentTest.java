package io.repeaterdispatch.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TraceParentTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void acceptsVersion00AndReadsItsParts() {
        assertEquals(VALID, TraceParent.valid(VALID));
        assertEquals(VALID, TraceParent.valid("  " + VALID + " "));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceParent.traceId(VALID));
        assertEquals("00f067aa0ba902b7", TraceParent.parentId(VALID));
        assertEquals("01", TraceParent.flags(VALID));
        assertEquals(VALID, TraceParent.of("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01"));
    }

    @Test
    void aLaterVersionIsReadAsVersion00() {
        assertEquals(VALID, TraceParent.valid("01" + VALID.substring(2)));
        assertEquals(VALID, TraceParent.valid("01" + VALID.substring(2) + "-whatever"));
    }

    @Test
    void refusesWhatW3cSaysToIgnore() {
        assertNull(TraceParent.valid(null));
        assertNull(TraceParent.valid(""));
        assertNull(TraceParent.valid(VALID.toUpperCase()), "upper-case hex");
        assertNull(TraceParent.valid(VALID + "-00"), "version 00 with more after it");
        assertNull(TraceParent.valid("ff" + VALID.substring(2)), "version ff");
        assertNull(TraceParent.valid("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "zero trace id");
        assertNull(TraceParent.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"), "zero parent id");
        assertNull(TraceParent.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01"), "separator");
        assertNull(TraceParent.valid("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"), "short trace id");
        assertNull(TraceParent.valid("0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "not hex");
    }
}
