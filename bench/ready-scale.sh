#!/usr/bin/env bash
# The ready query against the number of repeaters, side by side with the V5 query shape (the
# UNION ALL that probed the queued-records index once per active repeater), in one run:
# for each "repeaters ready" pair, a scratch database built from migrations/ (plus V5's dropped
# index, so the old shape runs as it did), every repeater holding a record due in an hour and
# `ready` of them one due now; then 25 EXPLAIN ANALYZE runs of each statement (execution time,
# server side, sequential scans off as the service runs it), median printed.
#   bench/ready-scale.sh                         # 2000:20 20000:200 100000:1000 2000:1000 20000:1000 20000:10000 100000:50000
#   bench/ready-scale.sh 100000:1000 ...         # pairs of your own
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=("$@"); [ ${#PAIRS[@]} -gt 0 ] || PAIRS=(2000:20 20000:200 100000:1000 2000:1000 20000:1000 20000:10000 100000:50000)
DB=rd_bench_ready_scale
export PGOPTIONS="-c client_min_messages=warning"
P=(psql -h 127.0.0.1 -U postgres -qtAX -v ON_ERROR_STOP=1)
./mvnw -B -q compile   # the statement as this tree has it
NEW=$(java -cp target/classes io.repeaterdispatch.store.SqlStatements ready-repeaters)
OLD=$(cat bench/sql/v5-ready-query.sql)
bind() { sed "s/\\\$1/now()/g; s/\\\$2/true/g; s/\\\$3/$2/g" <<<"$1"; }
median_ms() { # statement -> median execution time of 25 runs
  for _ in $(seq 1 25); do echo "SET enable_seqscan = off; EXPLAIN (ANALYZE, FORMAT JSON) $(bind "$1" 1000);"; done \
    | "${P[@]}" -d $DB | grep -o '"Execution Time": [0-9.]*' | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
echo "| repeaters | ready | ready query p50 (ms) | V5 shape p50 (ms) | V5 / now |"
echo "|---:|---:|---:|---:|---:|"
for pair in "${PAIRS[@]}"; do
  N=${pair%:*} R=${pair#*:}
  "${P[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  cat $(ls migrations/V*.sql | sort -V) | "${P[@]}" -d $DB >/dev/null
  "${P[@]}" -d $DB <<SQL
CREATE INDEX repeater_ready_idle_idx ON repeater (id) INCLUDE (domain, batch_size) WHERE next_attempt_at IS NULL AND NOT is_deleted AND NOT is_paused;
INSERT INTO repeater (domain, name, url) SELECT 'd' || (g % 3000), 'r' || g, 'https://x' || g || '.example.org/' FROM generate_series(1, $N) g;
INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check)
SELECT 'd' || (g % 3000), g, 'f' || g, '{}', 1, now(), now() + interval '1 hour' FROM generate_series(1, $N) g;
INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, state, registered_at, next_check)
SELECT 'd' || (g % 3000), g, 'p' || g, '{}', 1, now(), now() - interval '1 minute' FROM generate_series(1, $N, $N / $R) g;
VACUUM ANALYZE;
SQL
  found=$("${P[@]}" -d $DB -c "SELECT count(*) FROM ($(bind "$NEW" 1000000)) x")
  [ "$found" = "$R" ] || { echo "the ready query found $found ready repeaters, expected $R" >&2; exit 1; }
  new=$(median_ms "$NEW"); old=$(median_ms "$OLD")
  echo "| $N | $R | $new | $old | $(awk -v a="$old" -v b="$new" 'BEGIN {printf "%.1f×", a / b}') |"
done
"${P[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB"
