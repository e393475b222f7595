package io.repeaterdispatch.core;

/**
 * The W3C Trace Context {@code traceparent} header (version 00): {@code 00-<32 hex trace id>-<16 hex
 * parent id>-<2 hex flags>}, lower-case hex, neither id all zeros. A record enqueued with one keeps it
 * (repeat_record.traceparent, V19), and its deliveries continue that trace (docs/operations.md,
 * "Tracing"). Anything else is ignored, as the specification asks of a malformed header.
 */
public final class TraceParent {

    public static final String HEADER = "traceparent";
    static final int LENGTH = 55;

    private TraceParent() {
    }

    /**
     * @return {@code value} if it is a valid version-00 traceparent (surrounding blanks stripped); a
     * later version is cut to its first 55 characters, as the specification allows; else null
     */
    public static String valid(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.length() < LENGTH || (v.length() > LENGTH && (v.startsWith("00") || v.charAt(LENGTH) != '-'))) {
            return null;
        }
        v = v.substring(0, LENGTH);
        if (v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-' || v.startsWith("ff")) {
            return null;
        }
        if (!hex(v, 0, 2) || !hex(v, 3, 35) || !hex(v, 36, 52) || !hex(v, 53, 55)
                || zeros(v, 3, 35) || zeros(v, 36, 52)) {
            return null;
        }
        return v.startsWith("00") ? v : "00" + v.substring(2);
    }

    public static String of(String traceId, String spanId, String flags) {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    public static String parentId(String traceparent) {
        return traceparent.substring(36, 52);
    }

    public static String flags(String traceparent) {
        return traceparent.substring(53, 55);
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
