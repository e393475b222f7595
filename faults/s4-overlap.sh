#!/usr/bin/env bash
# Scenario 4, one repeater never served by two replicas at once: three replicas run for 5 minutes
# (quick: 30 s) over 200 repeaters (quick: 50) kept busy by a feeder (300 records/s, spread
# randomly), answers taking 0-30 ms so batches last long enough to collide if the lock let them.
# Every request carries X-Dispatch-Replica; from the receiver's log, for each repeater, no request
# from one replica may arrive while a request of the same repeater from another replica is still
# open. Also: nothing lost, no duplicates, every replica served some repeater.
SCENARIO=s4-overlap
source "$(dirname "$0")/lib.sh"

SECONDS_RUN=300 REPEATERS=200 RATE=300
[ "$QUICK" = 1 ] && SECONDS_RUN=30 REPEATERS=50
start_pg; start_redis; start_receiver --delay 0 --jitter 30
start_replica 1; wait_ready 1 90
make_repeaters 1 $REPEATERS ok 5 5000
start_replica 2; start_replica 3
wait_ready 2 90; wait_ready 3 90

feeder() {
  local i=0
  while :; do
    i=$((i + 1))
    sql "INSERT INTO repeat_record (domain, repeater_id, payload_id, payload, registered_at, next_check)
         SELECT 'd' || rid, rid, 'o$i-' || g, '{}', now(), now() -- make_repeaters puts repeater g in domain dg
           FROM (SELECT g, 1 + floor(random() * $REPEATERS)::int AS rid FROM generate_series(1, $RATE) g) s" >/dev/null || true
    sleep 1
  done
}
log "running for $SECONDS_RUN s"
feeder & FEEDER=$!; PIDS+=($FEEDER)
sleep $SECONDS_RUN
kill $FEEDER; wait $FEEDER 2>/dev/null || true
wait_all_delivered 60 || true
analyze
figure "run (s)" "$SECONDS_RUN"
figure "requests" "${A[requests]}"
figure "repeaters / replicas seen" "${A[repeaters_seen]} / ${A[replicas_seen]}"
figure "requests per replica" "${A[requests_per_replica]} | repeaters served by >1 replica: ${A[repeaters_served_by_several_replicas]}"
[ "${A[replicas_seen]}" = '["r1","r2","r3"]' ] || fail "not every replica delivered: ${A[replicas_seen]}"
check_counts 0
finish
