#!/usr/bin/env bash
# The dispatch benchmarks in one command (bench/README.md, "Dispatch benchmark harness").
#   bench/run.sh                 full run (~45 min on 2 cores, ready-query.sh included), writes bench/RESULTS.md
#   bench/run.sh --smoke         every scenario tiny (~4 min), writes bench/results/run-*/RESULTS.md
#   bench/run.sh [--smoke] 2 5   only the listed scenarios, results in the run directory (1 ready query, 2 throughput + 6
#                                footprint, 3 dead endpoints, 4 fairness, 5 pick-up latency, 7 limits, 8 trust and
#                                intake: signing, fan-out, strict order; 9 tracing's cost; R receiver)
# Each scenario gets its own scratch database (rd_bench_<pid>_<n>) and its own service process
# (the packaged jar, rebuilt first if src/, migrations/ or pom.xml are newer); scenario 7 a second
# one beside it, started with DISPATCH_LIMITS_ENABLED=false (port BENCH_PORT_OFF); scenario 9 one with tracing
# off beside one tracing to bench/otlp-sink.mjs (port BENCH_OTLP_PORT). Everything started
# here is stopped on exit and the databases are dropped. Sizes and windows: BENCH_* variables
# (bench/bench.mjs, SIZES); BENCH_JAVA_OPTS replaces the JVM options (default as bin/run); BENCH_BUILD=always|never|auto;
# BENCH_STAT_STATEMENTS=1 counts statements with pg_stat_statements (bin/services --stat-statements).
set -euo pipefail
cd "$(dirname "$0")/.."
STARTED=$(date +%s)
SMOKE=0
ONLY=()
for a in "$@"; do
  case $a in
    --smoke) SMOKE=1 ;;
    [1-9] | R) ONLY+=("$a") ;;
    *) sed -n '2,14p' "$0" >&2; exit 2 ;;
  esac
