WITH held AS (
    SELECT * FROM unnest($1::bigint[], $2::uuid[]) AS h(record_id, claim_token)
), locked AS (
    -- in id order, like the result write, so a renewal beside a batch's own result write queues
    -- up instead of deadlocking
    SELECT q.id FROM repeat_record q JOIN held ON q.id = held.record_id AND q.claim_token = held.claim_token
     ORDER BY q.id
       FOR NO KEY UPDATE OF q
)
-- Fenced by the claim token: a record whose outcome was written, or that was handed back or
-- claimed by someone else after its lease ended, is left alone. Only ever moves a lease later.
UPDATE repeat_record q SET lease_until = $3
  FROM held JOIN locked ON locked.id = held.record_id
 WHERE q.id = held.record_id AND q.claim_token = held.claim_token AND q.state IN ({{QUEUED}})
   AND q.lease_until < $3
RETURNING q.id
