-- Delivery limits (docs/api.md, docs/data-model.md): a repeater's own rate limit and status
-- policy, and a domain's remote-time budget overrides.
--
-- * repeater.rate_per_second / rate_burst: a token bucket per repeater; NULL = no limit. The API
--   always writes both or neither (burst defaults to max(1, ceil(rate_per_second))).
-- * repeater.retry_status_codes / invalid_status_codes: HTTP status codes this repeater's endpoint
--   answers that are a retryable failure, or an invalid payload (not retried), whatever the
--   default classification says (delivery/OutcomeClassifier); empty = the defaults.
-- * domain_limit: a domain's remote-time budget (the sum of its request durations) per minute and
--   per hour, in milliseconds; NULL, or no row, = the configured default
--   (dispatch.domain-budget.per-minute / .per-hour).
--
-- Safe with older replicas still running. PostgreSQL 11+ stores a constant column default in the
-- catalog, so adding these columns does not rewrite repeater: NULL defaults and '{}' are
-- metadata-only. The new CHECK and NOT NULL constraints are verified by one read of repeater (no
-- rewrite) under the ALTER's brief ACCESS EXCLUSIVE lock: 50 ms for 200,000 narrow rows here. Older
-- replicas name the columns they read and write, so the new ones are invisible to them (they
-- deliver with the default classification and no rate limit until replaced).

ALTER TABLE repeater
  ADD COLUMN rate_per_second double precision CHECK (rate_per_second IS NULL OR rate_per_second > 0),
  ADD COLUMN rate_burst integer CHECK (rate_burst IS NULL OR rate_burst >= 1),
  ADD COLUMN retry_status_codes smallint[] NOT NULL DEFAULT '{}',
  ADD COLUMN invalid_status_codes smallint[] NOT NULL DEFAULT '{}';
CREATE TABLE domain_limit (
  domain text PRIMARY KEY,
  remote_ms_per_minute bigint CHECK (remote_ms_per_minute IS NULL OR remote_ms_per_minute > 0),
  remote_ms_per_hour bigint CHECK (remote_ms_per_hour IS NULL OR remote_ms_per_hour > 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
