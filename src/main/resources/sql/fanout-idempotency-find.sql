-- The latest use of domain $1's fan-out key $2 since $3 (the window's start), whether its request
-- hash equals $4 (hex), and what it answered: record_ids, each one's repeater in repeater_ids.
SELECT request_hash = decode($4::text, 'hex') AS same_request, record_ids, repeater_ids
  FROM idempotency_key
 WHERE domain = $1 AND key = $2 AND created_at > $3
 ORDER BY created_at DESC
 LIMIT 1
