# shellcheck shell=bash
# Shared pieces of the fault-injection scenarios (sourced by faults/sN-*.sh). Every scenario gets
# its OWN PostgreSQL cluster (initdb in a temp dir, run as user postgres) and its own Redis, on
# ports 28110/28111, because scenarios stop and restart them; the shared servers are never
# touched. Replicas are the packaged jar (production profile), ports 28131-28133; the receiver
# (bin/receiver.mjs) listens on 28120. Everything started here is stopped by the EXIT trap.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=28110
REDIS_PORT=28111
RECEIVER_PORT=28120
REPLICA_BASE_PORT=28130
TOKEN=faults-token-0001
QUICK=${FAULTS_QUICK:-0}
SCENARIO=${SCENARIO:?set by the scenario script}
OUT=${FAULTS_OUT:-$ROOT/faults/runs/$(date -u +%Y%m%dT%H%M%SZ)}/$SCENARIO
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/faults-XXXXXX)
chmod 755 "$TMP"
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d rd -X -q -v ON_ERROR_STOP=1)
declare -A REPLICA_PID=()
PIDS=()
FAILED=()

log() { printf '[%s %s] %s\n' "$(date -u +%H:%M:%S)" "$SCENARIO" "$*" >&2; }
now_ms() { date +%s%3N; }
fail() { FAILED+=("$*"); log "GUARANTEE BROKEN: $*"; }

