#!/usr/bin/env bash
# SIGTERM during a batch, against the packaged jar (what a pod gets from Kubernetes): checks that
# the process exits 0, that the batch answering within the grace is recorded, that the batch still
# hanging when the grace ends is handed back (due again, unclaimed, no attempt), that no
# `<prefix>lock:repeater:*` key is left in Redis and no record stays claimed, and that the log says
# what happened. Uses its own database and Redis key prefix (both removed at the end), ports
# 28310-28311, a 4 s grace. About 30 s with the jar built; builds it first if it is missing.
#   k8s/shutdown-check.sh            (JAR=... to test another build)
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${SHUTDOWN_CHECK_APP_PORT:-28310}
RECEIVER_PORT=${SHUTDOWN_CHECK_RECEIVER_PORT:-28311}
JAR=${JAR:-target/quarkus-app/quarkus-run.jar}
RUN="sdc_$(date +%s)_$$"
DB="rd_$RUN"
PREFIX="rd-shutdown-check:$RUN:"
TOKEN=shutdown-check-token
WORK=$(mktemp -d)
APP_PID= RECEIVER_PID= DB_CREATED=
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qtA)

cleanup() {
  [ -n "$APP_PID" ] && kill -9 "$APP_PID" 2>/dev/null || true
  [ -n "$RECEIVER_PID" ] && kill "$RECEIVER_PID" 2>/dev/null || true
  [ -n "$DB_CREATED" ] && "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
  redis-cli -h 127.0.0.1 --scan --pattern "${PREFIX}*" | xargs -r redis-cli -h 127.0.0.1 DEL >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "[shutdown-check] FAIL: $*" >&2; echo "--- service log (tail) ---" >&2; tail -40 "$WORK/app.log" >&2 || true; exit 1; }
# waits up to $1 seconds for the command after it to succeed
wait_for() { local limit=$1; shift; local end=$((SECONDS + limit)); until "$@"; do [ $SECONDS -lt $end ] || return 1; sleep 0.2; done; }

[ "$JAR" != target/quarkus-app/quarkus-run.jar ] || bin/package-if-stale

"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
DB_CREATED=1

# Receiver (bin/receiver.mjs): /held answers 200 only when POST /_release comes (the script sends
# it after SIGTERM, so those answers land inside the grace); /hang never answers.
node bin/receiver.mjs --port "$RECEIVER_PORT" 2> "$WORK/receiver.log" &
RECEIVER_PID=$!
receiver_up() { curl -sf -o /dev/null "http://127.0.0.1:$RECEIVER_PORT/_stats"; }
wait_for 10 receiver_up || fail "receiver not listening: $(cat "$WORK/receiver.log")"
# requests the receiver got on paths starting with $1 (/held, /hang)
hits() { curl -sf "http://127.0.0.1:$RECEIVER_PORT/_stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).byKind[process.argv[1]]||0))' "$1"; }

PORT=$APP_PORT \
DB_REACTIVE_URL="postgresql://127.0.0.1:5432/$DB" DB_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" \
DISPATCH_LOCK_KEY_PREFIX="$PREFIX" DISPATCH_SHUTDOWN_GRACE=4s \
REPEATER_ADMIN_TOKENS="check:admin:$TOKEN" \
SECRETS_KEYS=dev:cmVwZWF0ZXItZGlzcGF0Y2gtZGV2LWtleS0wMDAwMDA= SECRETS_ACTIVE_KEY=dev \
URL_POLICY_ALLOW_LOOPBACK=true \
  java -XX:MaxRAM=768m -jar "$JAR" > "$WORK/app.log" 2>&1 &
APP_PID=$!

ready() { curl -sf -o /dev/null "http://127.0.0.1:$APP_PORT/q/health/ready"; }
wait_for 90 ready || fail "service not ready"

api() { curl -sf -X POST "http://127.0.0.1:$APP_PORT/api/v1$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$2"; }
id_of() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))'; }
SLOW=$(api /repeaters "{\"domain\":\"acme\",\"name\":\"slow\",\"url\":\"http://127.0.0.1:$RECEIVER_PORT/held\",\"batchSize\":5,\"timeoutMs\":60000}" | id_of)
HANG=$(api /repeaters "{\"domain\":\"acme\",\"name\":\"hang\",\"url\":\"http://127.0.0.1:$RECEIVER_PORT/hang\",\"batchSize\":3,\"timeoutMs\":120000}" | id_of)
# a JSON array of $2 records with payload ids $1 0, $1 1, ...
items() { node -e 'console.log(JSON.stringify(Array.from({length: +process.argv[2]}, (_, i) => ({payloadId: process.argv[1] + i, payload: {n: i}}))))' "$1" "$2"; }
api "/repeaters/$SLOW/records" "$(items s 6)" >/dev/null   # a batch of 5, and 1 for a batch that must not start
api "/repeaters/$HANG/records" "$(items h 3)" >/dev/null

