-- The first use of repeater $1's key $2: the request's hash $3 (hex), the record ids $4 it
-- answered, at $5. No body and nothing secret: a retry is answered from the ids alone.
INSERT INTO idempotency_key (repeater_id, key, request_hash, record_ids, created_at)
VALUES ($1, $2, decode($3::text, 'hex'), $4::bigint[], $5)
