package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.service.ApiException;
import io.repeaterdispatch.core.RecordState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Query parameters and filter fields: values read, every problem collected into one 400. No server. */
class QueryParamsTest {

    @Test
    void readsWellFormedValues() {
        QueryParams params = new QueryParams();
        assertEquals(QueryParams.DEFAULT_LIMIT, params.limit(null));
        assertEquals(500, params.limit(" 500 "));
        assertEquals(Long.MAX_VALUE, params.idCursor(null, true));
        assertEquals(0, params.idCursor("", false));
        assertEquals(42, params.idCursor(cursor("42"), true));
        assertEquals(Boolean.TRUE, params.bool("TRUE", "paused"));
        assertNull(params.bool(null, "paused"));
        assertEquals(List.of(RecordState.FAILED, RecordState.INVALID_PAYLOAD), params.states("failed, invalid_payload"));
        assertEquals(Instant.parse("2026-01-31T12:00:00Z"), params.instant("2026-01-31T12:00:00Z", "registeredAfter"));
        params.check(); // nothing wrong: no exception
    }

    @Test
    void reportsEveryProblemAtOnce() {
        QueryParams params = new QueryParams();
        params.limit("501");
        params.idCursor("not-ours", true);
        params.bool("yes", "paused");
        params.states("pending,lost");
        params.instant("+1000000-01-01T00:00:00Z", "registeredAfter");
        params.text("a\u0000b", "payloadId", 255);
        params.idCursor(cursor("x\u0001"), true);
        ApiException problem = assertThrows(ApiException.class, params::check);
        assertEquals(400, problem.status);
        assertEquals(List.of("limit", "cursor", "paused", "state", "registeredAfter", "payloadId", "cursor"),
                problem.errors.stream().map(ApiException.FieldError::field).toList());
    }

    /** A cursor as the lists hand them out (service.Cursor): base64url of "k:" and the key. */
    private static String cursor(String key) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(("k:" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
