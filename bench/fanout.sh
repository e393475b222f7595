#!/usr/bin/env bash
# Fan-out by event type: records/s created by POST /api/v1/domains/{domain}/events when 1,000
# events go to a domain of 500 repeaters that all subscribe (500,000 records), against the packaged
# service (built first if stale), the local PostgreSQL and a scratch database dropped at the end.
#   bench/fanout.sh            full size (~1-2 min on 2 cores)
#   bench/fanout.sh --smoke    20 events to 10 repeaters, a few seconds
# The repeaters are made by SQL, paused: a fan-out queues records for paused repeaters too, and
# nothing is dispatched meanwhile, so the figure is the intake alone. Events go in calls of
# floor(admin.fan-out.max-records / subscribers) events (200 at the defaults: 5 calls of 100,000
# records), one call at a time (BENCH_FANOUT_CONCURRENCY for more), after one unmeasured warm-up call.
# records/s = records created / wall time from the first call sent to the last answer; each call's
# time and rate too. Checked: every call 202, and the queue holds exactly events x subscribers.
# Knobs: BENCH_FANOUT_EVENTS (1000), BENCH_FANOUT_REPEATERS (500), BENCH_FANOUT_PAYLOAD_BYTES (200),
# BENCH_FANOUT_SUBSCRIBED (share of repeaters subscribed to the events' type, 1.0; the others take
# another type, so the match has work to do), BENCH_FANOUT_MAX_RECORDS (the cap, 100000),
# BENCH_FANOUT_CONCURRENCY (1), BENCH_PORT (18394), BENCH_JAVA_OPTS (bin/run's), BENCH_BUILD.
set -euo pipefail
cd "$(dirname "$0")/.."
SMOKE=0
for a in "$@"; do
  case $a in
    --smoke) SMOKE=1 ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
  esac
done
EVENTS=${BENCH_FANOUT_EVENTS:-$([ $SMOKE = 1 ] && echo 20 || echo 1000)}
REPEATERS=${BENCH_FANOUT_REPEATERS:-$([ $SMOKE = 1 ] && echo 10 || echo 500)}
PAYLOAD_BYTES=${BENCH_FANOUT_PAYLOAD_BYTES:-200}
SUBSCRIBED=${BENCH_FANOUT_SUBSCRIBED:-1.0}
MAX_RECORDS=${BENCH_FANOUT_MAX_RECORDS:-100000}
CONCURRENCY=${BENCH_FANOUT_CONCURRENCY:-1}
PORT=${BENCH_PORT:-18394}
JAVA_OPTS_SERVICE=${BENCH_JAVA_OPTS--XX:+UseSerialGC -XX:MaxRAM=768m}
DB=rd_bench_fanout_$$
LOG=/tmp/rd-bench-fanout-$$.log
PSQL=(psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1)

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "port $PORT is taken; set BENCH_PORT" >&2; exit 1; fi
bin/services >/dev/null
bin/package-if-stale "${BENCH_BUILD:-auto}"
source bin/lib/stop-pid.sh
SERVICE_PID=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$SERVICE_PID"
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null || true
  [ $rc = 0 ] && rm -f "$LOG" || echo "[fanout] failed (exit $rc); service log: $LOG" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${PSQL[@]}" -c "CREATE DATABASE $DB"
# shellcheck disable=SC2086 # JAVA_OPTS_SERVICE is a list of options
PORT=$PORT DB_REACTIVE_URL=postgresql://127.0.0.1:5432/$DB DB_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
  REPEATER_ADMIN_TOKENS=bench:admin:bench-token URL_POLICY_ALLOW_LOOPBACK=true \
  SECRETS_KEYS=bench:cmVwZWF0ZXItZGlzcGF0Y2gtZGV2LWtleS0wMDAwMDA= SECRETS_ACTIVE_KEY=bench \
  ADMIN_FAN_OUT_MAX_RECORDS=$MAX_RECORDS DISPATCH_LOCK_KEY_PREFIX="rd-bench-fanout-$$:" \
  java $JAVA_OPTS_SERVICE -jar target/quarkus-app/quarkus-run.jar >"$LOG" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 90); do grep -q 'Listening on' "$LOG" && break; kill -0 $SERVICE_PID 2>/dev/null || break; sleep 1; done