done
PARTIAL=1
[ ${#ONLY[@]} -eq 0 ] && ONLY=(R 1 2 3 4 5 7 8 9) && PARTIAL=0
want() { [[ " ${ONLY[*]} " == *" $1 "* ]]; }
want 6 && ! want 2 && ONLY+=(2) # footprint is measured during scenario 2

# bin/run's JVM options (sized like the k8s pod); BENCH_JAVA_OPTS replaces them ("" = JVM defaults)
SERVICE_JAVA_OPTS="-XX:+UseSerialGC -XX:MaxRAM=768m"
SERVICE_PORT=${BENCH_PORT:-18391}
SERVICE_PORT_OFF=${BENCH_PORT_OFF:-18392} # scenario 7's second service (DISPATCH_LIMITS_ENABLED=false)
RECEIVER_PORT=${BENCH_RECEIVER_PORT:-19391}
DEAD_PORT=${BENCH_DEAD_PORT:-19392}
LOADGEN_PORT=${BENCH_LOADGEN_PORT:-19393}
OTLP_PORT=${BENCH_OTLP_PORT:-19394} # scenario 9's OTLP sink
OUT=bench/results/run-$(date +%Y%m%d-%H%M%S)$([ $SMOKE = 1 ] && echo -smoke || true)
mkdir -p "$OUT"
# only a full run replaces bench/RESULTS.md; smoke and partial runs keep theirs in the run directory
RESULTS=${BENCH_RESULTS:-$([ $SMOKE = 1 ] || [ $PARTIAL = 1 ] && echo "$OUT/RESULTS.md" || echo bench/RESULTS.md)}
PSQL=(psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)
export BENCH_SMOKE=$SMOKE
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

for p in "$SERVICE_PORT" "$RECEIVER_PORT" "$DEAD_PORT" "$LOADGEN_PORT" $( (want 7 || want 9) && echo "$SERVICE_PORT_OFF") $(want 9 && echo "$OTLP_PORT"); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p is taken; set BENCH_PORT / BENCH_PORT_OFF / BENCH_RECEIVER_PORT / BENCH_DEAD_PORT / BENCH_LOADGEN_PORT / BENCH_OTLP_PORT" >&2; exit 1
  fi
done

# BENCH_STAT_STATEMENTS=1: count statements with pg_stat_statements (preloads it, restarting PostgreSQL once)
bin/services $([ "${BENCH_STAT_STATEMENTS:-0}" = 1 ] && echo --stat-statements) >/dev/null
JAR=target/quarkus-app/quarkus-run.jar
bin/package-if-stale "${BENCH_BUILD:-auto}"

SERVICE_PID= SERVICE_OFF_PID= RECEIVER_PID= LOADGEN_RECEIVER_PID= SINK_PID= CHILD= DB= DB_OFF=
DBS=()
source bin/lib/stop-pid.sh
stop_group() { # a child started by child(): TERM to its whole process group (its own children too), then KILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_group "$CHILD"; stop_pid "$SERVICE_PID"; stop_pid "$SERVICE_OFF_PID"; stop_pid "$RECEIVER_PID"; stop_pid "$LOADGEN_RECEIVER_PID"; stop_pid "$SINK_PID"
  for db in "${DBS[@]}"; do "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true; done
  [ $rc = 0 ] || log "failed (exit $rc); logs in $OUT"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command in its own process group in the background and waits for it, so INT/TERM reach
# the trap at once (bash defers traps until a foreground command ends) and cleanup can stop the
# command with everything it started; returns its exit status.
child() { setsid "$@" & CHILD=$!; local rc=0; wait "$CHILD" || rc=$?; CHILD=; return $rc; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

start_service() { # pid variable, db variable, name, port, extra env assignments...
  local pid_var=$1 db_var=$2 name=$3 port=$4; shift 4
  local db=rd_bench_$$_$name
  printf -v "$db_var" %s "$db"
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  DBS+=("$db")
  # shellcheck disable=SC2086
  env DB_REACTIVE_URL=postgresql://127.0.0.1:5432/$db DB_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$db \
    REPEATER_ADMIN_TOKENS=bench:admin:bench-token SECRETS_KEYS=bench:cmVwZWF0ZXItZGlzcGF0Y2gtZGV2LWtleS0wMDAwMDA= \
    SECRETS_ACTIVE_KEY=bench URL_POLICY_ALLOW_LOOPBACK=true PORT="$port" \
    DISPATCH_LOCK_KEY_PREFIX="rd-bench-$$-$name:" "$@" \
    java ${BENCH_JAVA_OPTS-$SERVICE_JAVA_OPTS} "-Dquarkus.log.category.\"io.repeaterdispatch.dispatch.RepeaterBatchRunner\".level=${BENCH_BATCH_LOG:-WARN}" \
    -jar $JAR >"$OUT/service-$name.log" 2>&1 &
  local pid=$!
  printf -v "$pid_var" %s "$pid" # set before waiting, so the trap stops it whatever happens
  for _ in $(seq 1 120); do
    grep -q 'Listening on' "$OUT/service-$name.log" && { log "service $name up (pid $pid, db $db, port $port)"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "service $name did not start: $OUT/service-$name.log" >&2; tail -20 "$OUT/service-$name.log" >&2; return 1
}
stop_service() { # pid variable, db variable
  stop_pid "${!1}"; printf -v "$1" %s ''
  [ -n "${!2}" ] && "${PSQL[@]}" -c "DROP DATABASE IF EXISTS ${!2} WITH (FORCE)"
  printf -v "$2" %s ''
}
# Scenario 7's second service, beside the first: OFF_SERVICE_ENV=(env assignments...) before run_scenario.
OFF_SERVICE_ENV=()
run_scenario() { # number, bench.mjs scenario, service env...
  local n=$1 s=$2; shift 2
  log "scenario $n ($s)"
  start_service SERVICE_PID DB "s$n" "$SERVICE_PORT" "$@"
  local off=()
  if [ ${#OFF_SERVICE_ENV[@]} -gt 0 ]; then
    start_service SERVICE_OFF_PID DB_OFF "s${n}off" "$SERVICE_PORT_OFF" "${OFF_SERVICE_ENV[@]}"
    off=(BENCH_DB_OFF="$DB_OFF" BENCH_API_OFF="http://127.0.0.1:$SERVICE_PORT_OFF" BENCH_SERVICE_PID_OFF="$SERVICE_OFF_PID")
  fi
  local rc=0
  child env BENCH_DB=$DB BENCH_API=http://127.0.0.1:$SERVICE_PORT BENCH_RECEIVER=http://127.0.0.1:$RECEIVER_PORT \
    BENCH_DEAD_PORT=$DEAD_PORT BENCH_SERVICE_PID=$SERVICE_PID BENCH_RECEIVER_PID=$RECEIVER_PID "${off[@]}" \
    ${SINK_PID:+BENCH_OTLP_SINK=http://127.0.0.1:$OTLP_PORT} \
    node bench/bench.mjs "$s" >"$OUT/s$n.json" 2> >(tee "$OUT/s$n.progress" >&2) || rc=$?
  stop_service SERVICE_PID DB
  [ ${#OFF_SERVICE_ENV[@]} -gt 0 ] && stop_service SERVICE_OFF_PID DB_OFF
  [ $rc = 0 ] || log "scenario $n failed (exit $rc): $OUT/s$n.progress"
  failures=$((failures + (rc != 0)))
}
failures=0
uptime >"$OUT/load-start.txt"
echo "$(git log -1 --format='%h %s')$(git status --porcelain -- src migrations pom.xml | grep -q . && echo ' (with uncommitted changes under src/migrations/pom.xml)')" >"$OUT/code.txt"

if want R; then
  log "receiver alone: load loop"
  node bin/receiver.mjs --port "$LOADGEN_PORT" >/dev/null &
  LOADGEN_RECEIVER_PID=$!
  wait_port "$LOADGEN_PORT"
  child node bench/loadgen.mjs --url "http://127.0.0.1:$LOADGEN_PORT/ok/load" --connections 64 --seconds "$([ $SMOKE = 1 ] && echo 2 || echo 10)" \
    --pid "$LOADGEN_RECEIVER_PID" >"$OUT/receiver-alone.json"
  stop_pid "$LOADGEN_RECEIVER_PID"; LOADGEN_RECEIVER_PID=
  log "receiver alone: $(cat "$OUT/receiver-alone.json")"
fi

if want 1; then
  if [ -x bench/ready-query.sh ]; then
    log "scenario 1 (bench/ready-query.sh)"
    args=()
    [ $SMOKE = 1 ] && grep -q -- '--smoke' bench/ready-query.sh && args=(--smoke)
    child bench/ready-query.sh "${args[@]}" >"$OUT/s1.txt" 2>&1 || { log "scenario 1 failed: $OUT/s1.txt"; failures=$((failures + 1)); }
  else
    log "scenario 1: bench/ready-query.sh not here yet, skipped"; touch "$OUT/s1.skipped"
  fi
fi

node bin/receiver.mjs --port "$RECEIVER_PORT" --dead-port "$DEAD_PORT" >"$OUT/receiver.log" 2>&1 &
RECEIVER_PID=$!
wait_port "$RECEIVER_PORT"

want 2 && run_scenario 2 throughput
want 3 && run_scenario 3 dead DISPATCH_REPEATER_BACKOFF_MIN="${BENCH_S3_BACKOFF_MIN_S:-5}s" DISPATCH_RECORD_RETRY_MIN="${BENCH_S3_BACKOFF_MIN_S:-5}s"
want 4 && run_scenario 4 fairness
want 5 && run_scenario 5 pickup
# 7, limits: a service with every limiter on and, beside it, one with them all off
want 7 && { OFF_SERVICE_ENV=(DISPATCH_LIMITS_ENABLED=false); run_scenario 7 limits DISPATCH_LIMITS_ENABLED=true; OFF_SERVICE_ENV=(); }
want 8 && run_scenario 8 trust
# 9, tracing: a service tracing every batch and delivery to an OTLP sink and, beside it, one with tracing off
if want 9; then
  node bench/otlp-sink.mjs --port "$OTLP_PORT" >"$OUT/otlp-sink.log" 2>&1 &
  SINK_PID=$!
  wait_port "$OTLP_PORT"
  OFF_SERVICE_ENV=(OTEL_SDK_DISABLED=true)
  # Several pairs of fresh services: two JVMs of one build can differ by 10-20 % for their whole life
  # (JIT decisions), more than the cost measured; rounds within a pair cannot cancel that, pairs do.
  pairs=${BENCH_S9_PAIRS:-$([ $SMOKE = 1 ] && echo 1 || echo 3)}
  failures_before=$failures
  for i in $(seq 1 "$pairs"); do
    run_scenario "9p$i" tracing OTEL_SDK_DISABLED=false OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://127.0.0.1:$OTLP_PORT" \
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf
  done
  failures=$failures_before # counted once, from the merged result
  node bench/merge-pairs.mjs $(for i in $(seq 1 "$pairs"); do echo "$OUT/s9p$i.json"; done) >"$OUT/s9.json" \
    || { log "scenario 9 failed: $OUT/s9.json"; failures=$((failures + 1)); }
  OFF_SERVICE_ENV=()
  stop_pid "$SINK_PID"; SINK_PID=
fi
if want 5 && [ $SMOKE = 0 ] && [ -x bench/pickup-latency.sh ]; then
  log "scenario 5b (bench/pickup-latency.sh: across replicas)"
  child bench/pickup-latency.sh >"$OUT/s5b.txt" 2>&1 || { log "scenario 5b failed: $OUT/s5b.txt"; failures=$((failures + 1)); }
fi
uptime >"$OUT/load-end.txt"

BENCH_SERVICE_JAVA_OPTS="${BENCH_JAVA_OPTS-$SERVICE_JAVA_OPTS}" BENCH_COMMAND="bench/run.sh${*:+ $*}" BENCH_WALL_S=$(($(date +%s) - STARTED)) node bench/report.mjs "$OUT" >"$RESULTS"
cat "$RESULTS"
log "wall time $(($(date +%s) - STARTED)) s; results: $RESULTS; raw figures and logs: $OUT"
[ $failures = 0 ]
