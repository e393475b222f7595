#!/usr/bin/env bash
# Pick-up latency across replicas: replica A serves the API only (dispatch off), replica B
# dispatches. A record enqueued through A can only be sent by B, so B must learn of it: by
# PostgreSQL's enqueue notification, or (second round, listener off) by its 1 s tick. Prints
# p50/p99 from "enqueue call returned" to "request reached the receiver" for both, in one run.
# Uses the packaged jar (builds it if missing) and a scratch database; about a minute.
#   bench/pickup-latency.sh [records per round, default 100]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
bin/services >/dev/null
bin/package-if-stale
DB=rd_bench_pickup
PSQL=(psql -h 127.0.0.1 -U postgres -X -q)
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" 2>/dev/null
export DB_REACTIVE_URL=postgresql://127.0.0.1:5432/$DB DB_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB
export REPEATER_ADMIN_TOKENS=bench:admin:bench-token URL_POLICY_ALLOW_LOOPBACK=true
export SECRETS_KEYS=bench:cmVwZWF0ZXItZGlzcGF0Y2gtZGV2LWtleS0wMDAwMDA= SECRETS_ACTIVE_KEY=bench
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null; }
trap cleanup EXIT
start() { # port, dispatch enabled, listen for enqueues
  PORT=$1 DISPATCH_ENABLED=$2 DISPATCH_LISTEN_FOR_ENQUEUES=$3 java -jar target/quarkus-app/quarkus-run.jar >"/tmp/rd-bench-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do grep -q 'Listening on' "/tmp/rd-bench-$1.log" && return 0; sleep 1; done
  echo "replica on port $1 did not start: /tmp/rd-bench-$1.log" >&2; return 1
}
start 18181 false true
start 18182 true true
node bench/pickup-probe.mjs http://127.0.0.1:18181 notify "$N"
kill "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
start 18183 true false
node bench/pickup-probe.mjs http://127.0.0.1:18181 tick-only "$N"
