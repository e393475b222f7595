package io.repeaterdispatch.admin.service;

import io.repeaterdispatch.admin.web.StrictScalars;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.repeaterdispatch.admin.entity.RepeaterEntity;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Body of PATCH /api/v1/repeaters/{id}: the fields to change, each replacing the stored value
 * whole (headers, auth, rateLimit, statusPolicy, signing and lifecycle included; leave auth out to keep the stored
 * credentials). The domain cannot change: records and flags hang off it; nor can the signing secret
 * (a rotation makes a new one).
 */
final class RepeaterPatch {

    private static final Set<String> FIELDS = Set.of("name", "url", "method", "headers", "auth", "timeoutMs", "batchSize",
            "rateLimit", "statusPolicy", "signing", "ordering", "eventTypes", "lifecycle");
    /** null clears these: no extra headers, no credentials, no rate limit, no status code of its own, every event type. */
    private static final Set<String> NULLABLE = Set.of("headers", "auth", "rateLimit", "statusPolicy", "eventTypes");

    final Set<String> fields;
    private final CreateRepeaterRequest values;

    private RepeaterPatch(Set<String> fields, CreateRepeaterRequest values) {
        this.fields = fields;
        this.values = values;
    }

    static RepeaterPatch read(JsonNode body, ObjectMapper json) throws JsonProcessingException {
        if (body == null || !body.isObject() || body.isEmpty()) {
            throw ApiException.badRequest("body must be a JSON object with the fields to change: " + FIELDS);
        }
        List<ApiException.FieldError> errors = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = body.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("domain")) {
                errors.add(new ApiException.FieldError("domain", "cannot be changed; create a repeater in the other domain"));
            } else if (field.getKey().equals("signingSecret")) {
                errors.add(new ApiException.FieldError("signingSecret", "cannot be set; POST /api/v1/repeaters/{id}/signing-secret/rotate "
                        + "makes a new one"));
            } else if (!FIELDS.contains(field.getKey())) {
                errors.add(ApiException.unknownField(field.getKey(), FIELDS));
            } else if (field.getValue().isNull() && !NULLABLE.contains(field.getKey())) {
                errors.add(new ApiException.FieldError(field.getKey(), "must not be null"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        Set<String> present = new java.util.TreeSet<>();
        body.fieldNames().forEachRemaining(present::add);
        // StrictScalars makes the read refuse what it would otherwise turn into null ("" for a number), and
        // StrictFields an unknown field inside auth, rateLimit or statusPolicy
        return new RepeaterPatch(Set.copyOf(present), json.treeToValue(body, CreateRepeaterRequest.class));
    }

    /** The new URL, if the patch sets one. */
    java.util.Optional<String> url() {
        return has("url") ? java.util.Optional.ofNullable(values.url()) : java.util.Optional.empty();
    }

    /** The new name, if the patch sets one (only a patch that sets one can collide with another repeater's). */
    String name() {
        return values.name();
    }

    boolean has(String field) {
        return fields.contains(field);
    }

    /** The repeater as it would be after the patch, for validation. */
    CreateRepeaterRequest over(RepeaterEntity r, Map<String, String> storedHeaders) {
        return new CreateRepeaterRequest(r.domain,
                has("name") ? values.name() : r.name,
                has("url") ? values.url() : r.url,
                has("method") ? values.method() : r.httpMethod,
                has("headers") ? values.headers() : storedHeaders,
                values.auth(),
                has("timeoutMs") ? values.timeoutMs() : r.timeoutMs,
                has("batchSize") ? values.batchSize() : r.batchSize,
                has("rateLimit") ? values.rateLimit() : storedRateLimit(r),
                has("statusPolicy") ? values.statusPolicy() : new CreateRepeaterRequest.StatusPolicy(
                        RepeaterView.codes(r.retryStatusCodes), RepeaterView.codes(r.invalidStatusCodes)),
                has("signing") ? values.signing() : new CreateRepeaterRequest.Signing(r.signingEnabled),
                null,
                has("ordering") ? values.ordering() : r.ordering,
                has("eventTypes") ? values.eventTypes() : EventTypes.view(r.eventTypes),
                has("lifecycle") ? values.lifecycle() : new CreateRepeaterRequest.Lifecycle(r.honorDisableHeader));
    }

    private static CreateRepeaterRequest.RateLimit storedRateLimit(RepeaterEntity r) {
        return r.ratePerSecond == null ? null : new CreateRepeaterRequest.RateLimit(r.ratePerSecond, r.rateBurst);
    }
}
