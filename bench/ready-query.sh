#!/usr/bin/env bash
# Benchmark scenario 1: the ready-repeater query at seed scale, then with 3x the records.
#
# Loads a scratch database (schema from migrations/, the same files Flyway applies) with 2,000
# repeaters over 300 domains and 6.3M repeat records (~11 % queued), times the service's ready
# query (extracted at run time from ReadyRepeaterQuery.java) next to the seed thread's first
# query shape (bench/sql/seed-ready-query.sql), then triples the records and times both again.
# Writes bench/results/ready-query-<date>.md. About 10 minutes on 2 cores; see bench/README.md.
#
#   bench/ready-query.sh            # the full run
#   bench/ready-query.sh --smoke    # (or SMOKE=1) tiny data, 5 runs each: the whole pipeline in seconds
#
# Knobs (environment): BENCH_REPEATERS, BENCH_DOMAINS, BENCH_RECORDS, BENCH_GROWTH (3),
# BENCH_RUNS_SERVICE, BENCH_RUNS_SEED, BENCH_DB, BENCH_OUT (results file), BENCH_KEEP=1 (keep the
# scratch database for a closer look; drop it yourself). BENCH_GROWTH=1 measures the 1x data only.
# PGHOST/PGPORT/PGUSER as for psql (defaults 127.0.0.1, 5432, postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
START=$(date +%s)
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

SMOKE=${SMOKE:-0}
for arg in "$@"; do
  case $arg in
    --smoke) SMOKE=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --smoke)" >&2; exit 2 ;;
  esac
done
DATE=$(date -u +%F)
if [ "$SMOKE" = 1 ]; then
  REPEATERS=${BENCH_REPEATERS:-200} DOMAINS=${BENCH_DOMAINS:-30} RECORDS=${BENCH_RECORDS:-20000}
  RUNS_SERVICE=${BENCH_RUNS_SERVICE:-5} RUNS_SEED=${BENCH_RUNS_SEED:-5} WARMUP_SERVICE=2 WARMUP_SEED=1
  DB=${BENCH_DB:-rd_bench_ready_smoke}
  OUT=${BENCH_OUT:-bench/results/smoke/ready-query-$DATE.md}
else
  REPEATERS=${BENCH_REPEATERS:-2000} DOMAINS=${BENCH_DOMAINS:-300} RECORDS=${BENCH_RECORDS:-6300000}
  RUNS_SERVICE=${BENCH_RUNS_SERVICE:-200} RUNS_SEED=${BENCH_RUNS_SEED:-20} WARMUP_SERVICE=20 WARMUP_SEED=3
  DB=${BENCH_DB:-rd_bench_ready}
  OUT=${BENCH_OUT:-bench/results/ready-query-$DATE.md}
