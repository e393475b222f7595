#!/usr/bin/env bash
# Scenario 2, Redis outage: Redis stopped for 30 s (quick: 10 s) mid-run, then started again
# (empty: no persistence, every lock gone). Two replicas, 50 per-repeater repeaters fed 200
# records/s, plus 5 repeaters of a legacy-path domain (flag off), which does not need Redis.
# Passes if, while Redis is down, the per-repeater path sends nothing (after a 2 s grace for
# requests already in flight), both replicas stay live (/q/health/live 200) but not ready
# (/q/health/ready 503), each logs the outage once (one warning, at most one summary per 30 s, one
# info when it is back), the per-repeater path delivers again within 10 s of Redis returning, the
# legacy path delivered every record enqueued in the outage (up to 5 s before its end) while Redis
# was still down, and nothing is lost or duplicated.
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
# Requests in the outage after a 2 s grace (those in flight when Redis went); the first
# per-repeater delivery after Redis returned; the legacy records enqueued in the outage up to
# LEGACY_SLACK s before its end, which the legacy path (no Redis needed) must have delivered by then.
LEGACY_SLACK=5
analyze --legacy-from 101 --requests-between $((STOPPED + 2000)) "$RESTARTED" --first-ok-after "$RESTARTED" \
  --legacy-delivered "$STOPPED" $((RESTARTED - LEGACY_SLACK * 1000)) "$RESTARTED"
figure "outage (s)" "$OUTAGE"
figure "per-repeater requests during outage" "${A[between.per_repeater_path]}"
figure "legacy requests during outage" "${A[between.legacy_path]}"
figure "legacy records enqueued in the outage (up to ${LEGACY_SLACK} s before its end) / delivered in it" \
  "${A[legacy_delivered.enqueued]} / ${A[legacy_delivered.delivered]}"
figure "health probes during outage: live!=200 / ready!=503" "$live_bad / $ready_bad of $probes"
first=${A[first_ok_after]}
resume_ms=$([ "$first" != null ] && awk "BEGIN{printf \"%d\", $first - $RESTARTED}" || echo never)
figure "first per-repeater delivery after Redis returned (ms)" "$resume_ms"
figure "ready again after Redis returned (ms)" "$([ -n "$ready_at" ] && echo $((ready_at - RESTARTED)) || echo never)"
[ "${A[between.per_repeater_path]}" = 0 ] || fail "${A[between.per_repeater_path]} per-repeater requests sent while Redis was down"
[ "${A[legacy_delivered.enqueued]}" -gt 0 ] || fail "no legacy record was enqueued during the outage: the legacy path was not exercised"
[ "${A[legacy_delivered.delivered]}" = "${A[legacy_delivered.enqueued]}" ] || fail "the legacy path stalled without Redis: \
only ${A[legacy_delivered.delivered]} of ${A[legacy_delivered.enqueued]} legacy records enqueued in the outage were delivered before Redis returned (late: ${A[legacy_delivered.late_sample]})"
[ $live_bad = 0 ] || fail "/q/health/live was not 200 in $live_bad probes during the outage"
[ $ready_bad = 0 ] || fail "/q/health/ready was not 503 in $ready_bad probes during the outage"
[ "$resume_ms" != never ] && [ "$resume_ms" -le 10000 ] || fail "the per-repeater path did not deliver within 10 s of Redis returning (first delivery after: $resume_ms$([ "$resume_ms" = never ] || echo ' ms'))"
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
check_counts 0
finish
