package io.repeaterdispatch.admin.service;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The repeater and its new signing secret: the answer of a create and of a signing-secret rotation,
 * the only two responses that ever carry the secret. Every other response, audit entry and log line
 * uses {@link RepeaterView}, which has no place for it.
 */
public record RepeaterWithSecret(@JsonUnwrapped RepeaterView repeater,
                                 @Schema(description = "The signing secret (whsec_ and base64): answered this once, never readable "
                                         + "again. Receivers verify deliveries with it (Standard Webhooks).")
                                 String signingSecret) {

    @Override
    public String toString() {
        return "RepeaterWithSecret[" + repeater.id() + ", signingSecret=***]";
    }
}
