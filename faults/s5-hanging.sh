#!/usr/bin/env bash
# Scenario 5, slow and hanging endpoints: 10 % of repeaters (10 of 100) hang: their endpoint
# answers only after 30 s. One replica with 128 slots (dispatch.max-in-flight) and a slow share of
# 32 (dispatch.slow.max-in-flight). Five of the hanging repeaters have a 40 s timeout (their records
# succeed, slowly: the worst case, they never back off), five a 3 s timeout (they time out and back
# off). The healthy 90 repeaters are fed records all along; the hanging ones get records in the
# second phase. Passes if every timed-out request ended by its timeout (+2 s), hanging requests
# held at most the slow share once every hanging repeater's first batch had ended (a repeater is
# known slow only after its first batch), healthy repeaters kept at least half of their delivery
# rate, and nothing was lost once the endpoints stopped hanging at the end of the phase.
SCENARIO=s5-hanging
source "$(dirname "$0")/lib.sh"

BASE=20 PHASE=75 SHARE=32 SLOTS=128
[ "$QUICK" = 1 ] && BASE=10 PHASE=50
start_pg; start_redis; start_receiver --delay 20 --jitter 10 --hang-ms 30000
# 30 s hangs outlast the default 20 s lease: its renewal keeps them from being sent twice.
DISPATCH_OPTS+=(-Ddispatch.max-request-timeout=60s)
R=(-Ddispatch.max-in-flight=$SLOTS -Ddispatch.slow.max-in-flight=$SHARE -Ddispatch.slow.threshold=2s)
start_replica 1 "${R[@]}"; wait_ready 1 90
make_repeaters 1 90 ok 5 5000
make_repeaters 91 95 hang 20 40000
make_repeaters 96 100 hang 20 3000

feeder() { # healthy records only
  local i=0
  while :; do i=$((i + 1)); enqueue_sql "h$i-" 300 1 90 || true; sleep 1; done
}
feeder & FEEDER=$!; PIDS+=($FEEDER)
T_BASE=$(now_ms)
sleep $BASE
log "hanging repeaters get 100 records each"
T_HANG=$(now_ms)
enqueue_sql x 1000 91 100
sleep $PHASE
T_END=$(now_ms)
kill $FEEDER; wait $FEEDER 2>/dev/null || true
# the endpoints recover (requests already hanging keep their 30 s): what timed out must now go out
curl -sf -o /dev/null -X POST -d '{"/hang": "ok"}' "http://127.0.0.1:$RECEIVER_PORT/_behaviour" || fail "could not make the hanging endpoints recover"
wait_all_delivered 90 || true
analyze --hang-open-until "$T_END" --ok-rate "$T_BASE" "$T_HANG" --ok-rate "$T_HANG" "$T_END"
base_rate=${A[ok_rate.0.per_s]}; hang_rate=${A[ok_rate.1.per_s]}
figure "healthy /ok answers per s: before / during hangs" "$base_rate / $hang_rate"
figure "hanging requests open at once after the first batches (peak)" "${A[hang_open_peak]} (slow share $SHARE of $SLOTS slots; from $(( (${A[hang_first_batches_done]%.*} - T_HANG) / 1000 )) s into the phase)"
figure "longest aborted request (ms)" "${A[longest_aborted_ms]} (timeouts 3 s; 40 s ones answered at 30 s)"
figure "longest request (ms)" "${A[longest_ms]}"
[ "${A[hang_open_peak]}" -le $SHARE ] || fail "hanging repeaters held ${A[hang_open_peak]} requests at once, over the slow share $SHARE"
[ "${A[longest_aborted_ms]}" -le 5000 ] || fail "a request was given up only after ${A[longest_aborted_ms]} ms (timeout 3 s)"
awk "BEGIN{exit !($hang_rate >= 0.5 * $base_rate)}" || fail "healthy delivery rate fell from $base_rate/s to $hang_rate/s"
check_counts 0
finish
