-- Serializes the enqueues that carry one repeater's ($1) Idempotency-Key ($2) until the end of the
-- transaction, so a concurrent retry looks only after the first has committed its records and
-- its key. The two-integer form has a key space of its own (the retention job's lock uses the
-- one-bigint form); 1768187245 is "idem" in ASCII. Different keys may share a hash: they then
-- only wait for each other. Called in FROM, so the client has no void value to decode.
SELECT 1 FROM pg_advisory_xact_lock(1768187245, hashtext($1::bigint::text || '/' || $2::text))
