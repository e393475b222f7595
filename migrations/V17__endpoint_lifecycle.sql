-- Endpoint lifecycle (docs/api.md "Disabled endpoints"): a repeater whose endpoint answers 410 Gone,
-- asks to be disabled (webhook-delivery: disable, if the repeater opted in) or has failed every
-- batch for dispatch.lifecycle.disable-after is disabled: paused, with a reason, by the result write
-- that saw it (src/main/resources/sql/record-results.sql). POST /repeaters/{id}/resume re-enables it.
--
-- * repeater.failing_since: when the repeater's current streak of wholly failed batches began (the
--   per-repeater path's batches); NULL while it is healthy. Cleared by any batch the endpoint
--   answered, by a pause, a resume and a new URL.
-- * repeater.disabled_at / disabled_reason: when and why the service disabled it ('gone',
--   'receiver-requested', 'failing'); the same write sets is_paused, so the ready query, its
--   partial index and the legacy scan need no change: a disabled repeater is a paused one with a
--   reason. A CHECK keeps the two NULL together.
-- * repeater.honor_disable_header: the repeater opted in to webhook-delivery: disable.
--
-- Safe with older replicas still running: constant defaults are catalog-only (no rewrite of
-- repeater), the CHECK is verified by one read under the ALTER's brief lock, and older replicas
-- name the columns they read and write. An older replica's resume leaves disabled_at set with
-- is_paused false; the API shows a repeater as disabled only while it is also paused, and the
-- next disable overwrites both columns.
ALTER TABLE repeater
  ADD COLUMN failing_since timestamptz,
  ADD COLUMN disabled_at timestamptz,
  ADD COLUMN disabled_reason text,
  ADD COLUMN honor_disable_header boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT repeater_disabled_check CHECK ((disabled_at IS NULL) = (disabled_reason IS NULL));

-- The disabled repeaters, for the gauge (store/BacklogQuery) and GET /repeaters?disabled=true: a
-- scan of the few disabled rows, not of the table. Its columns change only when a repeater is
-- disabled or resumed, so the hot path's updates of the row stay HOT.
CREATE INDEX repeater_disabled_idx ON repeater (id) WHERE disabled_at IS NOT NULL AND is_paused AND NOT is_deleted;
