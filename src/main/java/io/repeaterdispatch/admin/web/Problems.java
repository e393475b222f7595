package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.service.ApiException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every error leaves as {@code application/problem+json} (RFC 9457): bad input gets a 4xx that
 * says what is wrong, anything unexpected a 500 with no internals (the log has the details).
 */
public class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(Problems.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(String type, String title, int status, String detail, List<ApiException.FieldError> errors) {
    }

    public static Response response(int status, String title, String detail, List<ApiException.FieldError> errors) {
        String body;
        try {
            body = JSON.writeValueAsString(new Problem("about:blank", title, status, detail, errors));
        } catch (JsonProcessingException impossible) {
            body = "{\"title\":\"" + status + "\",\"status\":" + status + "}";
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return response(e.status, e.title, e.getMessage(), e.errors);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty() && mapping.getCause() instanceof InputCoercionException) {
            // well-formed JSON, but a number too large for its field (99999999999 for an integer): name the field
            return response(400, "Invalid request", "wrong type of value",
                    List.of(new ApiException.FieldError(path(mapping), "a number out of this field's range")));
        }
        return response(400, "Malformed JSON", describe(e), null);
    }

    /** More specific than the one above, to win over Quarkus' built-in mapper (an empty 400). */
    @ServerExceptionMapper
    public Response wrongShape(MismatchedInputException e) {
        String field = path(e);
        if (e instanceof UnrecognizedPropertyException unknown) { // any body: StrictFields
            // Jackson's path normally ends with the unknown name; if it only leads to the object, add it
            String name = field.endsWith(unknown.getPropertyName()) ? field
                    : field.isEmpty() ? unknown.getPropertyName() : field + "." + unknown.getPropertyName();
            Collection<Object> known = unknown.getKnownPropertyIds() == null ? List.of() : unknown.getKnownPropertyIds();
            return response(400, "Invalid request", "unknown field", List.of(ApiException.unknownField(name, known)));
        }
        String expected = expected(e.getTargetType());
        return response(400, "Invalid request", field.isEmpty() ? "request body must be " + expected : "wrong type of value",
                field.isEmpty() ? null : List.of(new ApiException.FieldError(field, "must be " + expected)));
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == Long.class || type == Short.class || type == int.class || type == long.class
                || type == short.class) {
            return "an integer"; // StrictScalars refuses 1.5 and 1.0 for these
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return malformedJson(json);
        }
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        if (status >= 500) {
            LOG.error("request failed", e);
            return response(status, title, "internal error", null);
        }
        return response(status, title, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (StoreOutage.isOutage(e)) {
            LOG.warnf("database unavailable while serving a request: %s", e.toString());
            Response unavailable = response(503, "Service Unavailable", "the database is unavailable; retry shortly", null);
            return Response.fromResponse(unavailable).header("Retry-After", "5").build();
        }
        if (StoreOutage.isTransientConflict(e)) {
            LOG.warnf("a request's transaction collided with another and was rolled back: %s", e.toString());
            Response conflict = response(503, "Service Unavailable", "the change collided with a concurrent one and was not applied; retry", null);
            return Response.fromResponse(conflict).header("Retry-After", "1").build();
        }
        LOG.error("unexpected error serving a request", e);
        return response(500, "Internal Server Error", "internal error", null);
    }

    /** Jackson's own wording for syntax errors, minus anything quoted from Java types. */
    private static String describe(JsonProcessingException e) {
        String where = e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty() ? " at " + path(mapping) : "";
        String message = e.getOriginalMessage() == null ? "unreadable body" : e.getOriginalMessage();
        message = message.replaceAll("`[^`]*`", "value");
        if (message.length() > 300) {
            message = message.substring(0, 300);
        }
        return "request body is not valid JSON for this route" + where + ": " + message;
    }
}
