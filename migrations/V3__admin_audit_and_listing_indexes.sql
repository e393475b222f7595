-- Admin API: the audit trail, and indexes for keyset-paginated record listings.

-- Every mutating admin call: who (the token's configured name), what, when, and for changes of a
-- single object its state before and after. Append-only; listed newest first.
CREATE TABLE admin_audit (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz NOT NULL,
    actor   text        NOT NULL,
    action  text        NOT NULL,          -- e.g. repeater.update, records.requeue
    target  text        NOT NULL,          -- e.g. repeater/12, record/7, domain/acme
    detail  jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX admin_audit_actor_idx ON admin_audit (actor, id);

-- Records of a repeater, newest first, optionally by state: keyset pages walk (repeater_id, id)
-- or (repeater_id, state, id) backwards. The latter replaces the (repeater_id, state) index,
-- whose job (counts by state) it still does.
CREATE INDEX repeat_record_repeater_id_idx ON repeat_record (repeater_id, id);
CREATE INDEX repeat_record_repeater_state_id_idx ON repeat_record (repeater_id, state, id);
DROP INDEX repeat_record_repeater_state_idx;

-- Records of a domain, newest first; payload lookups keep (domain, payload_id), now with id for
-- the page order.
CREATE INDEX repeat_record_domain_id_idx ON repeat_record (domain, id);
CREATE INDEX repeat_record_payload_id_idx ON repeat_record (domain, payload_id, id);
DROP INDEX repeat_record_payload_idx;
