#!/usr/bin/env bash
# What retention costs: one day of delivered history (N records, default 1,000,000) dropped the way
# the retention job does it (DETACH PARTITION + DROP TABLE, as PartitionCatalog.drop), side by side
# with removing an identical day by DELETE, the way a table without partitions would have to. Both
# days sit beside a live day that keeps its rows. Reports the time of each, and what is left
# behind: dead tuples and the size of what stays. Scratch database retention_bench, dropped at the end.
#   bench/retention-drop.sh [records-per-day]
set -euo pipefail
cd "$(dirname "$0")/.."
bin/services >/dev/null
N=${1:-1000000}
DB=retention_bench
P=(psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)
"${P[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap '"${P[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null' EXIT
cat $(ls migrations/V*__*.sql | sort -V) | PGOPTIONS="-c client_min_messages=error" "${P[@]}" -d $DB >/dev/null
q() { "${P[@]}" -d $DB -tA -c "$1"; }
# three past days 40, 41 and 42 days back: one to drop, one to delete, one that stays
"${P[@]}" -d $DB >/dev/null <<SQL
SET TIME ZONE 'UTC';
SELECT dispatch_create_partition('repeat_record_history_delivered', 'repeat_record_history_delivered_p' || to_char(d, 'YYYYMMDD'),
                                 'finished_at', d, d + interval '1 day')
  FROM (SELECT date_trunc('day', now()) - k * interval '1 day' AS d FROM generate_series(40, 42) k) days;
INSERT INTO repeat_record_history (id, domain, repeater_id, payload_id, payload, content_type, state, registered_at,
                                   attempt_count, finished_at)
SELECT g, 'd' || (g % 300), 1 + g % 2000, 'case-' || g, '{"case_id": "' || g || '", "form": {"q1": "yes"}}',
       'application/json', 4, day - interval '1 minute', 1, day + (g % 86400) * interval '1 second'
  FROM generate_series(1, 3 * $N) g
 CROSS JOIN LATERAL (SELECT date_trunc('day', now()) - (40 + (g - 1) / $N) * interval '1 day' AS day) d;
VACUUM ANALYZE repeat_record_history;
SQL
day() { q "SET TIME ZONE 'UTC'; SELECT 'repeat_record_history_delivered_p' || to_char(date_trunc('day', now()) - $1 * interval '1 day', 'YYYYMMDD')" | tail -1; }
DROPPED=$(day 40) DELETED=$(day 41) KEPT=$(day 42)
size() { q "SELECT pg_total_relation_size('$1')"; }
echo "history: 3 days of $N delivered records each, $(q "SELECT pg_size_pretty(pg_total_relation_size('$DROPPED'))") a day with its indexes"
kept_before=$(size "$KEPT")
t0=$(date +%s.%N)
q "BEGIN; SET LOCAL lock_timeout = 2000; ALTER TABLE repeat_record_history_delivered DETACH PARTITION $DROPPED; DROP TABLE $DROPPED; COMMIT;" >/dev/null
t1=$(date +%s.%N)
deleted_before=$(size "$DELETED")
q "DELETE FROM repeat_record_history WHERE finished_at >= (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '41 days')
     AND finished_at < (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '40 days')" >/dev/null
t2=$(date +%s.%N)
q "SELECT pg_stat_force_next_flush()" >/dev/null 2>&1 || true
sleep 1 # the statistics collector's counters reach pg_stat_user_tables after the statement's transaction
dead=$(q "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = '$DELETED'")
ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", (b - a) * 1000}'; }
echo "drop a day (DETACH + DROP): $(ms "$t0" "$t1") ms; the partition is gone, nothing left behind; the day beside it: $kept_before -> $(size "$KEPT") bytes"
echo "delete a day (DELETE):      $(ms "$t1" "$t2") ms; left behind: $dead dead tuples and $deleted_before bytes still allocated ($(size "$DELETED") after), until VACUUM (and VACUUM FULL to return them)"
echo "ratio: DELETE / DROP = $(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {printf "%.0f", (c - b) / (b - a)}')x"
