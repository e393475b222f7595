#!/usr/bin/env bash
# API fuzz run (fault scenario 6; faults/README.md "API fuzz run"): starts the packaged service on a
# scratch database and its own Redis key prefix, then faults/fuzz.mjs fires malformed, oversized,
# wrong-type, unicode and injection-shaped requests at every admin route while known records are
# enqueued and delivered, and checks: no 5xx, every 4xx problem+json, no secret in any response or
# the log, no record lost or altered, the other tenants untouched. Exit 1 if a guarantee broke.
#   faults/fuzz.sh            full run (FUZZ_REQUESTS, default 30000; a few minutes)
#   faults/fuzz.sh --quick    3000 requests (CI; well under 90 s with a built jar)
#   FUZZ_SEED=N faults/fuzz.sh   replays a run's request sequence (the seed is printed)
# Ports: FUZZ_PORT (service, default 28201), FUZZ_RECEIVER_PORT (28202). FUZZ_BUILD=always|never|auto.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${FUZZ_REQUESTS:-30000}
for a in "$@"; do
  case $a in
    --quick) REQUESTS=${FUZZ_REQUESTS:-3000} ;;
    *) sed -n '2,11p' "$0" >&2; exit 2 ;;
  esac
done
PORT=${FUZZ_PORT:-28201}
RECEIVER_PORT=${FUZZ_RECEIVER_PORT:-28202}
SEED=${FUZZ_SEED:-$(( (RANDOM << 15 | RANDOM) + 1 ))}
DB=rd_fuzz_$$
PREFIX="rd-fuzz-$$:"
OUT=$(mktemp -d /tmp/rd-fuzz.XXXXXX)
PSQL=(psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)
log() { echo "[fuzz $(date +%H:%M:%S)] $*" >&2; }
STARTED=$(date +%s)

for p in "$PORT" "$RECEIVER_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p is taken; set FUZZ_PORT / FUZZ_RECEIVER_PORT" >&2; exit 1; fi
done
bin/services >/dev/null
JAR=target/quarkus-app/quarkus-run.jar
bin/package-if-stale "${FUZZ_BUILD:-auto}"

SERVICE_PID= CHILD= DB_CREATED=
source bin/lib/stop-pid.sh
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "$CHILD" ] && stop_pid "$CHILD"
  stop_pid "$SERVICE_PID"
  [ -n "$DB_CREATED" ] && [ -z "${FUZZ_KEEP_DB:-}" ] && "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null || true
  # only this run's keys (its own prefix), never a flush
  redis-cli -h 127.0.0.1 --scan --pattern "${PREFIX}*" 2>/dev/null | xargs -r redis-cli -h 127.0.0.1 del >/dev/null 2>&1 || true
  if [ $rc = 0 ]; then rm -rf "$OUT"; else log "failed (exit $rc); service log and output kept in $OUT"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${PSQL[@]}" -c "CREATE DATABASE $DB"
DB_CREATED=1
# The production profile, configured as bin/run does, with tokens and a key of this run's own.
ADMIN_TOKEN=fuzz-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
READ_TOKEN=fuzz-read-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
READ_DIGEST=$(printf %s "$READ_TOKEN" | sha256sum | cut -d' ' -f1)
env DB_REACTIVE_URL="postgresql://127.0.0.1:5432/$DB" DB_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" \
  REPEATER_ADMIN_TOKENS="fuzz-admin:admin:$ADMIN_TOKEN,fuzz-reader:read:sha256:$READ_DIGEST" \
  SECRETS_KEYS="fuzz:$(head -c 32 /dev/urandom | base64)" SECRETS_ACTIVE_KEY=fuzz URL_POLICY_ALLOW_LOOPBACK=true PORT="$PORT" \
  java -Xmx512m -Ddispatch.lock.key-prefix="$PREFIX" -Dquarkus.http.host=127.0.0.1 \
  "-Dquarkus.log.category.\"io.repeaterdispatch.dispatch.RepeaterBatchRunner\".level=WARN" \
  -jar $JAR >"$OUT/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 120); do
  grep -q 'Listening on' "$OUT/service.log" 2>/dev/null && break
  kill -0 "$SERVICE_PID" 2>/dev/null || { tail -30 "$OUT/service.log" >&2; exit 1; }
  sleep 0.5
done
grep -q 'Listening on' "$OUT/service.log" || { echo "service did not start" >&2; tail -30 "$OUT/service.log" >&2; exit 1; }
log "service up (pid $SERVICE_PID, db $DB, port $PORT); $REQUESTS requests, seed $SEED"

rc=0
node faults/fuzz.mjs --base "http://127.0.0.1:$PORT" --token "$ADMIN_TOKEN" --read-token "$READ_TOKEN" \
  --receiver-port "$RECEIVER_PORT" --db "$DB" --requests "$REQUESTS" --seed "$SEED" --log "$OUT/service.log" --trace "$OUT/requests.log" &
CHILD=$!
wait "$CHILD" || rc=$?
CHILD=
if [ $rc != 0 ]; then
  log "guarantees broken; the service's errors:"
  grep -E 'ERROR|Exception' "$OUT/service.log" | head -40 >&2 || true
fi
log "wall time $(($(date +%s) - STARTED)) s"
exit $rc