fi
GROWTH=${BENCH_GROWTH:-3}
COMMAND="bench/ready-query.sh${*:+ $*}"
[ "$SMOKE" = 1 ] && [ $# = 0 ] && COMMAND="SMOKE=1 bench/ready-query.sh"

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
log() { printf '[%4ss] %s\n' $(( $(date +%s) - START )) "$*" >&2; }

bin/services >/dev/null

WORK=$(mktemp -d)
cleanup() {
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "kept the database $DB (BENCH_KEEP=1): psql -h $PGHOST -U $PGUSER $DB; DROP DATABASE $DB when done"
  else
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the two statements --------------------------------------------------------------------------
# The service's query is printed by the service's own code (store.SqlStatements, which loads
# src/main/resources/sql/ready-repeaters.sql and resolves its state tokens), so it cannot drift.
bin/package-if-stale >&2
APP_CP="target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*"
java -cp "$APP_CP" io.repeaterdispatch.store.SqlStatements ready-repeaters > "$WORK/service.sql"
grep -q '\$3' "$WORK/service.sql" || { echo "the ready query printed by SqlStatements has no \$3 (row cap)" >&2; exit 1; }
grep -v '^[[:space:]]*--' bench/sql/seed-ready-query.sql | sed -E 's/;[[:space:]]*$//' > "$WORK/seed.sql"
# The parameters the dispatch loop passes (RepeaterDispatchLoop: readyQuery.find(clock.now(),
# config.processRepeatersDefault(), config.readyQueryLimit())), as the packaged service reads them.
{ read -r FLAG_DEFAULT; read -r LIMIT; } < <(java -cp "$APP_CP" io.repeaterdispatch.config.EffectiveConfig \
  dispatch.process-repeaters-default dispatch.ready-query-limit)
[[ $FLAG_DEFAULT =~ ^(true|false)$ && $LIMIT =~ ^[0-9]+$ ]] || { echo "cannot read the dispatch defaults (config.EffectiveConfig)" >&2; exit 1; }
# Both prepared with the types the reactive client binds (OffsetDateTime -> timestamptz, boolean,
# Integer -> int4). The service's client sends an unnamed statement per call (Quarkus'
# cache-prepared-statements defaults to false), which PostgreSQL always plans with the actual
# values; force_custom_plan gives psql's PREPARE/EXECUTE the same custom plans, for both queries.
{
  echo "SET plan_cache_mode = force_custom_plan;"
  echo "PREPARE service_q(timestamptz, boolean, integer) AS"; cat "$WORK/service.sql"; echo ";"
  echo "PREPARE seed_q(timestamptz) AS"; cat "$WORK/seed.sql"; echo ";"
} > "$WORK/prepare.sql"
SERVICE_EXEC="EXECUTE service_q(now(), $FLAG_DEFAULT, $LIMIT)"
SEED_EXEC="EXECUTE seed_q(now())"

# --- schema --------------------------------------------------------------------------------------
log "scratch database $DB on $PGHOST:$PGPORT"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null 2>&1
Q() { "${PSQL[@]}" -d "$DB" -At "$@"; }
cat $(ls migrations/V*.sql | sort -V) | "${PSQL[@]}" -d "$DB" >/dev/null
# Bulk loads go in without repeat_record's secondary indexes and foreign key, which are then rebuilt
# from their own definitions as the migrations created them (pg_get_indexdef / constraintdef): the
# timed queries always run on the real indexes, and loading is 3-4x faster than row by row upkeep.
Q -c "SELECT pg_get_indexdef(i.indexrelid) || ';' FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'repeat_record'::regclass AND NOT i.indisprimary ORDER BY c.relname" > "$WORK/indexes.sql"
Q -c "SELECT format('ALTER TABLE repeat_record ADD CONSTRAINT %I %s;', conname, pg_get_constraintdef(oid))
       FROM pg_constraint WHERE conrelid = 'repeat_record'::regclass AND contype = 'f' ORDER BY conname" > "$WORK/fkeys.sql"
Q -c "SELECT format('DROP INDEX %I;', c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'repeat_record'::regclass AND NOT i.indisprimary ORDER BY c.relname" > "$WORK/drop-indexes.sql"
Q -c "SELECT format('ALTER TABLE repeat_record DROP CONSTRAINT %I;', conname)
       FROM pg_constraint WHERE conrelid = 'repeat_record'::regclass AND contype = 'f' ORDER BY conname" > "$WORK/drop-fkeys.sql"
grep -q repeat_record_queued_idx "$WORK/indexes.sql" || { echo "migrations lost repeat_record_queued_idx?" >&2; exit 1; }

BASE=$(date -u +'%Y-%m-%d %H:%M:%S+00')   # every generated timestamp is relative to this
VARS=(-v repeaters="$REPEATERS" -v domains="$DOMAINS" -v base="$BASE")
LOAD_SETTINGS="SET synchronous_commit = off; SET maintenance_work_mem = '1GB';"

load_records() { # first last seed
  cat "$WORK/drop-fkeys.sql" "$WORK/drop-indexes.sql" | Q >/dev/null
  { echo "$LOAD_SETTINGS"; } | cat - bench/sql/records.sql \
    | Q "${VARS[@]}" -v first="$1" -v last="$2" -v seed="$3" >/dev/null
  log "  records $1..$2 inserted; rebuilding indexes and the foreign key"
  { echo "$LOAD_SETTINGS"; cat "$WORK/indexes.sql" "$WORK/fkeys.sql"; } | Q >/dev/null
  log "  VACUUM ANALYZE"
  Q -c "VACUUM ANALYZE" >/dev/null
}

# --- measuring -----------------------------------------------------------------------------------
pct() { # p (0-100) < numbers: nearest-rank percentile
  sort -g | awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "NaN"; exit } i = int((p * NR + 99) / 100); if (i < 1) i = 1; printf "%.3f", v[i] }'
}
timed_runs() { # exec-statement warmup runs -> one "Execution Time" (ms) per line, after the warm-up
  {
    cat "$WORK/prepare.sql"
    for _ in $(seq "$(( $2 + $3 ))"); do echo "EXPLAIN (ANALYZE, TIMING OFF) $1;"; done
  } | Q | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p' | tail -n "$3"
}
plan() { # exec-statement -> the full plan with buffers, once
  { cat "$WORK/prepare.sql"; echo "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $1;"; } | Q
}
summary() { # plan text -> the plan's nodes with rows, and its execution time, for the terminal
  grep -E 'Scan|Join|Nested Loop|Append|Gather|Limit|Hash|Subquery|Execution Time|JIT:' \
    | grep -vE 'Hash Cond|Buckets' | sed -E 's/\(actual time=[^ ]+ /(/; s/^/    /'
}

