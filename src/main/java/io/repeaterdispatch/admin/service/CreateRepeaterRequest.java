package io.repeaterdispatch.admin.service;

import java.util.Map;

/** Body of POST /api/v1/repeaters. Optional fields may be omitted. */
public record CreateRepeaterRequest(String domain, String name, String url, String method, Map<String, String> headers,
                                    Auth auth, Integer timeoutMs, Integer batchSize) {

    /** Endpoint credentials: {"type":"basic","username":..,"password":..} or {"type":"bearer","token":..}. */
    public record Auth(String type, String username, String password, String token) {

        @Override
        public String toString() {
            return "Auth[" + type + "]";
        }
    }
}
