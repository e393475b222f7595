-- The repeaters that carry a rate limit, for the limits every replica re-reads each
-- dispatch.limits.refresh (store/LimitRows): a scan of the few repeaters with a rate instead of the
-- whole table. Partial on a column the hot path never changes, so it blocks no HOT update of the
-- repeater row (the claim and the result write change only next_due_at, due_version and backoff).
CREATE INDEX repeater_rate_limited_idx ON repeater (id) INCLUDE (rate_per_second, rate_burst)
    WHERE rate_per_second IS NOT NULL AND NOT is_deleted;
