package io.repeaterdispatch.admin.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * A payload is stored as the JSON text of what was read, so its numbers must survive the read:
 * as doubles, 0.1234567890123456789 lost digits and 1e400 came back as the string "Infinity"
 * (found by the fuzz run). Decimals are read as BigDecimal, which keeps every digit.
 */
@Singleton
public class PayloadNumbers implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }
}
