package io.repeaterdispatch.admin.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One delivery attempt of a record (inserted set-wise by the store, read here). */
@Entity
@Table(name = "repeat_record_attempt")
public class AttemptEntity extends PanacheEntityBase {

    @Id
    public Long id;

    @Column(name = "record_id")
    public long recordId;

    public short state;

    @Column(name = "http_status")
    public Integer httpStatus;

    public String message;

    @Column(name = "duration_ms")
    public int durationMs;

    @Column(name = "created_at")
    public Instant createdAt;
}
