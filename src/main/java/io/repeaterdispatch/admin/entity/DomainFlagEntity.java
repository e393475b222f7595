package io.repeaterdispatch.admin.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A domain's process-repeaters flag; no row means the configured default. */
@Entity
@Table(name = "domain_flag")
public class DomainFlagEntity extends PanacheEntityBase {

    @Id
    public String domain;

    @Column(name = "process_repeaters")
    public boolean processRepeaters;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
