package io.repeaterdispatch.admin.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.repeaterdispatch.admin.service.CreateRepeaterRequest;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Set;

/**
 * The delivery-limit objects refuse fields they do not know (a 400 naming the field). The
 * application's mapper skips unknown fields elsewhere (Quarkus' default), and here a misspelt
 * optional field would silently take its default: {@code "rateLimit": {"perSecond": 5, "brust": 50}}
 * a burst of 5, a PUT of domain limits with {@code "remoteTimePerMinute"} a reset to the default.
 */
@Singleton
public class StrictFields implements ObjectMapperCustomizer {

    static final Set<Class<?>> STRICT = Set.of(CreateRepeaterRequest.RateLimit.class, CreateRepeaterRequest.StatusPolicy.class,
            CreateRepeaterRequest.Signing.class, DomainLimitResource.LimitsRequest.class);

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser, JsonDeserializer<?> deserializer,
                                                 Object beanOrClass, String propertyName) throws IOException {
                Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
                if (STRICT.contains(type)) {
                    throw UnrecognizedPropertyException.from(parser, beanOrClass, propertyName, deserializer.getKnownPropertyNames());
                }
                return false; // the mapper's own rule
            }
        });
    }
}
