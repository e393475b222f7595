package io.repeaterdispatch.admin.web;

/** Request bodies shown as examples in the OpenAPI document (/q/openapi, Swagger UI). */
final class ApiExamples {

    static final String SET_FLAG = "{\"enabled\": false}";

    static final String SET_LIMITS = "{\"remoteTimePerMinuteMs\": 600000, \"remoteTimePerHourMs\": null}";

    static final String ENQUEUE = "[{\"payloadId\": \"case-123\", \"payload\": {\"case\": \"123\", \"status\": \"open\"}}, {\"payloadId\": \"case-124\", \"payload\": {\"case\": \"124\"}}]";

    static final String FAN_OUT = "[{\"eventType\": \"case.created\", \"payloadId\": \"case-123\", \"payload\": {\"case\": \"123\", \"status\": \"open\"}}, {\"eventType\": \"form.submitted\", \"payloadId\": \"form-9\", \"payload\": {\"form\": \"9\"}}]";

    static final String FAN_OUT_ANSWER = "{\"domain\": \"acme\", \"records\": {\"3\": [41, 42], \"7\": [43]}, \"count\": 3}";

    static final String BULK_REQUEUE = "{\"state\": [\"cancelled\", \"invalid_payload\"], \"registeredAfter\": \"2026-11-01T00:00:00Z\"}";

    static final String BULK_RESEND = "{\"payloadId\": \"case-123\"}";

    static final String BULK_CANCEL = "{}";

    static final String CREATE_REPEATER = "{\"domain\": \"acme\", \"name\": \"crm\", \"url\": \"http://127.0.0.1:9999/hook\", \"auth\": {\"type\": \"bearer\", \"token\": \"s3cr3t\"}, \"headers\": {\"X-Source\": \"repeater-dispatch\"}, \"timeoutMs\": 30000, \"batchSize\": 7, \"rateLimit\": {\"perSecond\": 5, \"burst\": 10}, \"statusPolicy\": {\"retry\": [404], \"invalidPayload\": [500]}, \"signing\": {\"enabled\": true}}";

    static final String UPDATE_REPEATER = "{\"url\": \"http://127.0.0.1:9999/v2/hook\", \"timeoutMs\": 10000}";

    static final String UPDATE_LIMITS = "{\"rateLimit\": {\"perSecond\": 2.5}, \"statusPolicy\": null}";

    private ApiExamples() {
    }
}
