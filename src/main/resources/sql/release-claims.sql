UPDATE repeat_record q SET claim_token = NULL, next_check = $3, updated_at = $3
  FROM unnest($1::bigint[], $2::uuid[]) AS h(record_id, claim_token)
 WHERE q.id = h.record_id AND q.claim_token = h.claim_token AND q.state IN ({{QUEUED}})
RETURNING q.id
