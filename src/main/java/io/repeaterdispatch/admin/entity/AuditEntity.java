package io.repeaterdispatch.admin.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.Instant;

/** One mutating admin call (see admin_audit in migrations/). */
@Entity
@Table(name = "admin_audit")
public class AuditEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public Instant at;
    public String actor;
    public String action;
    public String target;

    /**
     * JSON text; the column is jsonb so operators can query it in SQL. The text cast comes first:
     * the PostgreSQL client would bind a String to a jsonb parameter as a JSON string literal.
     */
    @ColumnTransformer(read = "detail::text", write = "?::text::jsonb")
    public String detail;
}
