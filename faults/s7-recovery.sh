#!/usr/bin/env bash
# Scenario 7, recovery time: how long after a replica dies its work waits, with the shipped
# dispatch.claim-lease (20 s) and dispatch.lock.ttl (15 s). Two replicas deliver 6,000 records over
# 20 repeaters (answers take 80-120 ms); replica 1 is SIGKILLed while it holds batches and is NOT
# restarted. Its orphans are the records it had claimed (leases it could no longer renew) and the
# repeaters of those records (Redis locks it could no longer extend).
# Passes if replica 2 delivers every orphaned record and serves every orphaned repeater within
# 30 s of the kill, and nothing is lost, duplicated beyond what replica 1 had in flight, or overlapped.
SCENARIO=s7-recovery
source "$(dirname "$0")/lib.sh"

RECORDS=6000 REPEATERS=20 IN_FLIGHT=32 LEASE_S=20 LIMIT_S=30
start_pg; start_redis
start_receiver --delay 100 --jitter 20
R=(-Ddispatch.max-in-flight=$IN_FLIGHT)
start_replica 1 "${R[@]}"; start_replica 2 "${R[@]}"
wait_ready 1 90; wait_ready 2 90
make_repeaters 1 $REPEATERS ok 8 5000
log "enqueueing $RECORDS records over $REPEATERS repeaters"
enqueue_sql k "$RECORDS" 1 $REPEATERS

# Kill replica 1 once both are sending: a kill between batches would orphan nothing.
sleep 3
KILLED_AT=$(now_ms)
kill_replica 1 KILL
log "SIGKILL replica 1 with $(queued_db) records still queued"
# Replica 2's batches take well under 2 s, and whatever it claims after the kill has a lease ending
# later than KILLED_AT + lease; what is still claimed with an earlier lease end was replica 1's.
sleep 2
sql "SELECT id, repeater_id FROM repeat_record
      WHERE claim_token IS NOT NULL AND lease_until <= to_timestamp($KILLED_AT / 1000.0) + interval '$LEASE_S seconds'" \
  | tr '|' '\t' >"$OUT/orphans.tsv"
ORPHANS=$(wc -l <"$OUT/orphans.tsv")
log "replica 1 left $ORPHANS claimed records behind"
wait_all_delivered 120 || true
analyze --orphans "$OUT/orphans.tsv" "$KILLED_AT"
figure "orphaned records / repeaters" "${A[orphans.records]} / ${A[orphans.repeaters]}"
figure "orphaned records delivered after kill (s, p50 / max)" \
  "$(awk "BEGIN{printf \"%.1f / %.1f\", ${A[orphans.record_delivered_after.p50_ms]:-0}/1000, ${A[orphans.record_delivered_after.max_ms]:-0}/1000}")"
figure "orphaned repeaters served again after kill (s, p50 / max)" \
  "$(awk "BEGIN{printf \"%.1f / %.1f\", ${A[orphans.repeater_served_after.p50_ms]:-0}/1000, ${A[orphans.repeater_served_after.max_ms]:-0}/1000}")"
[ -n "${RECOVERED_AT:-}" ] && figure "all delivered after kill (s)" "$(awk "BEGIN{printf \"%.1f\", (${RECOVERED_AT} - $KILLED_AT)/1000}")"
check_counts $IN_FLIGHT
[ "$ORPHANS" -gt 0 ] || fail "replica 1 held no claimed records when it was killed: the run proves nothing"
[ "${A[orphans.record_delivered_after.never]}" = 0 ] || fail "${A[orphans.record_delivered_after.never]} orphaned records never delivered"
[ "${A[orphans.repeater_served_after.never]}" = 0 ] || fail "${A[orphans.repeater_served_after.never]} orphaned repeaters never served again"
[ "${A[orphans.record_delivered_after.max_ms]:-999999}" -le $((LIMIT_S * 1000)) ] \
  || fail "an orphaned record waited ${A[orphans.record_delivered_after.max_ms]} ms after the kill (limit ${LIMIT_S} s)"
[ "${A[orphans.repeater_served_after.max_ms]:-999999}" -le $((LIMIT_S * 1000)) ] \
  || fail "an orphaned repeater waited ${A[orphans.repeater_served_after.max_ms]} ms after the kill (limit ${LIMIT_S} s)"
[ "${A[orphans.served_by]}" = '["r2"]' ] || fail "orphans served by ${A[orphans.served_by]}, expected only r2"
finish
