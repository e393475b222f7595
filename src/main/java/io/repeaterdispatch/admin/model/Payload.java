package io.repeaterdispatch.admin.model;

/** A record's payload exactly as queued, with its content type. */
public record Payload(String body, String contentType) {
}
