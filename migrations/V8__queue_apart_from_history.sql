-- The queue apart from history (docs/data-model.md, "Queue and history").
--
-- repeat_record now holds only queued records (pending, failed): everything the ready query, the
-- claim and the result write read. A record that finishes (succeeded, cancelled, empty, invalid)
-- moves, with its id, to repeat_record_history in the statement that finishes it; requeue and
-- resend move it back. History and attempts are partitioned by day, so retention drops whole
-- partitions (retention.*, io.repeaterdispatch.retention) instead of deleting rows, and the queue
-- stays as small as the work in front of the loop, whatever the history holds.
--
-- Why a queue table plus partitioned history, not the seed reviewer's LIST partitions by state: a
-- state change across LIST partitions is a row move (delete + insert) too, but every claim, retry
-- and lease renewal would then go through the partitioned table's routing, and the queue's
-- indexes would be partitioned indexes. Here the queue is a plain table with plain indexes, and
-- only finishing pays the move, once per record.
--
-- Runs in place, in one transaction (Flyway's): it renames repeat_record_attempt first, so it holds
-- ACCESS EXCLUSIVE on the attempts from the start and on repeat_record from its constraint change
-- on, until it commits. Replicas of an older version must be stopped first: their result writes
-- would break the queue's new CHECK. Time and the online path for large tables:
-- docs/operations.md ("Upgrading to V8").

-- Creates the partition `name` of `parent` for [from_ts, to_ts) (from_ts NULL: everything before
-- to_ts) unless it exists, and moves into it the rows the parent's default partition holds for that
-- range, so a default that caught rows while no partition existed never blocks the creation.
-- Returns whether it created the partition. The service's retention job calls it too.
CREATE FUNCTION dispatch_create_partition(parent regclass, name text, key text, from_ts timestamptz, to_ts timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    default_part regclass;
BEGIN
    IF to_regclass(format('%I', name)) IS NOT NULL THEN
        RETURN false;
    END IF;
    SELECT i.inhrelid::regclass INTO default_part
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
    EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', name, parent);
    IF default_part IS NOT NULL THEN
        EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= coalesce($1, ''-infinity'') AND %I < $2 RETURNING *) '
                       'INSERT INTO %I SELECT * FROM moved', default_part, key, key, name)
          USING from_ts, to_ts;
    END IF;
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%L)', parent, name,
                   CASE WHEN from_ts IS NULL THEN 'MINVALUE' ELSE quote_literal(from_ts) END, to_ts);
    RETURN true;
END
$$;

