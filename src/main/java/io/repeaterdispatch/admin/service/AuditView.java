package io.repeaterdispatch.admin.service;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** One audit entry as the API shows it. */
public record AuditView(long id, Instant at, String actor, String action, String target,
                        @Schema(implementation = Object.class, description = "what the call changed, as a JSON object: the repeater "
                                + "before and after, a bulk change's filter and count, an enqueue's id range, ... (docs/api.md, \"Audit trail\")")
                        JsonNode detail) {
}
