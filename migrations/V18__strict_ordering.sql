-- Strict ordering per repeater (docs/architecture.md, "Strict ordering"): a repeater with
-- ordering = 'strict' sends one record at a time, its head (the queued record with the lowest id,
-- i.e. registered first), and nothing behind a head that waits for its retry may overtake it.
--
-- * repeater.ordering: 'parallel' (the default: batches sent at once, oldest due first) or 'strict'.
-- * repeater_head_due(): when a strict repeater can next be dispatched: its head's next check, or
--   its lease end while it is held. next_due_at stays a lower bound as V6 defines it (everything
--   that lowers it for parallel repeaters keeps it early for strict ones, which costs at most one
--   empty claim); the claim and the result write compute it exactly for strict repeaters, so a
--   head waiting for its retry does not make the repeater ready because of the records behind it.
-- * For a strict repeater, a record leaving the queue other than through the result write (an
--   operator's cancel) can make the repeater due earlier: the service lowers next_due_at then.
--
-- Safe with older replicas still running: the constant default is catalog-only (no rewrite), the
-- CHECK is one read under the ALTER's brief lock. Older replicas ignore the column and dispatch
-- strict repeaters in parallel until replaced; roll out before setting "ordering": "strict".

ALTER TABLE repeater
  ADD COLUMN ordering text NOT NULL DEFAULT 'parallel' CHECK (ordering IN ('parallel', 'strict'));

-- The head after a write that changed but_records: kept_id / kept_due is the lowest-id record of
-- those that the write keeps queued (a retried head) and its new next check, NULL when none.
-- STABLE: it reads the calling statement's snapshot, like repeater_earliest_queued (V6, V11).
CREATE FUNCTION repeater_head_due(of_repeater bigint, but_records bigint[], kept_id bigint, kept_due timestamptz)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN kept_id IS NOT NULL AND (head.id IS NULL OR kept_id < head.id) THEN kept_due
                ELSE GREATEST(head.next_check, head.lease_until) END
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (
           SELECT q.id, q.next_check, q.lease_until FROM repeat_record q
            WHERE q.repeater_id = of_repeater AND q.state IN (1, 2) AND q.id <> ALL (but_records)
            ORDER BY q.id LIMIT 1) head ON true
$$;
