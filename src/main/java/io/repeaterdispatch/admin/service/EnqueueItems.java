package io.repeaterdispatch.admin.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.repeaterdispatch.config.AdminConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reads and checks an enqueue body: a non-empty JSON array of {"payloadId": "...", "payload": <any JSON>}. */
@ApplicationScoped
public class EnqueueItems {

    /** The records to queue, in input order: parallel lists of payload ids and payload JSON texts. */
    public record Items(List<String> payloadIds, List<String> payloads) {

        /**
         * SHA-256 (hex) of the records as they would be stored: each payload id and payload text in
         * order, each length-prefixed. Two bodies that parse to the same items match, whatever their
         * whitespace, string escapes, a decimal's trailing zeros (1.50 is stored as 1.5) or the order
         * of an item's two fields; the order of keys inside a payload counts, as it is stored and delivered.
         */
        public String fingerprint() {
            MessageDigest sha256 = sha256();
            for (int i = 0; i < payloadIds.size(); i++) {
                digest(sha256, payloadIds.get(i));
                digest(sha256, payloads.get(i));
            }
            return HexFormat.of().formatHex(sha256.digest());
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }

        private static void digest(MessageDigest sha256, String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array()); // so ["ab","c"] differs from ["a","bc"]
            sha256.update(bytes);
        }
    }

    /**
     * Fan-out events in input order: parallel lists of event types, payload ids and payload JSON
     * texts. The fingerprint is an enqueue's, each item's event type hashed first.
     */
    public record Events(List<String> eventTypes, List<String> payloadIds, List<String> payloads) {

        public String fingerprint() {
            MessageDigest sha256 = Items.sha256();
            for (int i = 0; i < payloadIds.size(); i++) {
                Items.digest(sha256, eventTypes.get(i));
                Items.digest(sha256, payloadIds.get(i));
                Items.digest(sha256, payloads.get(i));
            }
            return HexFormat.of().formatHex(sha256.digest());
        }
    }

    /** A fan-out event's fields. */
    static final Set<String> EVENT_FIELDS = Set.of("eventType", "payloadId", "payload");

    /** An item's fields; anything else is refused (the body is read as a tree, so Jackson's StrictFields cannot see them). */
    static final Set<String> ITEM_FIELDS = Set.of("payloadId", "payload");

    private final AdminConfig admin;

    public EnqueueItems(AdminConfig admin) {
        this.admin = admin;
    }

    /** Every invalid item is reported at once (400); a payload over admin.max-payload-bytes is a 413. */
    public Items read(JsonNode body) {
        Events items = parse(body, false);
        return new Items(items.payloadIds(), items.payloads());
    }

    /**
     * A fan-out body: a non-empty JSON array of {"eventType": "...", "payloadId": "...", "payload":
     * <any JSON>}, checked as an enqueue's items are, each event type a name (EventTypes).
     */
    public Events readEvents(JsonNode body) {
        return parse(body, true);
    }

    private Events parse(JsonNode body, boolean events) {
        String shape = events ? "{\"eventType\": \"...\", \"payloadId\": \"...\", \"payload\": <JSON>}"
                : "{\"payloadId\": \"...\", \"payload\": <JSON>}";
        if (body == null || !body.isArray() || body.isEmpty()) {
            throw ApiException.badRequest("body must be a non-empty JSON array of " + shape);
        }
        if (body.size() > admin.maxEnqueueItems()) {
            throw ApiException.badRequest("at most " + admin.maxEnqueueItems() + " " + (events ? "events" : "records") + " per call, got "
                    + body.size());
        }
        Set<String> fields = events ? EVENT_FIELDS : ITEM_FIELDS;
        List<String> eventTypes = new ArrayList<>(events ? body.size() : 0);
        List<String> payloadIds = new ArrayList<>(body.size());
        List<String> payloads = new ArrayList<>(body.size());
        List<ApiException.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            JsonNode item = body.get(i);
            JsonNode payloadId = item.get("payloadId");
            if (!item.isObject()) {
                errors.add(new ApiException.FieldError("[" + i + "]", "must be an object"));
                continue;
            }
            Iterator<String> names = item.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!fields.contains(name)) {
                    errors.add(ApiException.unknownField("[" + i + "]." + name, fields)); // payload's own fields are its business
                }
            }
            JsonNode eventType = item.get("eventType");
            if (events && (eventType == null || !eventType.isTextual() || !EventTypes.isName(eventType.asText()))) {
                errors.add(new ApiException.FieldError("[" + i + "].eventType", "required; " + EventTypes.RULE));
            }
            if (payloadId == null || !payloadId.isTextual() || payloadId.asText().isBlank() || payloadId.asText().length() > 255
                    || RepeaterValidator.hasControl(payloadId.asText()) || RepeaterValidator.hasLoneSurrogate(payloadId.asText())) {
                errors.add(new ApiException.FieldError("[" + i + "].payloadId", "required; a string of 1-255 characters, no control characters or lone surrogates"));
            }
            if (!item.has("payload")) {
                errors.add(new ApiException.FieldError("[" + i + "].payload", "required; any JSON value"));
                continue;
            }
            String payload = item.get("payload").toString();
            if (RepeaterValidator.hasLoneSurrogate(payload)) {
                // JSON may spell one ("\ud800"), but UTF-8 cannot hold it: stored, it became '?'
                errors.add(new ApiException.FieldError("[" + i + "].payload", "not valid Unicode: a lone surrogate (\\ud800-\\udfff)"));
                continue;
            }
            if (payload.getBytes(StandardCharsets.UTF_8).length > admin.maxPayloadBytes()) {
                throw new ApiException(413, "Payload Too Large",
                        "record [" + i + "] payload exceeds " + admin.maxPayloadBytes() + " bytes", null);
            }
            if (events) {
                eventTypes.add(eventType == null ? null : eventType.asText());
            }
            payloadIds.add(payloadId == null ? null : payloadId.asText());
            payloads.add(payload);
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new Events(eventTypes, payloadIds, payloads);
    }
}
