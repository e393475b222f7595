-- Fan-out by event type (docs/api.md "Fan-out by event type"; docs/data-model.md).
--
-- * repeater.event_types: the event types a repeater subscribes to, each a name (case.created) or a
--   prefix ending in ".*" (case.* takes case.created and case.x.y); '{}' = every event type. Sorted
--   and distinct, as the API writes it. Only POST /api/v1/domains/{domain}/events reads it: the
--   per-repeater enqueue queues whatever it is given.
-- * repeat_record.event_type, repeat_record_history.event_type: the event a fanned-out record was
--   made for; NULL for records enqueued per repeater (and for those older replicas move between
--   queue and history meanwhile, below). Shown in record views, never sent: the payload goes out
--   byte for byte as given, with the headers it always had.
-- * idempotency_key.domain, .repeater_ids: an Idempotency-Key of the fan-out route is scoped to its
--   domain (repeater_id NULL), and remembers which repeater each of its record_ids went to, so a
--   retry answers the ids per repeater. A key row has exactly one scope.
-- * repeat_record_all: the view shows event_type (added at the end: CREATE OR REPLACE VIEW may only
--   append columns).
--
-- Safe with older replicas still running: constant defaults and nullable columns are catalog-only
-- (no table rewrite; on the partitioned history and key tables each partition gets the same), the
-- CHECK is verified by one read of idempotency_key (a day or two of keys) under the ALTER's brief
-- lock, and the new index is built on that small table. Older replicas name the columns they read
-- and write: they never see event types, they keep writing per-repeater keys (repeater_id set,
-- domain NULL), and a record they move between queue and history (a result, a cancel, a resend)
-- loses its event_type (NULL afterwards) until they are replaced.

ALTER TABLE repeater
  ADD COLUMN event_types text[] NOT NULL DEFAULT '{}';

ALTER TABLE repeat_record
  ADD COLUMN event_type text;

ALTER TABLE repeat_record_history
  ADD COLUMN event_type text;

CREATE OR REPLACE VIEW repeat_record_all AS
SELECT id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
       GREATEST(next_check, lease_until) AS next_check, attempt_count, claim_token, updated_at, event_type
  FROM repeat_record
UNION ALL
SELECT id, domain, repeater_id, payload_id, payload, content_type, state, registered_at, NULL::timestamptz, attempt_count,
       NULL::uuid, finished_at, event_type
  FROM repeat_record_history;

ALTER TABLE idempotency_key
  ALTER COLUMN repeater_id DROP NOT NULL,
  ADD COLUMN domain text CHECK (length(domain) BETWEEN 1 AND 126),
  ADD COLUMN repeater_ids bigint[],
  ADD CONSTRAINT idempotency_key_one_scope_check CHECK ((repeater_id IS NULL) <> (domain IS NULL));

-- the fan-out route's lookup: one domain's key, newest first, in the partitions the window reaches
CREATE INDEX idempotency_key_domain_lookup_idx ON idempotency_key (domain, key, created_at) WHERE domain IS NOT NULL;