probes() { # plan text -> loops over repeat_record_queued_idx, summed
  sed -n 's/.*Scan using repeat_record_queued_idx .* loops=\([0-9]*\)).*/\1/p' | awk '{ n += $1 } END { print n + 0 }'
}
top_buffers() { # plan text -> the first (top node's) "Buffers:" figures
  sed -n 's/^ *Buffers: \(.*\)/\1/p' | head -n 1
}

declare -A R   # results: R[<phase>.<key>]
measure() { # phase
  local p=$1
  R[$p.records]=$(Q -c "SELECT count(*) FROM repeat_record_all")
  R[$p.queued]=$(Q -c "SELECT count(*) FROM repeat_record WHERE state IN (1, 2)")
  R[$p.due]=$(Q -c "SELECT count(*) FROM repeat_record WHERE state IN (1, 2) AND next_check <= now()")
  R[$p.table]=$(Q -c "SELECT pg_size_pretty(pg_table_size('repeat_record')) || ' + ' || pg_size_pretty(pg_indexes_size('repeat_record')) || ' indexes'")
  R[$p.queued_idx]=$(Q -c "SELECT pg_size_pretty(pg_relation_size('repeat_record_queued_idx'))")
  R[$p.ready]=$( { echo "SELECT count(*) FROM ("; cat "$WORK/service.sql"; echo ") ready;"; } \
                   | sed -e "s/\\\$1/now()/g; s/\\\$2/$FLAG_DEFAULT/g; s/\\\$3/$LIMIT/g" | Q)
  # The same answer the long way (a plain join), as ReadyRepeaterQueryPlanTest checks it.
  R[$p.ready_check]=$(Q -c "SELECT count(DISTINCT r.id) FROM repeater r JOIN repeat_record q ON q.repeater_id = r.id
        LEFT JOIN domain_flag f ON f.domain = r.domain
       WHERE NOT r.is_deleted AND NOT r.is_paused AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= now())
         AND q.state IN (1, 2) AND q.next_check <= now() AND COALESCE(f.process_repeaters, $FLAG_DEFAULT)")
  if [ "${R[$p.ready]}" != "${R[$p.ready_check]}" ]; then
    echo "service ready query found ${R[$p.ready]} repeaters, the plain join ${R[$p.ready_check]}" >&2; exit 1
  fi
  R[$p.seed_rows]=$( { echo "SELECT count(*) FROM ("; cat "$WORK/seed.sql"; echo ") seed;"; } | sed 's/\$1/now()/g' | Q)
  R[$p.seed_repeaters]=$( { echo "SELECT count(DISTINCT id) FROM ("; cat "$WORK/seed.sql"; echo ") seed;"; } | sed 's/\$1/now()/g' | Q)
  log "  $p: ${R[$p.records]} records, ${R[$p.queued]} queued (${R[$p.due]} due); service query returns ${R[$p.ready]} repeaters, seed shape ${R[$p.seed_rows]} rows (${R[$p.seed_repeaters]} repeaters)"

  local s
  log "  $p: service query, $WARMUP_SERVICE warm-up + $RUNS_SERVICE timed runs"
  s=$(timed_runs "$SERVICE_EXEC" "$WARMUP_SERVICE" "$RUNS_SERVICE")
  R[$p.service_n]=$(grep -c . <<< "$s"); R[$p.service_p50]=$(pct 50 <<< "$s"); R[$p.service_p95]=$(pct 95 <<< "$s")
  R[$p.service_min]=$(pct 0 <<< "$s"); R[$p.service_max]=$(pct 100 <<< "$s")
  log "  $p: seed shape, $WARMUP_SEED warm-up + $RUNS_SEED timed runs"
  s=$(timed_runs "$SEED_EXEC" "$WARMUP_SEED" "$RUNS_SEED")
  R[$p.seed_n]=$(grep -c . <<< "$s"); R[$p.seed_p50]=$(pct 50 <<< "$s"); R[$p.seed_p95]=$(pct 95 <<< "$s")
  R[$p.seed_min]=$(pct 0 <<< "$s"); R[$p.seed_max]=$(pct 100 <<< "$s")
  [ "${R[$p.service_n]}" = "$RUNS_SERVICE" ] && [ "${R[$p.seed_n]}" = "$RUNS_SEED" ] \
    || { echo "missing timings: ${R[$p.service_n]}/$RUNS_SERVICE, ${R[$p.seed_n]}/$RUNS_SEED" >&2; exit 1; }
  R[$p.ratio]=$(awk -v a="${R[$p.seed_p50]}" -v b="${R[$p.service_p50]}" 'BEGIN { r = a / b; printf (r < 10 ? "%.1f" : "%.0f"), r }')

  plan "$SERVICE_EXEC" > "$WORK/$p.service.plan"
  plan "$SEED_EXEC" > "$WORK/$p.seed.plan"
  # What the work is: index probes of the queued-records index and buffers touched (the plan's top node).
  R[$p.service_probes]=$(probes < "$WORK/$p.service.plan")
  R[$p.service_buffers]=$(top_buffers < "$WORK/$p.service.plan")
  R[$p.seed_buffers]=$(top_buffers < "$WORK/$p.seed.plan")
  echo "  $p, service ready query: p50 ${R[$p.service_p50]} ms, p95 ${R[$p.service_p95]} ms ($RUNS_SERVICE runs); plan:" >&2
  summary < "$WORK/$p.service.plan" >&2
  echo "  $p, seed first shape: p50 ${R[$p.seed_p50]} ms, p95 ${R[$p.seed_p95]} ms ($RUNS_SEED runs); plan:" >&2
  summary < "$WORK/$p.seed.plan" >&2
}

