-- Repeaters and domain flags for bench/ready-query.sh. psql variables: repeaters, domains.
-- Mix (by id g, fixed, no randomness):
--   backoff category by g % 10: 0-6 never attempted (next_attempt_at NULL, 70 %),
--     7-8 backed off into the past (20 %), 9 backed off into the future (10 %);
--   deleted when (g / 10) % 20 = 19 (5 %), paused when (g / 10) % 10 = 4 (10 %): disjoint from each
--     other and spread evenly over the three backoff categories, so 85 % of repeaters are active;
--   domain 'd' || (g % domains); the first domains / 5 domains have a flag, every other one off.
-- Rows as wide as real ones (URL, headers, credentials), as in ReadyRepeaterQueryPlanTest.
INSERT INTO repeater (domain, name, url, headers, auth_type, auth_username, auth_secret,
                      is_deleted, is_paused, next_attempt_at, last_attempt_at, consecutive_failed_batches)
SELECT 'd' || (g % :domains), 'Case forwarding to partner system #' || g,
       'https://integrations.partner-' || g || '.example.org/api/v2/webhooks/receive?tenant=d' || (g % :domains),
       '{"X-Api-Version": "2024-01-01", "X-Partner-Key": "' || md5(g::text) || '"}',
       'basic', 'svc-' || g, md5(g::text || 'secret'),
       (g / 10) % 20 = 19, (g / 10) % 10 = 4,
       CASE WHEN g % 10 < 7 THEN NULL
            WHEN g % 10 < 9 THEN :'base'::timestamptz - (g % 97 + 1) * interval '1 minute'
            ELSE :'base'::timestamptz + interval '1 day' END,
       CASE WHEN g % 10 < 7 THEN NULL ELSE :'base'::timestamptz - interval '2 hours' END,
       CASE WHEN g % 10 < 7 THEN 0 ELSE 3 END
  FROM generate_series(1, :repeaters) g;

INSERT INTO domain_flag (domain, process_repeaters)
SELECT 'd' || g, g % 2 = 0 FROM generate_series(0, :domains / 5 - 1) g;