-- The day partitions a table starts with: from the day of its oldest row (at most 90 days back,
-- the longest default retention; anything older goes into one partition "<parent>_until_<day>",
-- which retention drops whole like any other) up to a week ahead. The retention job keeps
-- creating days ahead from then on.
CREATE FUNCTION dispatch_create_first_partitions(parent regclass, key text, oldest timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    today      timestamptz := date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    first_day  timestamptz := greatest(date_trunc('day', coalesce(oldest, now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                                       today - interval '90 days');
    day        timestamptz;
    base       text := (SELECT relname FROM pg_class WHERE oid = parent);
BEGIN
    IF oldest < first_day THEN
        PERFORM dispatch_create_partition(parent, base || '_until_' || to_char(first_day AT TIME ZONE 'UTC', 'YYYYMMDD'),
                                          key, NULL, first_day);
    END IF;
    FOR day IN SELECT generate_series(first_day, today + interval '7 days', interval '1 day') LOOP
        PERFORM dispatch_create_partition(parent, base || '_p' || to_char(day AT TIME ZONE 'UTC', 'YYYYMMDD'),
                                          key, day, day + interval '1 day');
    END LOOP;
END
$$;

-- History: finished records, by retention class (LIST on state), each class by day (RANGE on
-- finished_at). No foreign key to repeater: a check per inserted row on the hot path, for
-- repeaters that are only ever soft-deleted.
CREATE TABLE repeat_record_history (
    id             bigint      NOT NULL,
    domain         text        NOT NULL,
    repeater_id    bigint      NOT NULL,
    payload_id     text        NOT NULL,
    payload        text        NOT NULL,
    content_type   text        NOT NULL,
    state          smallint    NOT NULL CHECK (state IN (4, 8, 16, 32)),
    registered_at  timestamptz NOT NULL,
    attempt_count  integer     NOT NULL,
    finished_at    timestamptz NOT NULL
) PARTITION BY LIST (state);

-- succeeded and empty: what was delivered (or had nothing to deliver)
CREATE TABLE repeat_record_history_delivered PARTITION OF repeat_record_history FOR VALUES IN (4, 16)
    PARTITION BY RANGE (finished_at);
-- cancelled and invalid payload: what was stopped, kept longer by default for investigation
CREATE TABLE repeat_record_history_stopped PARTITION OF repeat_record_history FOR VALUES IN (8, 32)
    PARTITION BY RANGE (finished_at);
-- Catch rows for days no partition was made for (the retention job down for a week, a clock far
-- off): nothing is lost, and the next partition created for that day takes them over.
CREATE TABLE repeat_record_history_delivered_default PARTITION OF repeat_record_history_delivered DEFAULT;
CREATE TABLE repeat_record_history_stopped_default PARTITION OF repeat_record_history_stopped DEFAULT;

-- The admin API's reads: by id, a repeater's or a domain's records newest first, by payload id.
CREATE INDEX repeat_record_history_id_idx ON repeat_record_history (id);
CREATE INDEX repeat_record_history_repeater_id_idx ON repeat_record_history (repeater_id, id);
-- with the state filter, like the queue's: else a busy repeater's page of one state is found by
-- walking the id index backwards past every other repeater's records (bench/admin-listing-plans.sh)
CREATE INDEX repeat_record_history_repeater_state_id_idx ON repeat_record_history (repeater_id, state, id);
CREATE INDEX repeat_record_history_domain_id_idx ON repeat_record_history (domain, id);
CREATE INDEX repeat_record_history_payload_id_idx ON repeat_record_history (domain, payload_id, id);

SELECT dispatch_create_first_partitions('repeat_record_history_delivered', 'finished_at',
       (SELECT min(updated_at) FROM repeat_record WHERE state IN (4, 16)));
SELECT dispatch_create_first_partitions('repeat_record_history_stopped', 'finished_at',
       (SELECT min(updated_at) FROM repeat_record WHERE state IN (8, 32)));

-- Attempts: by day of the attempt. Copied into a new partitioned table (a table cannot become
-- partitioned in place); ids carry over, the sequence continues after them. No foreign key to the
-- record, which moves between queue and history.
ALTER TABLE repeat_record_attempt RENAME TO repeat_record_attempt_v7;
ALTER INDEX repeat_record_attempt_record_idx RENAME TO repeat_record_attempt_v7_record_idx;
ALTER INDEX repeat_record_attempt_pkey RENAME TO repeat_record_attempt_v7_pkey;
ALTER TABLE repeat_record_attempt_v7 ALTER COLUMN id DROP IDENTITY;

CREATE SEQUENCE repeat_record_attempt_id_seq;
SELECT setval('repeat_record_attempt_id_seq', coalesce((SELECT max(id) FROM repeat_record_attempt_v7), 0) + 1, false);

CREATE TABLE repeat_record_attempt (
    id           bigint      NOT NULL DEFAULT nextval('repeat_record_attempt_id_seq'),
    record_id    bigint      NOT NULL,
    state        smallint    NOT NULL CHECK (state IN (2, 4, 16, 32)),
    http_status  integer,
    message      text        NOT NULL DEFAULT '',
    duration_ms  integer     NOT NULL,
    created_at   timestamptz NOT NULL
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE repeat_record_attempt_id_seq OWNED BY repeat_record_attempt.id;

CREATE TABLE repeat_record_attempt_default PARTITION OF repeat_record_attempt DEFAULT;
CREATE INDEX repeat_record_attempt_record_idx ON repeat_record_attempt (record_id, id);

SELECT dispatch_create_first_partitions('repeat_record_attempt', 'created_at',
       (SELECT min(created_at) FROM repeat_record_attempt_v7));

INSERT INTO repeat_record_attempt (id, record_id, state, http_status, message, duration_ms, created_at)
SELECT id, record_id, state, http_status, message, duration_ms, created_at FROM repeat_record_attempt_v7;

DROP TABLE repeat_record_attempt_v7;

-- Finished records leave the queue for history in one statement, so a writer still running
-- beside the migration cannot finish a record between a copy and a delete. (After the attempts:
-- the old attempts table's foreign key would have cascaded this delete to them.)
WITH moved AS (
    DELETE FROM repeat_record WHERE state NOT IN (1, 2)
    RETURNING id, domain, repeater_id, payload_id, payload, content_type, state, registered_at, attempt_count, updated_at
)
INSERT INTO repeat_record_history (id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
                                   attempt_count, finished_at)
SELECT * FROM moved;

-- The queue keeps only queued records, and the indexes the loop and the admin lists need.
ALTER TABLE repeat_record DROP CONSTRAINT repeat_record_next_check_iff_queued;
ALTER TABLE repeat_record DROP CONSTRAINT repeat_record_state_check;
ALTER TABLE repeat_record ADD CONSTRAINT repeat_record_state_check CHECK (state IN (1, 2));
ALTER TABLE repeat_record ALTER COLUMN next_check SET NOT NULL;

-- Queue and history as one, for the admin API's reads (and for anyone reading records with SQL).
-- A record is in exactly one of them: every move deletes and inserts in one statement. Queries
-- on it keep their quals per branch, so each branch reads its own indexes.
CREATE VIEW repeat_record_all AS
SELECT id, domain, repeater_id, payload_id, payload, content_type, state, registered_at, next_check, attempt_count,
       claim_token, updated_at
  FROM repeat_record
UNION ALL
SELECT id, domain, repeater_id, payload_id, payload, content_type, state, registered_at, NULL::timestamptz, attempt_count,
       NULL::uuid, finished_at
  FROM repeat_record_history;
