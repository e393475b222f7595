-- The audit trail, partitioned by month of `at`, so retention (a year by default) drops whole
-- months instead of deleting rows. Copied into a new partitioned table: a table cannot become
-- partitioned in place. Ids carry over; a sequence replaces the identity (PostgreSQL 15 allows no
-- identity column on a partitioned table), and the primary key becomes a plain index on id (a
-- unique key on a partitioned table must include the partition key; ids come from one sequence).
-- Runs under an ACCESS EXCLUSIVE lock on admin_audit for the copy: audit rows are few (one per
-- mutating admin call or enqueue request), seconds even for millions of them.

-- month arithmetic in UTC, whatever the server's time zone
SET LOCAL TIME ZONE 'UTC';

ALTER TABLE admin_audit RENAME TO admin_audit_v9;
ALTER INDEX admin_audit_actor_idx RENAME TO admin_audit_v9_actor_idx;
ALTER INDEX admin_audit_pkey RENAME TO admin_audit_v9_pkey;
ALTER TABLE admin_audit_v9 ALTER COLUMN id DROP IDENTITY;

CREATE SEQUENCE admin_audit_id_seq;
SELECT setval('admin_audit_id_seq', coalesce((SELECT max(id) FROM admin_audit_v9), 0) + 1, false);

CREATE TABLE admin_audit (
    id      bigint      NOT NULL DEFAULT nextval('admin_audit_id_seq'),
    at      timestamptz NOT NULL,
    actor   text        NOT NULL,
    action  text        NOT NULL,          -- e.g. repeater.update, records.requeue
    target  text        NOT NULL,          -- e.g. repeater/12, record/7, domain/acme
    detail  jsonb       NOT NULL DEFAULT '{}'
) PARTITION BY RANGE (at);
ALTER SEQUENCE admin_audit_id_seq OWNED BY admin_audit.id;

-- catches a month no partition was made for; the partition made for it later takes its rows over
CREATE TABLE admin_audit_default PARTITION OF admin_audit DEFAULT;
CREATE INDEX admin_audit_id_idx ON admin_audit (id);
CREATE INDEX admin_audit_actor_idx ON admin_audit (actor, id);

-- Months from the oldest row's (at most twelve back; older rows go into one "admin_audit_until_<month>"
-- partition, which retention drops whole) to next month. The retention job keeps creating months
-- ahead from then on.
DO $$
DECLARE
    this_month  timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    oldest      timestamptz := (SELECT min(at) FROM admin_audit_v9);
    first_month timestamptz := greatest(date_trunc('month', coalesce(oldest, now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                                        this_month - interval '12 months');
    month       timestamptz;
BEGIN
    IF oldest < first_month THEN
        PERFORM dispatch_create_partition('admin_audit', 'admin_audit_until_' || to_char(first_month AT TIME ZONE 'UTC', 'YYYYMM'),
                                          'at', NULL, first_month);
    END IF;
    FOR month IN SELECT generate_series(first_month, this_month + interval '1 month', interval '1 month') LOOP
        PERFORM dispatch_create_partition('admin_audit', 'admin_audit_p' || to_char(month AT TIME ZONE 'UTC', 'YYYYMM'),
                                          'at', month, month + interval '1 month');
    END LOOP;
END
$$;

INSERT INTO admin_audit (id, at, actor, action, target, detail)
SELECT id, at, actor, action, target, detail FROM admin_audit_v9;

DROP TABLE admin_audit_v9;