grep -q 'Listening on' "$LOG" || { echo "[fanout] the service did not start" >&2; exit 1; }

# The domain: REPEATERS paused repeaters; the first SUBSCRIBED share every type ('{}'), the rest
# "other.*". A warm-up domain of its own takes the unmeasured first call.
"${PSQL[@]}" -d "$DB" <<SQL
INSERT INTO repeater (domain, name, url, is_paused, event_types)
SELECT 'bench-fanout', 'r' || g, 'http://127.0.0.1:9/never', true,
       CASE WHEN g <= ceil($REPEATERS * $SUBSCRIBED) THEN '{}'::text[] ELSE '{other.*}'::text[] END
  FROM generate_series(1, $REPEATERS) g;
INSERT INTO repeater (domain, name, url, is_paused) SELECT 'bench-warmup', 'w' || g, 'http://127.0.0.1:9/never', true
  FROM generate_series(1, 10) g;
ANALYZE repeater;
SQL
SUBSCRIBERS=$("${PSQL[@]}" -d "$DB" -tAc "SELECT count(*) FROM repeater WHERE domain = 'bench-fanout' AND event_types = '{}'")

node - "$PORT" "$EVENTS" "$SUBSCRIBERS" "$PAYLOAD_BYTES" "$MAX_RECORDS" "$CONCURRENCY" <<'JS'
const [port, events, subscribers, payloadBytes, maxRecords, concurrency] = process.argv.slice(2).map(Number);
const base = `http://127.0.0.1:${port}/api/v1/domains`;
const headers = { Authorization: "Bearer bench-token", "Content-Type": "application/json" };
const pad = "x".repeat(Math.max(0, payloadBytes - 60));
const event = (i) => ({ eventType: "case.created", payloadId: `case-${i}`, payload: { case: i, status: "open", pad } });
const perCall = Math.max(1, Math.floor(maxRecords / Math.max(1, subscribers)));
const post = async (domain, items) => {
  const started = performance.now();
  const res = await fetch(`${base}/${domain}/events`, { method: "POST", headers, body: JSON.stringify(items) });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`${domain}: ${res.status} ${text.slice(0, 300)}`);
  return { ms: performance.now() - started, count: JSON.parse(text).count };
};
(async () => {
  await post("bench-warmup", Array.from({ length: 50 }, (_, i) => event(i)));
  const calls = [];
  for (let i = 0; i < events; i += perCall) calls.push(Array.from({ length: Math.min(perCall, events - i) }, (_, k) => event(i + k)));
  const results = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, calls.length) }, async () => {
    while (next < calls.length) { const items = calls[next++]; results.push({ events: items.length, ...(await post("bench-fanout", items)) }); }
  }));
  const wallMs = performance.now() - started;
  const records = results.reduce((n, r) => n + r.count, 0);
  console.log(`| events | subscribed repeaters | records | calls (events each) | concurrency | wall s | records/s |`);
  console.log(`|---:|---:|---:|---|---:|---:|---:|`);
  console.log(`| ${events} | ${subscribers} | ${records} | ${calls.length} (${perCall}) | ${concurrency} | ${(wallMs / 1000).toFixed(2)} | ${Math.round(records / (wallMs / 1000))} |`);
  console.log("\nper call: " + results.map((r) => `${r.count} records in ${(r.ms / 1000).toFixed(2)} s (${Math.round(r.count / (r.ms / 1000))}/s)`).join("; "));
  if (records !== events * subscribers) { console.error(`expected ${events * subscribers} records, answered ${records}`); process.exit(1); }
})().catch((e) => { console.error(e.message); process.exit(1); });
JS
QUEUED=$("${PSQL[@]}" -d "$DB" -tAc "SELECT count(*) FROM repeat_record WHERE domain = 'bench-fanout'")
[ "$QUEUED" = $((EVENTS * SUBSCRIBERS)) ] || { echo "[fanout] the queue holds $QUEUED records, not $((EVENTS * SUBSCRIBERS))" >&2; exit 1; }
echo "queue checked: $QUEUED records; load average $(cut -d' ' -f1-3 /proc/loadavg)"
