package io.repeaterdispatch.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything that shapes the dispatch loop; keys live under {@code dispatch.*}. */
@ConfigMapping(prefix = "dispatch")
public interface DispatchConfig {

    /** Master switch of both dispatch paths (the admin API keeps working when off). */
    @WithDefault("true")
    boolean enabled();

    /** How often both paths look for records and repeaters that became due with time; wake-ups cover everything else. */
    @WithDefault("1s")
    Duration tick();

    /** Path for domains without a flag: true = per-repeater loop, false = legacy per-record path. */
    @WithDefault("true")
    boolean processRepeatersDefault();

    /** Upper bound of any repeater's batch size (the seed's MAX_REPEATER_WORKERS). */
    @WithDefault("144")
    int maxBatchSize();

    /** Requests in flight across the whole process, both paths together. */
    @WithDefault("256")
    int maxInFlight();

    /**
     * How long a claim leases a record (its lease_until): a crashed worker's records are due again
     * after it. Renewed every third of it while the record's request runs, so it bounds recovery, not requests.
     */
    @WithDefault("20s")
    Duration claimLease();

    /** On shutdown, how long running turns get to finish sending, record their outcomes and release locks. */
    @WithDefault("20s")
    Duration shutdownGrace();

    /** Failed attempts after which a record is cancelled. */
    @WithDefault("6")
    int maxAttempts();

    /** Listen for enqueue notifications from PostgreSQL, so every replica picks new records up at once. */
    @WithDefault("true")
    boolean listenForEnqueues();

    /** Upper bound of any one delivery request (a repeater's own timeout is capped at it). */
    @WithDefault("5m")
    Duration maxRequestTimeout();

    /**
     * Rows one ready query returns (a page; the loop asks for the next as soon as a full page has
     * started). The query orders the 4 × this longest-waiting ready repeaters into domain turns.
     */
    @WithDefault("1000")
    int readyQueryLimit();

    RepeaterBackoff repeaterBackoff();

    RecordRetry recordRetry();

    Lock lock();

    Http http();

    Legacy legacy();

    Metrics metrics();

    Slow slow();

    Limits limits();

    DomainBudget domainBudget();

    Signing signing();

    Lifecycle lifecycle();

    /** Disabling dead endpoints and telling the operator (docs/api.md, "Disabled endpoints"). */
    interface Lifecycle {
        /**
         * A repeater whose batches have all failed for this long (on the per-repeater path) is
         * disabled at its next failing batch. 0s: never by time (a 410 and the opt-in header still disable).
         */
        @WithDefault("5d")
        Duration disableAfter();

        /** Where each disable is announced (a signed POST); unset: no notification. */
        Optional<String> notifyUrl();

        /** The whsec_ secret that signs the notifications; required with notify-url. A secret: never logged nor answered. */
        Optional<String> notifySecret();

        /** Attempts per notification (1 s, 5 s, 25 s … apart) before it is given up, logged. */
        @WithDefault("3")
        int notifyAttempts();

        /** Bound of one notification request. */
        @WithDefault("10s")
        Duration notifyTimeout();
    }

    /** Standard Webhooks signatures on every delivery (docs/api.md, "Signatures"). */
    interface Signing {
        /**
         * After a repeater's signing secret is rotated, how long the secret it replaced is still
         * sent beside the new one (two signatures), so receivers can switch without refusing
         * deliveries. 0s: the old secret stops at once.
         */
        @WithDefault("24h")
        Duration rotationOverlap();
    }

    /**
     * Respecting endpoints and sharing the workers (docs/limits.md): per-repeater rates, per-domain
     * budgets of remote time, adaptive concurrency and each domain's share of the delivery slots.
     */
    interface Limits {
        /** Off: no rate, budget or adaptive concurrency applies (every batch at its batch size, as before). */
        @WithDefault("true")
        boolean enabled();

        /** While other domains wait, no domain holds more than this share of {@code dispatch.max-in-flight}. */
        @WithDefault("0.5")
        double domainShare();

        /** How often each replica re-reads the configured rates and budgets (admin changes take effect within it). */
        @WithDefault("5s")
        Duration refresh();
    }

    /** Repeater backoff after a batch in which every attempt failed: clamp(2 × since last failure, min, max). */
    interface RepeaterBackoff {
        @WithDefault("5m")
        Duration min();

        @WithDefault("7d")
        Duration max();
    }

    /** A failed record's own wait: min × factor^(attempts − 1), capped at max. */
    interface RecordRetry {
        @WithDefault("5m")
        Duration min();

        @WithDefault("7d")
        Duration max();

        @WithDefault("3")
        int factor();
    }

    interface Lock {
        /** Prefix of every Redis key this service writes (tests use one per run). */
        @WithDefault("repeater-dispatch:")
        String keyPrefix();

        /** Lock expiry; a running batch extends it every third of this, so it bounds recovery after a crash. */
        @WithDefault("15s")
        Duration ttl();
    }

    interface Http {
        /** Connection pool size per remote host (should be >= max-batch-size for full parallelism). */
        @WithDefault("144")
        int maxConnectionsPerHost();

        @WithDefault("10s")
        Duration connectTimeout();

        /** Bytes of a response body kept as the attempt message. */
        @WithDefault("1024")
        int responseExcerptBytes();

        /**
         * Sent as {@code X-Dispatch-Replica} on every delivery when set (fault-injection runs tell
         * replicas apart with it); unset by default, so endpoints learn nothing about our hosts.
         */
        Optional<String> replicaId();
    }

    interface Legacy {
        /** Records the legacy path scans for per poll (the poll runs every dispatch tick). */
        @WithDefault("100")
        int maxPerPoll();
    }

    /**
     * Repeaters whose requests are slow (a request of their last batch took at least
     * {@code threshold} or timed out) share at most {@code max-in-flight} slots, so hanging
     * endpoints cannot take the slots healthy repeaters need.
     */
    interface Slow {
        @WithDefault("10s")
        Duration threshold();

        @WithDefault("64")
        int maxInFlight();
    }

    /**
     * The remote time (the sum of its requests' durations) a domain may spend per minute and per
     * hour, unless its domain_limit row says otherwise (admin API: /domains/{domain}/limits).
     * Requests run in parallel, so remote time can exceed wall time: the defaults are far above
     * what a healthy small tenant uses, and bind only a domain whose endpoints are slow at volume.
     */
    interface DomainBudget {
        @WithDefault("30m")
        Duration perMinute();

        @WithDefault("10h")
        Duration perHour();
    }

    interface Metrics {
        /** How often the backlog gauges (due records, ready and backed-off repeaters) are recounted. */
        @WithDefault("15s")
        Duration backlogRefresh();

        /** Statement timeout of that count, so a slow database never makes counts pile up. */
        @WithDefault("5s")
        Duration backlogTimeout();

        /**
         * Domains whose remote time (what their budget measures) gets a series of its own; all
         * others count under {@code domain="other"}. Opt-in, so tenants never multiply series unasked.
         */
        Optional<List<String>> budgetDomains();
    }
}