cleanup() {
  local rc=$?
  set +e
  # kill and reap inside one redirected block, so bash's "Killed" job notice goes nowhere
  for r in "${!REPLICA_PID[@]}"; do { kill -9 "${REPLICA_PID[$r]}"; wait "${REPLICA_PID[$r]}"; } 2>/dev/null; done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  [ -f "$TMP/pgdata/postmaster.pid" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$TMP/pgdata" -m immediate stop >/dev/null 2>&1
  [ -n "${REDIS_PID:-}" ] && kill "$REDIS_PID" 2>/dev/null
  { wait; } 2>/dev/null
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { # port, seconds
  local deadline=$(( $(date +%s) + ${2:-20} ))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ "$(date +%s)" -lt $deadline ] || return 1
    sleep 0.1
  done
}

# ---- private PostgreSQL -------------------------------------------------------------------------
start_pg() {
  mkdir -p "$TMP/pgdata" "$TMP/pgsock"
  chown postgres "$TMP/pgdata" "$TMP/pgsock"
  touch "$OUT/postgres.log" && chown postgres "$OUT/postgres.log"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$TMP/pgdata" -A trust -U postgres --no-sync >"$OUT/initdb.log" 2>&1
  pg_start
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE rd"
}
pg_start() {
  # fsync off: a scratch cluster; a restart (fast or immediate) still recovers from its WAL.
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$TMP/pgdata" -l "$OUT/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $TMP/pgsock -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
}
pg_stop() { runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$TMP/pgdata" -m "${1:-fast}" -w -t 60 stop >/dev/null; }
sql() { "${PSQL[@]}" -tA -c "$1"; }

# ---- private Redis ------------------------------------------------------------------------------
start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --protected-mode no \
    >>"$OUT/redis.log" 2>&1 &
  REDIS_PID=$!
  wait_port "$REDIS_PORT" 10 || { fail "redis did not start"; return 1; }
}
stop_redis() { kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=; }

# ---- receiver -----------------------------------------------------------------------------------
start_receiver() { # extra receiver args...
  node "$ROOT/bin/receiver.mjs" --port "$RECEIVER_PORT" --log "$OUT/requests.ndjson" "$@" 2>>"$OUT/receiver.log" &
  PIDS+=($!)
  wait_port "$RECEIVER_PORT" 10 || { fail "receiver did not start"; return 1; }
}
# The receiver buffers its log; it writes every line once no request is open (at most 10 s), and
# answers only then, so the analysis reads every request that has ended.
flush_receiver() {
  local answer
  answer=$(curl -s --max-time 20 -X POST -w ' %{http_code}' "http://127.0.0.1:$RECEIVER_PORT/_flush?wait=10000" || true)
  [ "${answer##* }" = 200 ] || { fail "the receiver's log is incomplete: /_flush answered '${answer:-nothing}'"; return 1; }
}

# ---- replicas -----------------------------------------------------------------------------------
# Dispatch tuned so runs fit in minutes: requests capped at 5 s, retries and backoff in seconds, no
# cancellation. Claim lease and lock TTL are the defaults (20 s and 15 s, renewed while a batch
# runs): crash recovery is measured as shipped. FAULTS_JAVA_OPTS / extra -D per scenario.
DISPATCH_OPTS=(
  -Ddispatch.max-request-timeout=5s
  -Ddispatch.record-retry.min=1s -Ddispatch.record-retry.max=5s -Ddispatch.record-retry.factor=2
  -Ddispatch.repeater-backoff.min=1s -Ddispatch.repeater-backoff.max=5s -Ddispatch.max-attempts=1000
  -Ddispatch.http.connect-timeout=2s
  "-Dquarkus.log.category.\"io.repeaterdispatch.dispatch.RepeaterBatchRunner\".level=WARN"
)
replica_port() { echo $((REPLICA_BASE_PORT + $1)); }
start_replica() { # n, extra -D options...
  local n=$1; shift
  local port; port=$(replica_port "$n")
  # shellcheck disable=SC2086
  env PORT="$port" DB_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/rd" DB_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/rd" \
    DB_USER=postgres REDIS_URL="redis://127.0.0.1:$REDIS_PORT" REPEATER_ADMIN_TOKENS="faults:admin:$TOKEN" \
    SECRETS_KEYS=faults:cmVwZWF0ZXItZGlzcGF0Y2gtZGV2LWtleS0wMDAwMDA= SECRETS_ACTIVE_KEY=faults URL_POLICY_ALLOW_LOOPBACK=true \
    java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ${FAULTS_JAVA_OPTS:-} "${DISPATCH_OPTS[@]}" \
    -Ddispatch.http.replica-id="r$n" "$@" -jar "$JAR" >>"$OUT/replica-$n.log" 2>&1 &
  REPLICA_PID[$n]=$!
}
wait_ready() { # n, seconds
  local n=$1 deadline=$(( $(date +%s) + ${2:-60} ))
  until curl -sf -o /dev/null "http://127.0.0.1:$(replica_port "$n")/q/health/ready"; do
    kill -0 "${REPLICA_PID[$n]}" 2>/dev/null || { fail "replica $n died at start (see $OUT/replica-$n.log)"; tail -20 "$OUT/replica-$n.log" >&2; return 1; }
    [ "$(date +%s)" -lt $deadline ] || { fail "replica $n not ready within ${2:-60}s"; return 1; }
    sleep 0.2
  done
}
kill_replica() { # n, signal
  kill "-${2:-KILL}" "${REPLICA_PID[$1]}" 2>/dev/null || true
  { wait "${REPLICA_PID[$1]}"; } 2>/dev/null || true
  unset "REPLICA_PID[$1]"
}
health() { # n, live|ready -> HTTP status
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$(replica_port "$1")/q/health/$2" || true
}
api() { # n, method, path, [json]
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X "$2" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' "http://127.0.0.1:$(replica_port "$1")/api/v1$3" ${4:+-d "$4"} || echo 000
}
api_answer() { # n, method, path, [json] -> "<status> <body>" (000 and no body when nothing answered)
  local out
  out=$(curl -s -w '\n%{http_code}' --max-time 10 -X "$2" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' "http://127.0.0.1:$(replica_port "$1")/api/v1$3" ${4:+-d "$4"} || true)
  [[ $out == *$'\n'* ]] || out=$'\n000'
  printf '%s %s\n' "${out##*$'\n'}" "${out%$'\n'*}"
}

# ---- data ---------------------------------------------------------------------------------------
# Repeaters 1..n, each in its own domain, each delivering to /<kind>/<id> of the receiver;
# ordering parallel (the default) or strict (docs/architecture.md, "Strict ordering").
make_repeaters() { # first, last, kind, batch, timeout_ms, [ordering]
  sql "INSERT INTO repeater (id, domain, name, url, batch_size, timeout_ms, ordering)
       SELECT g, 'd' || g, 'faults-' || g, 'http://127.0.0.1:$RECEIVER_PORT/$3/' || g, $4, $5, '${6:-parallel}'
         FROM generate_series($1, $2) g;
       SELECT setval(pg_get_serial_sequence('repeater', 'id'), (SELECT max(id) FROM repeater));" >/dev/null
}
# n records over repeaters first..last (round robin), payload ids <prefix><i>, due now.
enqueue_sql() { # prefix, n, first_repeater, last_repeater
  sql "INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, registered_at, next_check)
       SELECT r.domain, r.id, '$1' || g, '{\"n\": ' || g || '}', now(), now()
         FROM generate_series(1, $2) g JOIN repeater r ON r.id = $3 + (g % ($4 - $3 + 1))" >/dev/null
}
delivered_db() { sql "SELECT count(*) FROM repeat_record_history WHERE state = 4"; }
queued_db() { sql "SELECT count(*) FROM repeat_record WHERE state IN (1, 2)"; }

wait_all_delivered() { # seconds -> sets RECOVERED_AT (ms) or fails
  local total deadline=$(( $(date +%s) + $1 ))
  # Counted anew each time: a feeder's last INSERT (a psql that outlives its killed loop) may commit
  # after the wait starts, and a total read once would then never be met.
  while total=$(sql "SELECT count(*) FROM repeat_record_all"); [ "$(delivered_db)" != "$total" ]; do
    if [ "$(date +%s)" -ge $deadline ]; then
      fail "not everything delivered within $1 s: $(delivered_db) of $total succeeded in the database"
      return 1
    fi
    sleep 0.5
  done
  RECOVERED_AT=$(now_ms)
}

# Counts from the receiver's log against the database (faults/analyze.mjs): the figures go to
# $OUT/analysis.json and into A[figure] (nested ones as A[ok_rate.0.per_s]). Without figures no
# check means anything, so a failed analysis ends the scenario.
declare -A A=()
analyze() { # extra analyze.mjs args...
  flush_receiver || true
  "${PSQL[@]}" -tA -F $'\t' -c "SELECT payload_id, round(extract(epoch FROM registered_at) * 1000), repeater_id, id FROM repeat_record_all" \
    >"$OUT/records.tsv" || { fail "could not read the records from the database"; finish; }
  node "$ROOT/faults/analyze.mjs" --log "$OUT/requests.ndjson" --records "$OUT/records.tsv" --out "$OUT/analysis.json" "$@" \
    >"$OUT/analysis.tsv" || { fail "faults/analyze.mjs failed"; finish; }
  local key value
  A=()
  while IFS=$'\t' read -r key value; do A[$key]=$value; done <"$OUT/analysis.tsv"
}

finish() {
  log "logs: $OUT"
  if [ ${#FAILED[@]} -gt 0 ]; then
    printf '\n!!!!! %s FAILED: %d guarantee(s) broken\n' "$SCENARIO" "${#FAILED[@]}" >&2
    printf '!!!!!   - %s\n' "${FAILED[@]}" >&2
    exit 1
  fi
  log "PASS"
}
# One line per figure, for the summary table in faults/run.sh and faults/README.md.
figure() { printf '%s\t%s\t%s\n' "$SCENARIO" "$1" "$2" | tee -a "$OUT/figures.tsv" >&2; }
check_counts() { # max duplicates (after analyze)
  figure enqueued "${A[expected]}"; figure delivered "${A[delivered]}"
  figure lost "${A[lost]}"; figure duplicated "${A[duplicated]}"
  figure overlaps "${A[overlaps]}"; figure missing_replica_header "${A[missing_replica]}"
  [ "${A[expected]}" -gt 0 ] || fail "nothing was enqueued, so nothing could be lost: the run proves nothing"
  [ "${A[lost]}" = 0 ] || fail "lost ${A[lost]} records (e.g. ${A[lost_sample]})"
  [ "${A[duplicated]}" -le "$1" ] || fail "duplicated ${A[duplicated]} > bound $1"
  [ "${A[overlaps]}" = 0 ] || fail "${A[overlaps]} requests overlapped another replica's batch of the same repeater: ${A[overlap_example]}"
  [ "${A[unknown]}" = 0 ] || fail "${A[unknown]} payload ids delivered that were never enqueued"
  [ "${A[missing_replica]}" = 0 ] || fail "${A[missing_replica]} requests without X-Dispatch-Replica: they cannot be attributed, so overlaps cannot be ruled out"
}