in_flight() { [ "$(hits /held)" -eq 5 ] && [ "$(hits /hang)" -eq 3 ]; }
wait_for 30 in_flight || fail "batches not in flight: /held $(hits /held), /hang $(hits /hang)"

kill -TERM "$APP_PID"
stopping() { grep -q 'shutdown: stopped taking batches' "$WORK/app.log"; }
wait_for 20 stopping || fail "no shutdown line after SIGTERM"
curl -sf -X POST -o /dev/null "http://127.0.0.1:$RECEIVER_PORT/_release" || fail "receiver gone before the release"
exited() { ! kill -0 "$APP_PID" 2>/dev/null; }
wait_for 60 exited || fail "still running 60 s after SIGTERM"
set +e; wait "$APP_PID"; RC=$?; set -e
APP_PID=

problems=()
[ "$RC" -eq 0 ] || problems+=("exit code $RC, expected 0")
q() { "${PSQL[@]}" -d "$DB" -c "$1"; }
[ "$(q "SELECT count(*) FROM repeat_record_all WHERE repeater_id = $SLOW AND state = 4")" = 5 ] \
  || problems+=("slow batch not recorded: $(q "SELECT string_agg(state::text, ',') FROM repeat_record_all WHERE repeater_id = $SLOW")")
[ "$(q "SELECT count(*) FROM repeat_record_all WHERE repeater_id = $SLOW AND state = 1 AND attempt_count = 0")" = 1 ] \
  || problems+=("the 6th slow record was sent: a batch started after SIGTERM")
SLOW_HITS=$(hits /held)
[ "$SLOW_HITS" -eq 5 ] || problems+=("/held got $SLOW_HITS requests, expected 5")
[ "$(q "SELECT count(*) FROM repeat_record_all WHERE repeater_id = $HANG AND state = 1 AND attempt_count = 0 AND claim_token IS NULL AND next_check <= now()")" = 3 ] \
  || problems+=("hanging batch not handed back: $(q "SELECT string_agg(format('%s/%s/%s/%s', state, attempt_count, claim_token, next_check), ' ') FROM repeat_record_all WHERE repeater_id = $HANG")")
[ "$(q "SELECT count(*) FROM repeat_record WHERE claim_token IS NOT NULL")" = 0 ] || problems+=("records left claimed")
LOCKS=$(redis-cli -h 127.0.0.1 --scan --pattern "${PREFIX}lock:repeater:*" | wc -l)
[ "$LOCKS" -eq 0 ] || problems+=("$LOCKS lock keys left")
SUMMARY=$(grep -o 'shutdown: finished.*' "$WORK/app.log" | head -1 || true)
grep -q 'shutdown: finished 5, abandoned 3 .*3 records due again now, 1 repeater locks released' "$WORK/app.log" \
  || problems+=("unexpected shutdown summary: '$SUMMARY'")

if [ ${#problems[@]} -gt 0 ]; then
  printf '  - %s\n' "${problems[@]}" >&2
  fail "${#problems[@]} problem(s)"
fi
echo "[shutdown-check] OK: exit $RC; $SUMMARY; no lock keys under $PREFIX; no record claimed"
