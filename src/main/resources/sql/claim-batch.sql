WITH rep AS (
    SELECT r.* FROM repeater r
     WHERE r.id = $1 AND NOT r.is_deleted AND NOT r.is_paused
       AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= $2)
       AND COALESCE((SELECT f.process_repeaters FROM domain_flag f WHERE f.domain = r.domain), $6)
), due AS (
    SELECT q.id, q.next_check FROM repeat_record q
     WHERE q.repeater_id = (SELECT id FROM rep) AND q.state IN ({{QUEUED}}) AND q.next_check <= $2
       AND (q.lease_until IS NULL OR q.lease_until <= $2)
     ORDER BY q.next_check, q.id
     LIMIT $3 + 1
     FOR UPDATE SKIP LOCKED
), picked AS (
    SELECT id FROM due ORDER BY next_check, id LIMIT $3
), claimed AS (
    -- lease_until and claim_token are in no index: a HOT update (V9)
    UPDATE repeat_record q SET lease_until = $4, claim_token = $5
      FROM picked WHERE q.id = picked.id
    RETURNING q.id, q.payload_id, q.payload, q.content_type, q.attempt_count
), served AS (
    -- The repeater's next_due_at without the records just claimed (due again at $4, their lease
    -- end), and the claim time, which sends it behind every repeater that has waited longer. An
    -- empty claim writes it too: it corrects a next_due_at left early. Recomputed from this
    -- statement's snapshot, so kept only if no enqueue moved it since (due_version).
    UPDATE repeater r
       SET next_due_at = CASE WHEN r.due_version = rep.due_version
                              THEN LEAST(repeater_earliest_queued(rep.id, ARRAY(SELECT id FROM picked)),
                                         CASE WHEN EXISTS (SELECT 1 FROM picked) THEN $4 END)
                              ELSE r.next_due_at END,
           last_batch_at = CASE WHEN EXISTS (SELECT 1 FROM picked) THEN $2 ELSE r.last_batch_at END,
           due_version = r.due_version + 1
      FROM rep WHERE r.id = rep.id
)
SELECT {{ENDPOINT_COLUMNS}}, c.id AS record_id, c.payload_id, c.payload, c.content_type, c.attempt_count,
       (SELECT count(*) FROM due) > $3 AS more
  FROM rep r JOIN claimed c ON true
 ORDER BY c.id
