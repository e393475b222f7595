-- Idempotency keys of the enqueue route (docs/api.md, "Idempotent enqueue"; docs/data-model.md).
--
-- One row per first call that carried an Idempotency-Key: the repeater and the key (keys are
-- scoped per repeater), a SHA-256 of the records the call asked for (never the body: payloads stay
-- in the queue only), the record ids it answered, and when. A retry within admin.idempotency.window
-- is answered from here. Nothing unique: a unique index on a partitioned table must hold the
-- partition key, and (repeater, key, created_at) would let a retry one second later in. Instead
-- the enqueue takes a transaction-scoped advisory lock on (repeater, key) before it looks (store/
-- RecordQueue), so concurrent retries wait for the first and then find its row.
--
-- Partitioned by day of created_at, so keys leave by whole partitions: the retention job creates
-- days ahead and drops a day once it is admin.idempotency.window (rounded up to days) plus a day
-- old. No foreign key to repeater (a check per insert, for repeaters that are only ever
-- soft-deleted, as for history).
--
-- Safe with older replicas running: a new table nothing older reads. Older replicas ignore the
-- header, so a retry they serve creates its records again until they are replaced
-- (docs/operations.md).
CREATE TABLE idempotency_key (
    repeater_id  bigint      NOT NULL,
    key          text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea       NOT NULL,
    record_ids   bigint[]    NOT NULL,
    created_at   timestamptz NOT NULL
) PARTITION BY RANGE (created_at);

-- catches a day no partition was made for; the partition made for it later takes its rows over
CREATE TABLE idempotency_key_default PARTITION OF idempotency_key DEFAULT;

-- the lookup: one repeater's key, newest first, in the partitions the window reaches
CREATE INDEX idempotency_key_lookup_idx ON idempotency_key (repeater_id, key, created_at);

-- today and the week ahead (V8's function); the retention job keeps creating days from then on
SELECT dispatch_create_first_partitions('idempotency_key', 'created_at', NULL);
