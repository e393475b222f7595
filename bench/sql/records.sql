-- Repeat records with ids :first .. :last for bench/ready-query.sh; run it again with the next id
-- range to grow the table. psql variables: first, last, repeaters, domains, base (the load time
-- every timestamp is relative to), seed (setseed, so a run is repeatable).
--
-- Skew: a record goes to the repeater of rank k = floor(repeaters * u^3), u uniform in [0, 1):
-- at 2,000 repeaters rank 0 gets ~8 % of all records, the top 1 % of ranks ~21 %, the smallest
-- repeater ~1/6,000 (about 1,000 records at 6.3M). Ranks map to ids by 1 + k * 7919 mod repeaters
-- (a permutation), so big repeaters land in every category of repeaters.sql.
-- Queues by rank (the biggest 5 % of ranks are always "normal"):
--   k % 7 = 3: nothing queued, every record finished;
--   k % 7 = 5: 12.2 % of records queued, none due (failed, next_check a day after load);
--   otherwise: 12.2 % of records queued: 70 % pending and due, 15 % failed and due, 15 % failed
--              and not due before tomorrow.
-- Finished records: 85 % succeeded, 8 % cancelled, 4 % empty, 3 % invalid payload.
-- About 11 % of all records end up queued (the seed thread: ~670k queued of ~6.3M); the script
-- prints the exact counts. Queued records go to the queue, finished ones to history (V8), from one
-- generated set so a seed gives the same data as before.
SELECT setseed(:seed);
WITH gen AS (
    SELECT g AS id, 'd' || (rid % :domains) AS domain, rid AS repeater_id, 'case-' || g AS payload_id,
           '{"case_id": "' || g || '", "xmlns": "http://openrosa.org/formdesigner/5C1D6A1E", "form": {"q1": "yes"}}' AS payload,
           CASE WHEN NOT queued THEN CASE WHEN v < 0.85 THEN 4 WHEN v < 0.93 THEN 8 WHEN v < 0.97 THEN 16 ELSE 32 END
                WHEN NOT none_due AND v < 0.7 THEN 1
                ELSE 2 END AS state,
           reg AS registered_at,
           CASE WHEN NOT queued THEN NULL
                WHEN NOT none_due AND v < 0.85 THEN :'base'::timestamptz - (v * 3600)::int * interval '1 second'
                ELSE :'base'::timestamptz + interval '1 day' + (v * 3600)::int * interval '1 second' END AS next_check,
           CASE WHEN NOT queued OR (NOT none_due AND v < 0.7) THEN 0 ELSE 1 END AS attempt_count,
           reg AS updated_at
      FROM (SELECT g, 1 + (k * 7919) % :repeaters AS rid, v, reg,
                   NOT (k >= :repeaters / 20 AND k % 7 = 3) AND w < 0.122 AS queued,
                   k >= :repeaters / 20 AND k % 7 = 5 AS none_due
              FROM (SELECT g, floor(:repeaters * power(random(), 3))::int AS k, random() AS v, random() AS w,
                           :'base'::timestamptz - interval '400 days' + g * interval '1 second' AS reg
                      FROM generate_series(:first::bigint, :last::bigint) g OFFSET 0) a) b
), queued AS (
    INSERT INTO repeat_record (id, domain, repeater_id, payload_id, payload, state, registered_at, next_check, attempt_count,
                               updated_at)
    SELECT * FROM gen WHERE state IN (1, 2)
)
INSERT INTO repeat_record_history (id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
                                   attempt_count, finished_at)
SELECT id, domain, repeater_id, payload_id, payload, 'application/json', state, registered_at, attempt_count, updated_at
  FROM gen WHERE state NOT IN (1, 2);
