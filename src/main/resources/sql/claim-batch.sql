WITH want AS (
    -- one row per repeater: its batch limit and the claim token of its batch
    SELECT * FROM unnest($1::bigint[], $3::int[], $5::uuid[]) AS w(repeater_id, lim, token)
), rep AS (
    -- a strict repeater sends one record at a time (its head), whatever the batch limit
    SELECT r.*, CASE WHEN r.ordering = 'strict' THEN 1 ELSE w.lim END AS lim, w.token, r.ordering = 'strict' AS strict
      FROM want w JOIN repeater r ON r.id = w.repeater_id
     WHERE NOT r.is_deleted AND NOT r.is_paused
       AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= $2)
       AND COALESCE((SELECT f.process_repeaters FROM domain_flag f WHERE f.domain = r.domain), $6)
), due AS (
    -- each repeater's oldest due records, one more than its limit (locked, not leased) to tell
    -- whether more remain; an index range of the queued index per repeater. A strict repeater's
    -- branch is its head (lowest id) only, and only when that is due and free: nothing behind a
    -- head that waits may overtake it (docs/architecture.md, "Strict ordering"). Each branch's
    -- condition on rep is a one-time filter: the other branch costs nothing.
    SELECT rep.id AS repeater_id, d.id, d.next_check, rep.lim, rep.token, rep.strict
      FROM rep CROSS JOIN LATERAL (
           -- (each branch in FROM: a set operation's own members may not lock rows)
           SELECT * FROM (
               SELECT q.id, q.next_check FROM repeat_record q
                WHERE NOT rep.strict AND q.repeater_id = rep.id AND q.state IN ({{QUEUED}}) AND q.next_check <= $2
                  AND (q.lease_until IS NULL OR q.lease_until <= $2)
                ORDER BY q.next_check, q.id
                LIMIT rep.lim + 1
                  FOR UPDATE OF q SKIP LOCKED) parallel_due
           UNION ALL
           SELECT * FROM (
               SELECT q.id, q.next_check FROM repeat_record q
                WHERE rep.strict AND q.next_check <= $2
                  AND q.id = (SELECT h.id FROM repeat_record h WHERE h.repeater_id = rep.id AND h.state IN ({{QUEUED}})
                               ORDER BY h.id LIMIT 1)
                  AND (q.lease_until IS NULL OR q.lease_until <= $2)
                  FOR UPDATE OF q SKIP LOCKED) strict_head) d
), ranked AS (
    SELECT due.*, row_number() OVER (PARTITION BY repeater_id ORDER BY next_check, id) AS n,
           count(*) OVER (PARTITION BY repeater_id) AS found
      FROM due
), picked AS (
    -- more: a parallel repeater found past its limit; a strict one has a record behind its head
    SELECT repeater_id, id, token,
           CASE WHEN strict THEN EXISTS (SELECT 1 FROM repeat_record b WHERE b.repeater_id = ranked.repeater_id AND b.id > ranked.id)
                ELSE found > lim END AS more
      FROM ranked WHERE n <= lim
), claimed AS (
    -- lease_until and claim_token are in no index: a HOT update (V9)
    UPDATE repeat_record q SET lease_until = $4, claim_token = picked.token
      FROM picked WHERE q.id = picked.id
    RETURNING q.id, q.repeater_id, q.payload_id, q.payload, q.content_type, q.attempt_count, q.traceparent, picked.more
), picked_of AS (
    -- each repeater's claimed record ids, one row per repeater that got any
    SELECT repeater_id, array_agg(id) AS ids FROM picked GROUP BY repeater_id
), rep_locked AS (
    -- repeater rows locked in id order, as the result write does, so the two never deadlock
    SELECT r.id FROM repeater r WHERE r.id IN (SELECT id FROM rep) ORDER BY r.id FOR NO KEY UPDATE OF r
), served AS (
    -- Each repeater's next_due_at without the records just claimed (due again at $4, their lease
    -- end), and the claim time, which sends it behind every repeater that has waited longer. An
    -- empty claim writes it too: it corrects a next_due_at left early. Recomputed from this
    -- statement's snapshot (rep), so kept only if no enqueue moved it since (due_version).
    UPDATE repeater r
       SET next_due_at = CASE WHEN r.due_version <> rep.due_version THEN r.next_due_at
                              -- strict: its head decides; a claimed head is due again at its lease end
                              WHEN rep.strict THEN CASE WHEN mine.ids IS NOT NULL THEN $4 ELSE repeater_head_due(rep.id, '{}', NULL, NULL) END
                              ELSE LEAST(repeater_earliest_queued(rep.id, COALESCE(mine.ids, '{}')),
                                         CASE WHEN mine.ids IS NOT NULL THEN $4 END) END,
           last_batch_at = CASE WHEN mine.ids IS NOT NULL THEN $2 ELSE r.last_batch_at END,
           due_version = r.due_version + 1
      FROM rep JOIN rep_locked ON rep_locked.id = rep.id
      LEFT JOIN picked_of mine ON mine.repeater_id = rep.id
     WHERE r.id = rep.id
)
SELECT {{ENDPOINT_COLUMNS}}, c.id AS record_id, c.payload_id, c.payload, c.content_type, c.attempt_count, c.traceparent, c.more
  FROM rep r JOIN claimed c ON c.repeater_id = r.id
 ORDER BY r.id, c.id
