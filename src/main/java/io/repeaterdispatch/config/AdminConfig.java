package io.repeaterdispatch.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Admin API settings; keys live under {@code admin.*}. */
@ConfigMapping(prefix = "admin")
public interface AdminConfig {

    /**
     * API tokens, comma separated, each {@code name:role:secret} with role read or admin and secret
     * {@code sha256:<hex digest of the token>} or the token itself (REPEATER_ADMIN_TOKENS). None
     * set: every call is refused. See AdminTokens.
     */
    Optional<List<String>> tokens();

    /** Most records one enqueue call may carry (more: 400). */
    @WithDefault("1000")
    int maxEnqueueItems();

    /** Largest single payload, in bytes of its JSON text (larger: 413). */
    @WithDefault("1048576")
    int maxPayloadBytes();

    Idempotency idempotency();

    FanOut fanOut();

    interface FanOut {
        /**
         * Most records one fan-out call (POST /api/v1/domains/{domain}/events) may make: its events
         * times the repeaters subscribed to each. More: 413, nothing queued.
         */
        @WithDefault("100000")
        int maxRecords();
    }

    interface Idempotency {
        /**
         * How long an enqueue's Idempotency-Key answers a retry with the first call's records;
         * its table keeps a day partition this long rounded up to days, plus one (retention).
         */
        @WithDefault("24h")
        Duration window();
    }
}
