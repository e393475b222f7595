-- Serializes the fan-out calls that carry one domain's ($1) Idempotency-Key ($2) until the end of
-- the transaction, as idempotency-lock.sql does per repeater: same key space ("idem"), a text that
-- no repeater's ("<digits>/<key>") can equal. A shared hash only makes two keys wait for each other.
SELECT 1 FROM pg_advisory_xact_lock(1768187245, hashtext('domain:' || $1::text || '/' || $2::text))
