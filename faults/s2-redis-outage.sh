#!/usr/bin/env bash
# Scenario 2, Redis outage: Redis stopped for 30 s (quick: 10 s) mid-run, then started again
# (empty: no persistence, every lock gone). Two replicas, 50 per-repeater repeaters fed 200
# records/s, plus 5 repeaters of a legacy-path domain (flag off), which does not need Redis.
# Passes if, while Redis is down, the per-repeater path sends nothing (after a 2 s grace for
# requests already in flight), both replicas stay live (/q/health/live 200) but not ready
# (/q/health/ready 503), each logs the outage once (one warning, at most one summary per 30 s, one
# info when it is back), dispatch resumes within 10 s of Redis returning, and nothing is lost or
# duplicated.
SCENARIO=s2-redis-outage
source "$(dirname "$0")/lib.sh"

OUTAGE=30 BEFORE=10 AFTER=15 REPEATERS=50 RATE=200
[ "$QUICK" = 1 ] && OUTAGE=10 BEFORE=5 AFTER=5
start_pg; start_redis; start_receiver --delay 5 --jitter 10
start_replica 1; wait_ready 1 90
make_repeaters 1 $REPEATERS ok 7 5000
make_repeaters 101 105 ok 7 5000
sql "UPDATE repeater SET domain = 'legacy' WHERE id > 100" >/dev/null
[ "$(api 1 PUT /domains/legacy/flags/process-repeaters '{"enabled": false}')" = 200 ] || fail "could not turn the legacy flag off"
start_replica 2; wait_ready 2 90

feeder() { # RATE records a second: 90 % per-repeater, 10 % legacy
  local i=0
  while :; do
    i=$((i + 1))
    enqueue_sql "f$i-" $((RATE * 9 / 10)) 1 $REPEATERS || true
    enqueue_sql "l$i-" $((RATE / 10)) 101 105 || true
    sleep 1
  done
}
feeder & FEEDER=$!; PIDS+=($FEEDER)
sleep $BEFORE
log "stopping Redis for $OUTAGE s"
STOPPED=$(now_ms)
stop_redis
live_bad=0 ready_bad=0 probes=0
end=$(( $(date +%s) + OUTAGE ))
sleep 2
while [ "$(date +%s)" -lt $end ]; do
  for n in 1 2; do
    probes=$((probes + 1))
    [ "$(health $n live)" = 200 ] || live_bad=$((live_bad + 1))
    [ "$(health $n ready)" = 503 ] || ready_bad=$((ready_bad + 1))
  done
  sleep 1
done
for n in 1 2; do kill -0 "${REPLICA_PID[$n]}" 2>/dev/null || fail "replica $n died during the outage"; done
log "starting Redis again"
RESTARTED=$(now_ms)
start_redis
ready_at=
for _ in $(seq 1 100); do
  [ "$(health 1 ready)" = 200 ] && [ "$(health 2 ready)" = 200 ] && { ready_at=$(now_ms); break; }
  sleep 0.2
done
sleep $AFTER
kill $FEEDER; wait $FEEDER 2>/dev/null || true
wait_all_delivered 60 || true
sleep 1
r=$(analyze --no-lock-from 101 \
      --between $((STOPPED + 2000)) "$RESTARTED" --first-after "$RESTARTED")
# the legacy path's requests during the outage, for the record (it keeps going by design)
legacy=$(python3 - "$OUT/requests.ndjson" $((STOPPED + 2000)) "$RESTARTED" <<'PY'
import json, sys
lo, hi = float(sys.argv[2]), float(sys.argv[3])
n = p = 0
for line in open(sys.argv[1]):
    try: r = json.loads(line)
    except ValueError: continue
    if lo <= r['t0'] < hi:
        if r['rep'] > 100: n += 1
        else: p += 1
print(n, p)
PY
)
echo "$r" >"$OUT/analysis.json"
per_repeater_during=${legacy#* }; legacy_during=${legacy% *}
figure "outage (s)" "$OUTAGE"
figure "per-repeater requests during outage" "$per_repeater_during"
figure "legacy requests during outage" "$legacy_during"
figure "health probes during outage: live!=200 / ready!=503" "$live_bad / $ready_bad of $probes"
first=$(jget "$r" first_after)
resume_ms=$([ "$first" != None ] && awk "BEGIN{printf \"%d\", $first - $RESTARTED}" || echo never)
figure "first delivery after Redis returned (ms)" "$resume_ms"
figure "ready again after Redis returned (ms)" "$([ -n "$ready_at" ] && echo $((ready_at - RESTARTED)) || echo never)"
[ "$per_repeater_during" = 0 ] || fail "$per_repeater_during per-repeater requests sent while Redis was down"
[ $live_bad = 0 ] || fail "/q/health/live was not 200 in $live_bad probes during the outage"
[ $ready_bad = 0 ] || fail "/q/health/ready was not 503 in $ready_bad probes during the outage"
[ "$resume_ms" != never ] && [ "$resume_ms" -le 10000 ] || fail "dispatch did not resume within 10 s of Redis returning ($resume_ms ms)"
[ -n "$ready_at" ] || fail "a replica did not become ready again within 20 s"
for n in 1 2; do
  warns=$(grep -cE 'WARN +\[io\.re\.' "$OUT/replica-$n.log" || true)
  down=$(grep -c 'redis unreachable' "$OUT/replica-$n.log" || true)
  still=$(grep -c 'redis still unreachable' "$OUT/replica-$n.log" || true)
  back=$(grep -c 'redis reachable again' "$OUT/replica-$n.log" || true)
  figure "replica $n log: WARN lines / outage / summaries / back" "$warns / $down / $still / $back"
  [ "$down" = 1 ] && [ "$back" = 1 ] || fail "replica $n logged the outage $down time(s) and the recovery $back time(s), expected 1 and 1"
  [ "$still" -le $(( OUTAGE / 30 + 1 )) ] || fail "replica $n logged $still summaries in a $OUTAGE s outage"
  [ "$warns" -le $(( 3 + OUTAGE / 30 )) ] || fail "replica $n logged $warns warnings: the log is spammed"
done
check_counts "$r" 0
finish
