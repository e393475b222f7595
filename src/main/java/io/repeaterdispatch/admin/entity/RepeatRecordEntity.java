package io.repeaterdispatch.admin.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;
import java.util.UUID;

/**
 * Admin-side, read-only view of a repeat record, wherever it is: the view repeat_record_all joins
 * the queue and history (records are written set-wise by the store and by admin.repository's
 * transition statements).
 */
@Entity
@Immutable
@Table(name = "repeat_record_all")
public class RepeatRecordEntity extends PanacheEntityBase {

    @Id
    public Long id;

    public String domain;

    @Column(name = "repeater_id")
    public long repeaterId;

    @Column(name = "payload_id")
    public String payloadId;

    @Column(name = "content_type")
    public String contentType;

    public short state;

    @Column(name = "registered_at")
    public Instant registeredAt;

    @Column(name = "next_check")
    public Instant nextCheck;

    @Column(name = "attempt_count")
    public int attemptCount;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The event a fan-out made this record for; null for a record enqueued per repeater. */
    @Column(name = "event_type")
    public String eventType;

    /** Set while a dispatcher holds the record; admin transitions clear it, fencing out that dispatcher's write. */
    @Column(name = "claim_token")
    public UUID claimToken;
}
