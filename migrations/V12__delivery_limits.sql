-- TEMPORARY placeholder (replaced by the admin branch's V12 at merge)
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
