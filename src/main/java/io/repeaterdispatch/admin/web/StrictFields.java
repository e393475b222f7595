package io.repeaterdispatch.admin.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Every request body refuses fields it does not know: a 400 naming the field (Problems turns
 * Jackson's UnrecognizedPropertyException into it), before anything is written. Quarkus' default
 * skips them, and a skipped field is a setting the caller believes they have:
 * {@code "ordering": "strict"} on create answered 201 and did nothing, and a bulk cancel with a
 * misspelt {@code "payloadID"} cancelled every queued record of the repeater.
 *
 * <p>This mapper reads only request bodies (stored JSON is read as trees or maps, which have no
 * unknown fields). Bodies read as a tree check their own fields: the PATCH body (RepeaterPatch)
 * and the enqueue items (EnqueueItems), whose {@code payload} stays any JSON.
 */
@Singleton
public class StrictFields implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
