-- The latest use of repeater $1's key $2 since $3 (the window's start), whether its request hash
-- equals $4 (hex), and the record ids it answered. Partitions older than $3 are pruned.
SELECT request_hash = decode($4::text, 'hex') AS same_request, record_ids
  FROM idempotency_key
 WHERE repeater_id = $1 AND key = $2 AND created_at > $3
 ORDER BY created_at DESC
 LIMIT 1
