package io.repeaterdispatch.admin.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** One audit entry as the API shows it. */
public record AuditView(long id, Instant at, String actor, String action, String target, JsonNode detail) {
}
