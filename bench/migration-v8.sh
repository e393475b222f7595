#!/usr/bin/env bash
# How long V8 (queue apart from history) takes in place on a large database: builds a scratch
# database at V7 holding N records (default 2,000,000; 11 % queued, the rest finished over the
# last 120 days) and one attempt per tried record, then applies V8 in one transaction, as Flyway
# does, and times it. Scratch database v8_bench on the local PostgreSQL, dropped at the end.
#   bench/migration-v8.sh [records]
set -euo pipefail
cd "$(dirname "$0")/.."
bin/services >/dev/null
N=${1:-2000000}
DB=v8_bench
P=(psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)
"${P[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap '"${P[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null' EXIT
cat migrations/V[1-7]__*.sql | "${P[@]}" -d $DB >/dev/null
start=$(date +%s.%N)
"${P[@]}" -d $DB <<SQL
INSERT INTO repeater (domain, name, url) SELECT 'd' || (i % 300), 'r' || i, 'https://x' || i || '.example.org/' FROM generate_series(1, 2000) i;
INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check, attempt_count, updated_at)
SELECT 'd' || (r % 300), r, 'case-' || g, '{"case_id": "' || g || '", "form": {"q1": "yes"}}', s,
       now() - (g % 120) * interval '1 day', CASE WHEN s IN (1, 2) THEN now() END, CASE WHEN s = 1 THEN 0 ELSE 1 END,
       now() - (g % 120) * interval '1 day'
  FROM (SELECT g, 1 + g % 2000 AS r, CASE WHEN g % 100 < 6 THEN 1 WHEN g % 100 < 11 THEN 2 WHEN g % 100 < 13 THEN 8 ELSE 4 END AS s
          FROM generate_series(1, $N) g) x;
INSERT INTO repeat_record_attempt (record_id, state, http_status, message, duration_ms, created_at)
SELECT id, CASE WHEN state = 8 THEN 2 ELSE state END, 200, 'ok', 10, updated_at FROM repeat_record WHERE state <> 1;
VACUUM ANALYZE;
SQL
loaded=$(date +%s.%N)
size=$("${P[@]}" -d $DB -tA -c "SELECT pg_size_pretty(pg_total_relation_size('repeat_record') + pg_total_relation_size('repeat_record_attempt'))")
{ echo 'BEGIN;'; cat migrations/V8__*.sql; echo 'COMMIT;'; } | "${P[@]}" -d $DB >/dev/null
done_at=$(date +%s.%N)
counts=$("${P[@]}" -d $DB -tA -F ' / ' -c "SELECT (SELECT count(*) FROM repeat_record), (SELECT count(*) FROM repeat_record_history), (SELECT count(*) FROM repeat_record_attempt), (SELECT count(*) FROM pg_partition_tree('repeat_record_history') t JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf) + (SELECT count(*) FROM pg_partition_tree('repeat_record_attempt') WHERE isleaf)")
echo "records: $N ($size with attempts and indexes), loaded in $(awk -v a="$start" -v b="$loaded" 'BEGIN {printf "%.0f", b - a}') s"
echo "V8 in one transaction: $(awk -v a="$loaded" -v b="$done_at" 'BEGIN {printf "%.1f", b - a}') s"
echo "after: queue / history / attempts / leaf partitions = $counts"
