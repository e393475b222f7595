WITH claimed AS (
    UPDATE repeat_record q SET lease_until = $3, claim_token = $4
     WHERE q.id = $1 AND q.state IN ({{QUEUED}}) AND q.next_check <= $2
       AND (q.lease_until IS NULL OR q.lease_until <= $2)
       AND EXISTS (SELECT 1 FROM repeater r WHERE r.id = q.repeater_id AND NOT r.is_deleted AND NOT r.is_paused
                      -- a strict repeater's record goes only as its head: none in flight before it
                      AND (r.ordering <> 'strict' OR NOT EXISTS (
                           SELECT 1 FROM repeat_record h WHERE h.repeater_id = q.repeater_id AND h.id < q.id)))
    RETURNING q.id, q.repeater_id, q.payload_id, q.payload, q.content_type, q.attempt_count, q.traceparent
)
SELECT {{ENDPOINT_COLUMNS}}, c.id AS record_id, c.payload_id, c.payload, c.content_type, c.attempt_count, c.traceparent
  FROM claimed c JOIN repeater r ON r.id = c.repeater_id
