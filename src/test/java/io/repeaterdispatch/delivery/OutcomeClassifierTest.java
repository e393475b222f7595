package io.repeaterdispatch.delivery;

import io.repeaterdispatch.core.RecordState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutcomeClassifierTest {

    @ParameterizedTest
    @CsvSource({
            "200, SUCCEEDED", "201, SUCCEEDED", "202, SUCCEEDED", "204, EMPTY",
            "500, FAILED", "502, FAILED", "503, FAILED", "504, FAILED",
            "408, FAILED", "425, FAILED", "429, FAILED",
            "301, FAILED", "302, FAILED", "100, FAILED",
            "400, INVALID_PAYLOAD", "401, INVALID_PAYLOAD", "403, INVALID_PAYLOAD", "404, INVALID_PAYLOAD",
            "409, INVALID_PAYLOAD", "410, INVALID_PAYLOAD", "413, INVALID_PAYLOAD", "422, INVALID_PAYLOAD"
    })
    void classifiesStatusCodes(int status, RecordState expected) {
        assertEquals(expected, OutcomeClassifier.classify(status));
    }
}
