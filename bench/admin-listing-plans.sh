#!/usr/bin/env bash
# Plans and timings of the admin API's list queries at 1M records (the SQL Hibernate sends,
# written out), with a deep keyset page beside the same page fetched by OFFSET. Uses a scratch
# database (admin_bench, dropped at the end) on the local PostgreSQL; about a minute.
#   bench/admin-listing-plans.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin/services >/dev/null
PSQL=(psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)
DB=admin_bench
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" 2>/dev/null
trap '"${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null' EXIT
cat $(ls migrations/V*.sql | sort -V) | "${PSQL[@]}" -d $DB
"${PSQL[@]}" -d $DB <<'SQL'
INSERT INTO repeater (domain, name, url) SELECT 'd' || (i % 300), 'r' || i, 'http://x/' FROM generate_series(1, 2000) i;
-- 1M records: repeater 1 is a busy tenant with 200k, the rest spread evenly; 11 % queued (in the
-- queue), the rest finished (in history, spread over the last 10 days' partitions)
CREATE TEMP TABLE gen AS
SELECT g AS id, r.domain, r.id AS repeater_id, 'p' || g AS payload_id, '{}' AS payload, s.state,
       now() - (g || ' seconds')::interval AS registered_at
  FROM generate_series(1, 1000000) g
  JOIN repeater r ON r.id = CASE WHEN g <= 200000 THEN 1 ELSE 2 + (g % 1999) END
  CROSS JOIN LATERAL (SELECT CASE WHEN g % 100 < 6 THEN 1 WHEN g % 100 < 11 THEN 2
                                  WHEN g % 100 < 13 THEN 8 ELSE 4 END::smallint AS state) s;
SELECT dispatch_create_partition(c, c::text || '_p' || to_char(d, 'YYYYMMDD'), 'finished_at', d, d + interval '1 day')
  FROM unnest(ARRAY['repeat_record_history_delivered', 'repeat_record_history_stopped']::regclass[]) c,
       generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '10 days',
                       date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', interval '1 day') d;
INSERT INTO repeat_record (id, domain, repeater_id, payload_id, payload, state, registered_at, next_check)
SELECT id, domain, repeater_id, payload_id, payload, state, registered_at, now() FROM gen WHERE state IN (1, 2);
INSERT INTO repeat_record_history (id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
                                   attempt_count, finished_at)
SELECT id, domain, repeater_id, payload_id, payload, 'application/json', state, registered_at, 1,
       now() - (id % 10) * interval '1 day' FROM gen WHERE state NOT IN (1, 2);
VACUUM ANALYZE;
SQL
run() { # label, query: prints the plan's scans and its execution time
  echo "== $1"
  "${PSQL[@]}" -d $DB -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $2" | grep -E 'Scan|Execution Time' | sed 's/^ */   /'
}
run "records of the busy repeater, failed, first page" \
  "SELECT id FROM repeat_record_all WHERE repeater_id = 1 AND id < 9223372036854775807 AND state IN (2) ORDER BY id DESC LIMIT 51"
run "records of the busy repeater, succeeded (history), first page" \
  "SELECT id FROM repeat_record_all WHERE repeater_id = 1 AND id < 9223372036854775807 AND state IN (4) ORDER BY id DESC LIMIT 51"
run "records of the busy repeater, any state, first page" \
  "SELECT id FROM repeat_record_all WHERE repeater_id = 1 AND id < 9223372036854775807 ORDER BY id DESC LIMIT 51"
run "one record by id (in history)" \
  "SELECT * FROM repeat_record_all WHERE id = 500003"
run "same, keyset page ~180 pages deep" \
  "SELECT id FROM repeat_record_all WHERE repeater_id = 1 AND id < 20000 AND state IN (2) ORDER BY id DESC LIMIT 51"
run "same position by OFFSET (what keyset avoids)" \
  "SELECT id FROM repeat_record_all WHERE repeater_id = 1 AND state IN (2) ORDER BY id DESC OFFSET 9000 LIMIT 51"
run "records of a domain, deep keyset page" \
  "SELECT id FROM repeat_record_all WHERE domain = 'd1' AND id < 100000 ORDER BY id DESC LIMIT 51"
run "queued counts for a page of 50 repeaters (busy one included)" \
  "SELECT repeater_id, state, count(*) FROM repeat_record WHERE repeater_id IN (SELECT generate_series(1, 50)) AND state IN (1, 2) GROUP BY repeater_id, state"
run "domains page with flags and queued counts" \
  "WITH page AS (SELECT domain FROM (SELECT domain FROM repeater UNION SELECT domain FROM domain_flag) d WHERE domain > '' ORDER BY domain LIMIT 51)
   SELECT p.domain, f.process_repeaters,
          (SELECT count(*) FROM repeater r WHERE r.domain = p.domain AND NOT r.is_deleted),
          (SELECT count(*) FROM repeater r JOIN repeat_record q ON q.repeater_id = r.id AND q.state IN (1, 2) WHERE r.domain = p.domain AND q.state = 1),
          (SELECT count(*) FROM repeater r JOIN repeat_record q ON q.repeater_id = r.id AND q.state IN (1, 2) WHERE r.domain = p.domain AND q.state = 2)
     FROM page p LEFT JOIN domain_flag f ON f.domain = p.domain ORDER BY p.domain"
