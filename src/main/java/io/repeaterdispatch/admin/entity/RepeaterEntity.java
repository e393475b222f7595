package io.repeaterdispatch.admin.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Admin-side view of a repeater row. The dispatch loop never goes through it (see store). */
@Entity
@Table(name = "repeater")
public class RepeaterEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String domain;
    public String name;
    public String url;

    @Column(name = "http_method")
    public String httpMethod;

    /** JSON object of extra headers. */
    public String headers;

    @Column(name = "auth_type")
    public String authType;

    @Column(name = "auth_username")
    public String authUsername;

    /** Write-only: never put in a response or a log line. */
    @Column(name = "auth_secret")
    public String authSecret;

    @Column(name = "timeout_ms")
    public int timeoutMs;

    @Column(name = "batch_size")
    public int batchSize;

    /** Requests per second; null = no rate limit (then burst is null too). */
    @Column(name = "rate_per_second")
    public Double ratePerSecond;

    @Column(name = "rate_burst")
    public Integer rateBurst;

    /** HTTP status codes this repeater retries / takes as invalid payloads (core.StatusPolicy), sorted, distinct. */
    @Column(name = "retry_status_codes")
    public short[] retryStatusCodes = new short[0];

    @Column(name = "invalid_status_codes")
    public short[] invalidStatusCodes = new short[0];

    /** "parallel" or "strict" (one record at a time, in id order; migrations/V18). */
    @Column(name = "ordering")
    public String ordering = "parallel";

    /** Sign deliveries (Standard Webhooks); the schema's default is true (migrations/V15). */
    @Column(name = "signing_enabled")
    public boolean signingEnabled = true;

    /** The whsec_ signing secret, encrypted (security.SecretCipher). Write-only: never in a response after the one that made it, nor a log line. */
    @Column(name = "signing_secret")
    public String signingSecret;

    /** The secret the last rotation replaced, encrypted; still sent until {@link #signingPreviousValidUntil}. Write-only. */
    @Column(name = "signing_previous_secret")
    public String signingPreviousSecret;

    @Column(name = "signing_previous_valid_until")
    public Instant signingPreviousValidUntil;

    @Column(name = "signing_rotated_at")
    public Instant signingRotatedAt;

    /** Event types this repeater takes from a fan-out: names and "prefix.*" entries, sorted, distinct; empty = every type (migrations/V16). */
    @Column(name = "event_types")
    public String[] eventTypes = new String[0];

    @Column(name = "is_paused")
    public boolean paused;

    @Column(name = "is_deleted")
    public boolean deleted;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;

    @Column(name = "consecutive_failed_batches")
    public int consecutiveFailedBatches;

    /** The start of the current streak of wholly failed batches; null while healthy (migrations/V17). */
    @Column(name = "failing_since")
    public Instant failingSince;

    /** Set with is_paused by the result write that disabled the repeater; cleared by a resume. */
    @Column(name = "disabled_at")
    public Instant disabledAt;

    /** gone, receiver-requested or failing; null with disabledAt. */
    @Column(name = "disabled_reason")
    public String disabledReason;

    /** The repeater's {@code lifecycle.honorDisableHeader}: a webhook-delivery: disable answer disables it. */
    @Column(name = "honor_disable_header")
    public boolean honorDisableHeader;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Override
    public String toString() {
        return "Repeater[" + id + ", " + domain + "/" + name + "]";
    }
}
