#!/usr/bin/env bash
# Scenario 3, PostgreSQL restart: the private cluster is stopped (fast shutdown: every connection
# cut) and started again 5 s later, mid-run, while two replicas deliver and a client enqueues
# through the admin API (20 records every 200 ms, alternating replicas). Passes if both replicas
# survive, delivery resumes within 15 s of PostgreSQL being back, both enqueue listeners are
# LISTENing on the restarted server again (pg_stat_activity), every record id the API answered
# with 202 is delivered, no record stays claimed, and duplicates stay within what can be in flight
# at the cut: one batch per repeater (their result writes failed, so they are sent again after
# their lease).
# Reports the API's 5xx answers while the database was away.
SCENARIO=s3-postgres-restart
source "$(dirname "$0")/lib.sh"

BEFORE=10 DOWN=5 AFTER=15 REPEATERS=50 BATCH=7
[ "$QUICK" = 1 ] && BEFORE=5 AFTER=8
start_pg; start_redis; start_receiver --delay 5 --jitter 10
start_replica 1; wait_ready 1 90
make_repeaters 1 $REPEATERS ok $BATCH 5000
start_replica 2; wait_ready 2 90

feeder() { # one API call every 200 ms, 20 records, alternating replicas; logs each answer
  local i=0
  while :; do
    i=$((i + 1))
    local rep=$(( i % REPEATERS + 1 )) body="["
    for j in $(seq 1 20); do body+="{\"payloadId\": \"a$i-$j\", \"payload\": {\"i\": $i}},"; done
    echo "$(now_ms) $(api_answer $(( i % 2 + 1 )) POST /repeaters/$rep/records "${body%,}]")" >>"$OUT/enqueue-answers.txt"
    sleep 0.2
  done
}
feeder & FEEDER=$!; PIDS+=($FEEDER)
sleep $BEFORE
log "stopping PostgreSQL for $DOWN s"
STOPPED=$(now_ms)
pg_stop fast
sleep $DOWN
log "starting PostgreSQL again"
pg_start
RESTARTED=$(now_ms)
sleep $AFTER
kill $FEEDER; wait $FEEDER 2>/dev/null || true
for n in 1 2; do kill -0 "${REPLICA_PID[$n]}" 2>/dev/null || fail "replica $n died across the restart"; done
# The enqueue listeners: one LISTEN session per replica must be back on the restarted server.
listeners=0
for _ in $(seq 1 50); do
  listeners=$(sql "SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'")
  [ "$listeners" = 2 ] && break
  sleep 0.2
done
wait_all_delivered 30 || true
# what must arrive: the record ids of the API's 202 answers, not what the database holds
analyze --accepted "$OUT/enqueue-answers.txt" --first-ok-after "$RESTARTED"
first=${A[first_ok_after]}
resume_ms=$([ "$first" != null ] && awk "BEGIN{printf \"%d\", $first - $RESTARTED}" || echo never)
# While the database is away the API answers 503 + Retry-After (retry, nothing stored); any
# other 5xx is a bug.
api503=$(awk '$2 == 503' "$OUT/enqueue-answers.txt" | wc -l)
api5xx=$(awk '$2 >= 500 && $2 != 503' "$OUT/enqueue-answers.txt" | wc -l)
apidown=$(awk '$2 == "000"' "$OUT/enqueue-answers.txt" | wc -l)
figure "enqueue calls (202 / 503 / other 5xx / no answer)" "$(awk '$2 == 202' "$OUT/enqueue-answers.txt" | wc -l) / $api503 / $api5xx / $apidown"
figure "records in the database / accepted with 202" "${A[in_database]} / ${A[expected]}"
[ "$api5xx" = 0 ] || fail "$api5xx enqueue calls got a 5xx other than 503 while PostgreSQL restarted"
figure "first delivery after PostgreSQL returned (ms)" "$resume_ms"
figure "stuck claimed at the end" "$(sql "SELECT count(*) FROM repeat_record WHERE claim_token IS NOT NULL")"
for n in 1 2; do figure "replica $n: listener lost / batch aborted lines" \
  "$(grep -c 'listener connection' "$OUT/replica-$n.log" || true) / $(grep -c 'batch aborted' "$OUT/replica-$n.log" || true)"; done
[ "$resume_ms" != never ] && [ "$resume_ms" -le 15000 ] || fail "delivery did not resume within 15 s of PostgreSQL returning (first delivery after: $resume_ms$([ "$resume_ms" = never ] || echo ' ms'))"
[ "$(sql "SELECT count(*) FROM repeat_record WHERE claim_token IS NOT NULL")" = 0 ] || fail "records still claimed at the end"
figure "LISTEN sessions after the restart" "$listeners"
[ "$listeners" = 2 ] || fail "$listeners enqueue listeners back after the restart, expected 2 (one per replica)"
# A batch whose answers were in but whose result write met the restart is sent again when its
# lease ends: at-least-once, bounded by what can be in flight at the cut. The repeater's lock
# allows one batch per repeater at a time, so that is repeaters x batch size (below the 2 x 256
# slots of the two replicas).
figure duplicate_bound "$((REPEATERS * BATCH)) (repeaters x batch size)"
check_counts $((REPEATERS * BATCH))
finish