# --- 1x ------------------------------------------------------------------------------------------
log "loading $REPEATERS repeaters over $DOMAINS domains and $RECORDS records"
Q "${VARS[@]}" -f bench/sql/repeaters.sql >/dev/null
load_records 1 "$RECORDS" 0.42
R[repeaters]=$(Q -F ' ' -c "SELECT count(*), count(*) FILTER (WHERE is_deleted), count(*) FILTER (WHERE is_paused),
    count(*) FILTER (WHERE next_attempt_at IS NULL), count(*) FILTER (WHERE next_attempt_at <= now()),
    count(*) FILTER (WHERE next_attempt_at > now()),
    count(*) FILTER (WHERE NOT is_deleted AND NOT is_paused AND (next_attempt_at IS NULL OR next_attempt_at <= now()))
    FROM repeater")
read -r N_REP N_DEL N_PAUSED N_NULL N_PAST N_FUTURE N_ELIGIBLE <<< "${R[repeaters]}"
N_FLAG_OFF=$(Q -c "SELECT count(*) FROM domain_flag WHERE NOT process_repeaters")
N_FLAG_ON=$(Q -c "SELECT count(*) FROM domain_flag WHERE process_repeaters")
# Of the repeaters the backoff test lets through: how many have due records, queued but none due, nothing queued.
R[eligible_mix]=$(Q -F ' ' -c "SELECT count(*) FILTER (WHERE due), count(*) FILTER (WHERE queued AND NOT due), count(*) FILTER (WHERE NOT queued)
    FROM (SELECT EXISTS (SELECT 1 FROM repeat_record q WHERE q.repeater_id = r.id AND q.state IN (1, 2) AND q.next_check <= now()) due,
                 EXISTS (SELECT 1 FROM repeat_record q WHERE q.repeater_id = r.id AND q.state IN (1, 2)) queued
            FROM repeater r WHERE NOT is_deleted AND NOT is_paused AND (next_attempt_at IS NULL OR next_attempt_at <= now())) x")
read -r E_DUE E_NOTDUE E_NONE <<< "${R[eligible_mix]}"
Q -F ' | ' -c "SELECT r.id, count(*), count(*) FILTER (WHERE q.state IN (1, 2)),
    CASE WHEN r.is_deleted THEN 'deleted' WHEN r.is_paused THEN 'paused' WHEN r.next_attempt_at IS NULL THEN 'never attempted'
         WHEN r.next_attempt_at <= now() THEN 'backoff over' ELSE 'backed off' END
    FROM repeater r JOIN repeat_record_all q ON q.repeater_id = r.id GROUP BY r.id ORDER BY 2 DESC LIMIT 5" > "$WORK/biggest"
measure 1x

# --- 3x ------------------------------------------------------------------------------------------
PHASES=(1x)
if [ "$GROWTH" -gt 1 ]; then
GROWN=$(( RECORDS * GROWTH ))
PHASES+=("${GROWTH}x")
log "growing to $GROWN records (same generator: the queued fraction stays ~11 %, so queued records grow ${GROWTH}x too)"
load_records $(( RECORDS + 1 )) "$GROWN" 0.58
measure ${GROWTH}x
fi
G=${PHASES[-1]}

# --- results -------------------------------------------------------------------------------------
ELAPSED=$(( $(date +%s) - START ))
MEM=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
PGVERSION=$(Q -c "SHOW server_version")
PGCONF=$(Q -F ' ' -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit', 'max_parallel_workers_per_gather')")
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
mkdir -p "$(dirname "$OUT")"
{
  echo "# Ready-repeater query benchmark, $DATE"
  echo
  [ "$SMOKE" = 1 ] && { echo "**Smoke run** (tiny data, a handful of runs): checks the pipeline, measures nothing."; echo; }
  echo "- Command: \`$COMMAND\` (commit $COMMIT, worktree $( [ -z "$(git status --porcelain -- src migrations bench/sql 2>/dev/null)" ] && echo clean || echo 'with local changes'))"
  echo "- Machine: nproc $(nproc), $MEM RAM ($CPU), load average at the start $LOAD_AT_START, at the end $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows here)"
  echo "- PostgreSQL $PGVERSION, stock settings: $PGCONF"
  echo "- Wall time of the whole run: $(( ELAPSED / 60 )) min $(( ELAPSED % 60 )) s"
  echo
  echo "## Results"
  echo
  echo "Execution Time from \`EXPLAIN (ANALYZE, TIMING OFF) EXECUTE …\` (server-side: planning and sending rows"
  echo "to the client are not included), after warm-up, same session method for both queries."
  echo
  echo "| Data | Records | Queued | Service query p50 / p95 | Seed first shape p50 / p95 | Seed / service (p50) |"
  echo "|---|---:|---:|---:|---:|---:|"
  for p in "${PHASES[@]}"; do
    printf '| %s | %s | %s | **%s** / %s ms (%s runs) | **%s** / %s ms (%s runs) | %s× |\n' "$p" "${R[$p.records]}" "${R[$p.queued]}" \
      "${R[$p.service_p50]}" "${R[$p.service_p95]}" "$RUNS_SERVICE" "${R[$p.seed_p50]}" "${R[$p.seed_p95]}" "$RUNS_SEED" "${R[$p.ratio]}"
  done
  echo
  if [ "$G" != 1x ]; then
    printf 'Growth %s → %s: service query p50 ×%s, seed shape p50 ×%s.\n' 1x "$G" \
      "$(awk -v a="${R[$G.service_p50]}" -v b="${R[1x.service_p50]}" 'BEGIN { printf "%.2f", a / b }')" \
      "$(awk -v a="${R[$G.seed_p50]}" -v b="${R[1x.seed_p50]}" 'BEGIN { printf "%.2f", a / b }')"
    echo
  fi
  echo "| Data | Service min / max | Seed min / max | Rows returned: service / seed | Service work (one run) | Seed work (one run) | Table + indexes | Queued index |"
  echo "|---|---:|---:|---:|---|---|---|---:|"
  for p in "${PHASES[@]}"; do
    printf '| %s | %s / %s ms | %s / %s ms | %s repeaters / %s rows (%s repeaters) | %s probes of the queued index; buffers %s | buffers %s | %s | %s |\n' "$p" \
      "${R[$p.service_min]}" "${R[$p.service_max]}" "${R[$p.seed_min]}" "${R[$p.seed_max]}" \
      "${R[$p.ready]}" "${R[$p.seed_rows]}" "${R[$p.seed_repeaters]}" "${R[$p.service_probes]}" "${R[$p.service_buffers]}" \
      "${R[$p.seed_buffers]}" "${R[$p.table]}" "${R[$p.queued_idx]}"
  done
  echo
  echo "## Data"
  echo
  echo "Generated by \`bench/sql/repeaters.sql\` and \`bench/sql/records.sql\` (set-based, seeded, relative to the load time)."
  echo
  echo "- $N_REP repeaters over $DOMAINS domains: $N_DEL deleted, $N_PAUSED paused; $N_NULL never attempted"
  echo "  (\`next_attempt_at\` NULL), $N_PAST backed off into the past, $N_FUTURE into the future (the deleted and paused"
  echo "  ones are spread over those three). $N_ELIGIBLE are neither deleted, paused nor backed off: of them $E_DUE have due"
  echo "  records, $E_NOTDUE queued records none of which is due, $E_NONE nothing queued."
  echo "- $(( N_FLAG_ON + N_FLAG_OFF )) domains have a \`process-repeaters\` flag, $N_FLAG_OFF of them off (their repeaters are"
  echo "  not the service query's); the others use the default, \`$FLAG_DEFAULT\`."
  echo "- 1x: ${R[1x.records]} records, ${R[1x.queued]} queued ($(awk -v a="${R[1x.queued]}" -v b="${R[1x.records]}" 'BEGIN { printf "%.1f", 100 * a / b }') %), ${R[1x.due]} of them due."
  [ "$G" != 1x ] && {
    echo "  $G: ${R[$G.records]} records, ${R[$G.queued]} queued ($(awk -v a="${R[$G.queued]}" -v b="${R[$G.records]}" 'BEGIN { printf "%.1f", 100 * a / b }') %), ${R[$G.due]} due: the same generator"
    echo "  run again on the next ids, so the queued fraction stays and the queued records grow ${GROWTH}x with the rest."; }
  echo "- Records are skewed towards a few repeaters; the biggest at 1x (id, records, queued, state):"
  echo
  echo '```'; cat "$WORK/biggest"; echo '```'
  echo
  echo "## The two statements"
  echo
  echo "**Service** (\`src/main/resources/sql/ready-repeaters.sql\`, as \`store.SqlStatements\` prints it), prepared as"
  echo "\`service_q(timestamptz, boolean, integer)\` and run as \`$SERVICE_EXEC\`: the parameters"
  echo "\`RepeaterDispatchLoop\` passes (the clock's now, \`dispatch.process-repeaters-default\`, \`dispatch.ready-query-limit\`)."
  echo
  echo '```sql'; cat "$WORK/service.sql"; echo '```'
  echo
  echo "**Seed's first shape** (\`bench/sql/seed-ready-query.sql\`: the query the seed thread EXPLAINed before the"
  echo "UNION ALL rewrite, one row per queued"
  echo "record, no DISTINCT, as there), prepared as \`seed_q(timestamptz)\` and run as \`$SEED_EXEC\`."
  echo
  echo '```sql'; cat "$WORK/seed.sql"; echo '```'
  echo
  echo "Both run with \`plan_cache_mode = force_custom_plan\`: the service's reactive client sends an unnamed"
  echo "statement per call, which PostgreSQL plans with the actual values every time."
  echo
  echo "## Plans (\`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)\`, one run after the timed ones)"
  for p in "${PHASES[@]}"; do
    echo; echo "### $p, service query"; echo; echo '```'; cat "$WORK/$p.service.plan"; echo '```'
    echo; echo "### $p, seed first shape"; echo; echo '```'; cat "$WORK/$p.seed.plan"; echo '```'
  done
} > "$OUT"

echo >&2
echo "| Data | Records | Queued | Service p50 / p95 (ms) | Seed shape p50 / p95 (ms) | Seed / service |"
echo "|---|---:|---:|---:|---:|---:|"
for p in "${PHASES[@]}"; do
  printf '| %s | %s | %s | %s / %s | %s / %s | %s× |\n' "$p" "${R[$p.records]}" "${R[$p.queued]}" \
    "${R[$p.service_p50]}" "${R[$p.service_p95]}" "${R[$p.seed_p50]}" "${R[$p.seed_p95]}" "${R[$p.ratio]}"
done
log "results written to $OUT"
