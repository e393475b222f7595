#!/usr/bin/env bash
# Fault-injection suite (faults/README.md): runs the scenarios against the packaged service, each
# with its own PostgreSQL cluster, Redis, receiver and replicas (ports 28110-28199), and prints
# every scenario's figures. Exits non-zero if any guarantee broke.
#
#   faults/run.sh [--quick] [1 2 3 4 5 7 8] (default: all seven; --quick: short runs, for CI;
#                                           the API fuzz run, scenario 6, is faults/fuzz.sh)
#
# Builds the jar first when src/, migrations/ or pom.xml is newer than it (FAULTS_BUILD=0 skips).
# Logs and figures: faults/runs/<time>/<scenario>/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
WANT=()
for a in "$@"; do
  case $a in
    --quick) QUICK=1 ;;
    [1-578]) WANT+=("$a") ;;
    *) echo "usage: faults/run.sh [--quick] [1 2 3 4 5 7 8]" >&2; exit 2 ;;
  esac
done
[ ${#WANT[@]} -gt 0 ] || WANT=(1 2 3 4 5 7 8)
SCRIPTS=([1]=s1-sigkill.sh [2]=s2-redis-outage.sh [3]=s3-postgres-restart.sh [4]=s4-overlap.sh [5]=s5-hanging.sh [7]=s7-recovery.sh [8]=s8-strict-order.sh)

for tool in node psql redis-server curl runuser /usr/lib/postgresql/15/bin/initdb; do
  command -v "$tool" >/dev/null || { echo "faults: $tool is missing" >&2; exit 2; }
done
for port in 28110 28111 28120 28131 28132 28133; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "faults: port $port is in use" >&2; exit 2; fi
done
bin/package-if-stale "$([ "${FAULTS_BUILD:-1}" = 1 ] && echo auto || echo never)"

export FAULTS_OUT="$PWD/faults/runs/$(date -u +%Y%m%dT%H%M%SZ)$([ $QUICK = 1 ] && echo -quick)"
export FAULTS_QUICK=$QUICK
mkdir -p "$FAULTS_OUT"
failed=()
started=$(date +%s)
for n in "${WANT[@]}"; do
  s=$(date +%s)
  if ! "faults/${SCRIPTS[$n]}"; then failed+=("$n"); fi
  echo "[faults] scenario $n took $(( $(date +%s) - s )) s" >&2
done
echo
echo "== fault-injection figures ($([ $QUICK = 1 ] && echo quick || echo full) run, $(( $(date +%s) - started )) s, $FAULTS_OUT)"
cat "$FAULTS_OUT"/*/figures.tsv 2>/dev/null | column -t -s $'\t' || true
if [ ${#failed[@]} -gt 0 ]; then
  echo "!!!!! FAULT SCENARIOS FAILED: ${failed[*]} (see the GUARANTEE BROKEN lines above)" >&2
  exit 1
fi
echo "all fault scenarios passed"
