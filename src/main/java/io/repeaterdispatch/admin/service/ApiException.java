package io.repeaterdispatch.admin.service;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** A client error with an RFC 9457 problem body; field errors list every invalid input at once. */
public class ApiException extends RuntimeException {

    public record FieldError(String field, String message) {
    }

    public final int status;
    public final String title;
    public final List<FieldError> errors;

    public ApiException(int status, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = errors;
    }

    public static ApiException notFound(String what, Object id) {
        return new ApiException(404, "Not Found", what + " " + id + " does not exist", null);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail, null);
    }

    public static ApiException invalid(List<FieldError> errors) {
        return new ApiException(400, "Invalid request", "the request has " + errors.size() + " invalid field(s)", errors);
    }

    /** The one wording of an unknown field, wherever it is found: its name (cut if very long) and the fields accepted there. */
    public static FieldError unknownField(String field, Collection<?> known) {
        String name = field.length() > 200 ? field.substring(0, 200) + "…" : field;
        String accepted = known.isEmpty() ? "none" : known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
        return new FieldError(name, "unknown field; accepted here: " + accepted);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad Request", detail, null);
    }
}
