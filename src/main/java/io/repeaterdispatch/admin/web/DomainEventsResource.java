package io.repeaterdispatch.admin.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.repeaterdispatch.admin.service.FanOutService;
import io.repeaterdispatch.admin.service.FanOutService.FanOutResponse;
import io.repeaterdispatch.admin.service.IdempotencyKey;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;

/** Fan-out by event type: one call queues each event for every repeater of the domain subscribed to its type. */
@Tag(name = "Domains")
@Path("/api/v1/domains/{domain}/events")
@Produces(MediaType.APPLICATION_JSON)
public class DomainEventsResource {

    private final FanOutService fanOut;

    public DomainEventsResource(FanOutService fanOut) {
        this.fanOut = fanOut;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "publishEvents", summary = "Fan events out to the domain's subscribed repeaters",
            description = "A JSON array of {eventType, payloadId, payload} (at most admin.max-enqueue-items per call). Each event is queued "
                    + "once for every repeater of the domain that is not deleted (paused ones included: their records wait) and subscribes to "
                    + "its type (eventTypes: a name, a prefix such as case.*, or [] for every type), all in one statement or none. Answers the "
                    + "record ids per repeater; no subscriber (or no repeater at all) is a 202 with {}. More records than "
                    + "admin.fan-out.max-records is a 413 and queues nothing. With an Idempotency-Key, a retry of the same events within "
                    + "admin.idempotency.window queues nothing and answers the first call's 202 (with Idempotent-Replayed: true); the same "
                    + "key with other events is a 422.")
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, required = false,
            description = "Makes the call safe to retry: 1-255 printable ASCII characters, scoped to this domain. Within admin.idempotency.window "
                    + "(24h) the same key with the same events (same items in the same order) answers the first call's records and queues "
                    + "nothing; with other events it is a 422.",
            schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = 255, pattern = "^[ -~]+$"),
            example = "case-4711-created")
    @Parameter(name = "traceparent", in = ParameterIn.HEADER, required = false,
            description = "W3C trace context (docs/operations.md, Tracing): stored with the records; each of their deliveries continues this trace and sends it on to the receiver. A malformed value is ignored.",
            schema = @Schema(type = SchemaType.STRING, pattern = "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"),
            example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    @APIResponse(responseCode = "202", description = "queued (or nothing to queue): the record ids per repeater id",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FanOutResponse.class),
                    examples = @ExampleObject(name = "two events, three subscribers", value = ApiExamples.FAN_OUT_ANSWER)))
    @APIResponse(responseCode = "400", ref = "BadRequest", description = "invalid events (each named: [0].eventType), an unknown field, a bad domain name or Idempotency-Key")
    @APIResponse(responseCode = "413", ref = "PayloadTooLarge", description = "more records than admin.fan-out.max-records, a payload over admin.max-payload-bytes, or the body over the size limit: nothing queued")
    @APIResponse(responseCode = "422", ref = "UnprocessableContent", description = "the Idempotency-Key was used with other events within admin.idempotency.window: nothing queued")
    public Uni<RestResponse<FanOutResponse>> publish(@PathParam("domain") String domain,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = ApiSchemas.FanOutEvent.class, minItems = 1),
                    examples = @ExampleObject(name = "two events", value = ApiExamples.FAN_OUT))) JsonNode body,
            @Context HttpServerRequest request, @Context SecurityContext who) {
        List<String> keys = request.headers().getAll(IdempotencyKey.HEADER);
        if (keys.size() > 1) {
            throw IdempotencyKey.several(keys.size());
        }
        return fanOut.publish(domain, body, keys.isEmpty() ? null : keys.get(0), Callers.name(who), TraceContexts.of(request))
                .map(done -> done.replayed()
                        ? RestResponse.ResponseBuilder.create(RestResponse.Status.ACCEPTED, done.response())
                                .header(RepeaterRecordsResource.REPLAYED_HEADER, "true").build()
                        : RestResponse.status(RestResponse.Status.ACCEPTED, done.response()));
    }
}
