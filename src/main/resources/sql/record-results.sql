WITH res AS (
    SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::smallint[], $4::int[], $5::text[],
                         $6::int[], $7::timestamptz[], $8::timestamptz[], $9::uuid[])
           AS t(record_id, attempt_state, record_state, http_status, message, duration_ms, attempted_at,
                next_check, claim_token)
), locked AS (
    -- Rows locked in id order: two writes that share records (a stale sender's fenced write beside
    -- the new holder's) or repeaters then queue up instead of deadlocking.
    SELECT q.id FROM repeat_record q JOIN res ON q.id = res.record_id AND q.claim_token = res.claim_token
     ORDER BY q.id
       FOR NO KEY UPDATE OF q
), rec AS (
    UPDATE repeat_record q
       SET state = res.record_state, next_check = res.next_check, attempt_count = q.attempt_count + 1,
           claim_token = NULL, updated_at = $10
      FROM res JOIN locked ON locked.id = res.record_id
     WHERE q.id = res.record_id AND q.claim_token = res.claim_token
    RETURNING q.id, q.repeater_id
), rep_locked AS (
    SELECT r.id FROM repeater r WHERE r.id = ANY($11::bigint[]) AND EXISTS (SELECT 1 FROM rec WHERE rec.repeater_id = r.id)
     ORDER BY r.id
       FOR NO KEY UPDATE OF r
), rep AS (
    UPDATE repeater r
       SET next_attempt_at = u.next_attempt_at, last_attempt_at = u.last_attempt_at, updated_at = $10,
           consecutive_failed_batches = CASE WHEN u.backed_off THEN r.consecutive_failed_batches + 1 ELSE 0 END
      FROM unnest($11::bigint[], $12::bool[], $13::timestamptz[], $14::timestamptz[])
           AS u(repeater_id, backed_off, next_attempt_at, last_attempt_at)
      JOIN rep_locked ON rep_locked.id = u.repeater_id
     WHERE r.id = u.repeater_id
)
INSERT INTO repeat_record_attempt (record_id, state, http_status, message, duration_ms, created_at)
SELECT res.record_id, res.attempt_state, res.http_status, res.message, res.duration_ms, res.attempted_at
  FROM res JOIN rec ON rec.id = res.record_id
RETURNING record_id
