#!/usr/bin/env bash
# Scenario 1, crash safety: a replica killed with SIGKILL mid-batch loses nothing. Three replicas
# deliver 50,000 records (quick: 5,000) while one of them is SIGKILLed and restarted 20 times
# (quick: 4). Claimed records come back when their lease ends (default 20 s), Redis locks expire
# (default 15 s).
# Passes if nothing is lost, duplicates stay within the records the killed replicas could have had
# answered but not yet recorded (kills x 2 x max-in-flight, below), no two replicas overlapped on a
# repeater, and everything is delivered within 180 s of the last kill.
SCENARIO=s1-sigkill
source "$(dirname "$0")/lib.sh"

# Slots per replica sized so that 50,000 records outlast 20 kill-and-restart cycles on 2 cores.
RECORDS=50000 KILLS=20 REPEATERS=100 IN_FLIGHT=8
[ "$QUICK" = 1 ] && RECORDS=5000 KILLS=4 REPEATERS=50
start_pg; start_redis
# Every answer takes 40-60 ms, so the run lasts long enough for the kills to land mid-batch.
start_receiver --delay 40 --jitter 20
R=(-Ddispatch.max-in-flight=$IN_FLIGHT)
start_replica 1 "${R[@]}"; wait_ready 1 90
make_repeaters 1 $REPEATERS ok 8 5000
start_replica 2 "${R[@]}"; start_replica 3 "${R[@]}"
wait_ready 2 90; wait_ready 3 90
log "enqueueing $RECORDS records over $REPEATERS repeaters"
enqueue_sql k "$RECORDS" 1 $REPEATERS
STARTED=$(now_ms)

kills=0 mid=0
while [ $kills -lt $KILLS ]; do
  victim=$(( kills % 3 + 1 ))
  # The victim must be up and sending before it is killed, or the kill proves nothing: a restart
  # takes longer than the pause between kills on a busy machine.
  wait_ready $victim 90 || break
  sleep "$([ "$QUICK" = 1 ] && echo 2 || echo 2.5)"
  left=$(queued_db)
  kill_replica $victim KILL
  kills=$((kills + 1))
  [ "$left" -gt 0 ] && mid=$((mid + 1))
  log "kill $kills: SIGKILL replica $victim with $left records still queued"
  start_replica $victim "${R[@]}"
done
LAST_KILL=$(now_ms)
for n in 1 2 3; do wait_ready $n 90; done
wait_all_delivered 180 || true
analyze
figure kills "$KILLS ($mid while records were queued)"
figure run_seconds "$(( (LAST_KILL - STARTED) / 1000 ))"
[ -n "${RECOVERED_AT:-}" ] && figure "all delivered after last kill (s)" "$(awk "BEGIN{printf \"%.1f\", (${RECOVERED_AT} - $LAST_KILL)/1000}")"
# A killed replica can lose the answers of its requests in flight (at most its slots) and of the
# batches whose every request has been answered but whose result write has not committed yet: a
# request's slot is freed when its answer arrives (RepeaterBatchRunner.sendAll), before the write,
# so those records are no longer counted in its slots. Such batches are written within a few
# milliseconds, so they hold at most about one more set of slots; the quick run once met
# kills x max-in-flight exactly (32 of 32), which is why the bound counts both.
figure duplicate_bound "$((KILLS * 2 * IN_FLIGHT)) (kills x 2 x max-in-flight: in flight, and answered but not yet written)"
check_counts $((KILLS * 2 * IN_FLIGHT))
[ $mid -ge $((KILLS / 2)) ] || fail "only $mid of $KILLS kills landed while records were queued: the run was too short to prove anything"
[ "$(sql "SELECT count(*) FROM repeat_record WHERE claim_token IS NOT NULL")" = 0 ] || fail "records still claimed at the end"
finish
