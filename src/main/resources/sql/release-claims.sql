WITH released AS (
    -- the lease ends now; next_check (when it was due) stays: a HOT update
    UPDATE repeat_record q SET claim_token = NULL, lease_until = NULL, updated_at = $3
      FROM unnest($1::bigint[], $2::uuid[]) AS h(record_id, claim_token)
     WHERE q.id = h.record_id AND q.claim_token = h.claim_token AND q.state IN ({{QUEUED}})
    RETURNING q.id, q.repeater_id
), rep_locked AS (
    -- in id order, like the result write, so the two queue up instead of deadlocking
    SELECT r.id FROM repeater r WHERE r.id IN (SELECT repeater_id FROM released)
     ORDER BY r.id
       FOR NO KEY UPDATE OF r
), due AS (
    UPDATE repeater r SET next_due_at = LEAST(r.next_due_at, $3), due_version = r.due_version + 1
      FROM rep_locked WHERE r.id = rep_locked.id
)
SELECT id FROM released
