package io.repeaterdispatch.admin.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A domain's own remote-time budget; a null column, or no row, means the configured default (dispatch.domain-budget.*). */
@Entity
@Table(name = "domain_limit")
public class DomainLimitEntity extends PanacheEntityBase {

    @Id
    public String domain;

    @Column(name = "remote_ms_per_minute")
    public Long remoteMsPerMinute;

    @Column(name = "remote_ms_per_hour")
    public Long remoteMsPerHour;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
