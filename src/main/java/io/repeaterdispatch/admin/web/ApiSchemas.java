package io.repeaterdispatch.admin.web;

import io.repeaterdispatch.admin.service.CreateRepeaterRequest;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The shapes of the bodies that the resources read as JSON trees (to check them field by field,
 * admin.service.EnqueueItems and RepeaterPatch): for the OpenAPI document only, so that it, and a
 * client generated from it, know their fields.
 */
final class ApiSchemas {

    static final String LIMIT = "page size, 1-500";
    static final String CURSOR = "where the page starts: the next value of the previous page; absent: the first page";
    static final String STATE = "only records in these states, comma-separated: pending, failed, succeeded, cancelled, empty, invalid_payload";

    private ApiSchemas() {
    }

    @Schema(name = "EnqueueItem", description = "One record to queue. Unknown fields are refused.")
    record EnqueueItem(
            @Schema(description = "the caller's id of the payload: 1-255 characters, no control characters; not unique",
                    required = true, minLength = 1, maxLength = 255)
            String payloadId,
            @Schema(description = "any JSON value: delivered as the request body, exactly as given (numbers digit for digit)",
                    required = true)
            Object payload) {
    }

    @Schema(name = "FanOutEvent", description = "One event to queue for every repeater of the domain subscribed to its type. Unknown fields are refused.")
    record FanOutEvent(
            @Schema(description = "1-200 characters: letters, digits, '_' and '-' in segments separated by single dots (case.created)",
                    required = true, minLength = 1, maxLength = 200, pattern = "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$")
            String eventType,
            @Schema(description = "the caller's id of the payload: 1-255 characters, no control characters; not unique",
                    required = true, minLength = 1, maxLength = 255)
            String payloadId,
            @Schema(description = "any JSON value: delivered as the request body, exactly as given", required = true)
            Object payload) {
    }

    @Schema(name = "UpdateRepeaterRequest", description = "The fields to change, each replacing the stored value whole; at least one. "
            + "domain and signingSecret cannot change. Unknown fields are refused.", minProperties = 1)
    record UpdateRepeaterRequest(
            @Schema(description = "1-255 characters; unique among the domain's repeaters that are not deleted (409 otherwise)")
            String name,
            @Schema(description = "http or https, allowed by the outbound URL policy; a new URL drops the backoff")
            String url,
            @Schema(description = "POST, PUT or PATCH", enumeration = {"POST", "PUT", "PATCH"})
            String method,
            @Schema(description = "extra request headers, replaced whole; null: none", nullable = true)
            Map<String, String> headers,
            @Schema(description = "the endpoint's credentials, replaced whole; null: none; absent: the stored ones stay", nullable = true)
            CreateRepeaterRequest.Auth auth,
            @Schema(description = "1-300000", minimum = "1", maximum = "300000")
            Integer timeoutMs,
            @Schema(description = "1 to dispatch.max-batch-size", minimum = "1")
            Integer batchSize,
            @Schema(description = "replaced whole; null: no rate limit", nullable = true)
            CreateRepeaterRequest.RateLimit rateLimit,
            @Schema(description = "replaced whole; null: no status code of its own", nullable = true)
            CreateRepeaterRequest.StatusPolicy statusPolicy,
            CreateRepeaterRequest.Signing signing,
            @Schema(description = "parallel or strict", enumeration = {"parallel", "strict"})
            String ordering,
            @Schema(description = "replaced whole; null or []: every event type", nullable = true)
            List<String> eventTypes,
            CreateRepeaterRequest.Lifecycle lifecycle) {
    }
}
