WITH want AS (
    -- one row per repeater: its batch limit and the claim token of its batch
    SELECT * FROM unnest($1::bigint[], $3::int[], $5::uuid[]) AS w(repeater_id, lim, token)
), rep AS (
    SELECT r.*, w.lim, w.token FROM want w JOIN repeater r ON r.id = w.repeater_id
     WHERE NOT r.is_deleted AND NOT r.is_paused
       AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= $2)
       AND COALESCE((SELECT f.process_repeaters FROM domain_flag f WHERE f.domain = r.domain), $6)
), due AS (
    -- each repeater's oldest due records, one more than its limit (locked, not leased) to tell
    -- whether more remain; an index range of the queued index per repeater
    SELECT rep.id AS repeater_id, d.id, d.next_check, rep.lim, rep.token
      FROM rep CROSS JOIN LATERAL (
           SELECT q.id, q.next_check FROM repeat_record q
            WHERE q.repeater_id = rep.id AND q.state IN ({{QUEUED}}) AND q.next_check <= $2
              AND (q.lease_until IS NULL OR q.lease_until <= $2)
            ORDER BY q.next_check, q.id
            LIMIT rep.lim + 1
              FOR UPDATE OF q SKIP LOCKED) d
), ranked AS (
    SELECT due.*, row_number() OVER (PARTITION BY repeater_id ORDER BY next_check, id) AS n,
           count(*) OVER (PARTITION BY repeater_id) AS found
      FROM due
), picked AS (
    SELECT repeater_id, id, token, found > lim AS more FROM ranked WHERE n <= lim
), claimed AS (
    -- lease_until and claim_token are in no index: a HOT update (V9)
    UPDATE repeat_record q SET lease_until = $4, claim_token = picked.token
      FROM picked WHERE q.id = picked.id
    RETURNING q.id, q.repeater_id, q.payload_id, q.payload, q.content_type, q.attempt_count, picked.more
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
       SET next_due_at = CASE WHEN r.due_version = rep.due_version
                              THEN LEAST(repeater_earliest_queued(rep.id, COALESCE(mine.ids, '{}')),
                                         CASE WHEN mine.ids IS NOT NULL THEN $4 END)
                              ELSE r.next_due_at END,
           last_batch_at = CASE WHEN mine.ids IS NOT NULL THEN $2 ELSE r.last_batch_at END,
           due_version = r.due_version + 1
      FROM rep JOIN rep_locked ON rep_locked.id = rep.id
      LEFT JOIN picked_of mine ON mine.repeater_id = rep.id
     WHERE r.id = rep.id
)
SELECT {{ENDPOINT_COLUMNS}}, c.id AS record_id, c.payload_id, c.payload, c.content_type, c.attempt_count, c.more
  FROM rep r JOIN claimed c ON c.repeater_id = r.id
 ORDER BY r.id, c.id
