package io.repeaterdispatch.admin.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * A number or boolean field takes a JSON number or boolean, nothing else. Jackson's defaults read
 * {@code "timeoutMs": ""} as null (a PATCH then failed inside with a 500, found by the fuzz run;
 * a create silently took the default), {@code "5"} as 5, {@code 1.9} as 1 and {@code 1} as true:
 * each guesses at what the client meant. Refused, they become a 400 naming the field.
 */
@Singleton
public class StrictScalars implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        for (LogicalType type : new LogicalType[]{LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    }
}
