#!/usr/bin/env bash
# Measures the performance targets of docs/performance.md with the command-line tool and
# prints one line per target (and the load average, since the machine is shared).
#   bash bench/targets.sh            # AMORCE=path/to/amorce to use another binary
# Single-threaded unless stated; CPU time (user + system) for the ratios, which a shared,
# loaded machine disturbs far less than wall time.
set -uo pipefail
cd "$(dirname "$0")/.."
AMORCE=${AMORCE:-build/release/amorce}
PEER=bench/scenarios/peer.yaml
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }
wall() {  # wall seconds of a command (output discarded)
  /usr/bin/time -f "%e" -o "$TMP/t" "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; echo nan; return; }
  cat "$TMP/t"
}
cpu() {  # CPU seconds (user + system, all threads): robust to a loaded machine
  /usr/bin/time -f "%U %S" -o "$TMP/t" "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; echo nan; return; }
  awk '{print $1 + $2}' "$TMP/t"
}
ratio() { /usr/bin/python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}')" "$1" "$2"; }
# /usr/bin/time runs programs, not shell functions: `run` is an array spliced into the calls
run=("$AMORCE" run --format json)

echo "== amorce: $AMORCE   ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"

echo "== peers (bench/compare)"
bench/compare --paths 1000000 --no-numpy
bench/compare --paths 100000

echo "== peak RSS, 1 M paths x 60 months, no --keep-paths (load $(load))"
/usr/bin/time -v "$AMORCE" run $PEER --paths 1000000 --threads 2 --format json 2>"$TMP/time.txt" >/dev/null
grep -E "Maximum resident|Elapsed" "$TMP/time.txt"

echo "== linearity in paths: time(1 M) / time(10 k), threads 1 (target 85..115) (load $(load))"
t10k=$(cpu "${run[@]}" $PEER --paths 10000 --threads 1)
t1m=$(cpu "${run[@]}" $PEER --paths 1000000 --threads 1)
echo "CPU 10 k: ${t10k} s   1 M: ${t1m} s   ratio $(ratio "$t1m" "$t10k")"

echo "== linearity in months: time(600) / time(12), 100 k paths, threads 1 (target 42.5..57.5 = 50 x 0.85..1.15) (load $(load))"
for h in 12 600; do sed "s/^horizon: 60/horizon: $h/" $PEER >"$TMP/peer_$h.yaml"; done
t12=$(cpu "${run[@]}" "$TMP/peer_12.yaml" --paths 100000 --threads 1)
t600=$(cpu "${run[@]}" "$TMP/peer_600.yaml" --paths 100000 --threads 1)
echo "CPU 12 months: ${t12} s   600 months: ${t600} s   ratio $(ratio "$t600" "$t12") (x50 months)"

echo "== thread scaling 1 -> 2, 400 k paths (target >= 1.8) (load $(load))"
t1=$(wall "${run[@]}" $PEER --paths 400000 --threads 1)
t2=$(wall "${run[@]}" $PEER --paths 400000 --threads 2)
echo "wall 1 thread: ${t1} s   2 threads: ${t2} s   speed-up $(ratio "$t1" "$t2") (meaningful only on an idle machine)"

echo "== Sobol study, 15 inputs, N = 4096 vs the same number of plain runs (target < 1.5) (load $(load))"
if "$AMORCE" --help 2>/dev/null | grep -q "^ *sensitivity"; then
  ts=$(cpu "$AMORCE" sensitivity bench/scenarios/sobol15.yaml --metric min_cash --method sobol --paths 4096 --threads 2 --format json)
  "$AMORCE" sensitivity bench/scenarios/sobol15.yaml --metric min_cash --method sobol --paths 4096 --threads 2 --format json >"$TMP/sens.json" 2>/dev/null
  runs=$(/usr/bin/python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['model_runs'])" "$TMP/sens.json")
  tp=$(cpu "${run[@]}" bench/scenarios/sobol15.yaml --paths "$runs" --threads 2)
  echo "CPU sobol: ${ts} s   $runs plain runs: ${tp} s   ratio $(ratio "$ts" "$tp")"
else
  echo "amorce sensitivity is not available in $AMORCE (see BM_sobol_study in build/bench/bench/amorce_bench)"
fi
echo "== solve, garage_solidaire_aci, 100 k paths, 2 threads (target <= 2 s wall) (load $(load))"
solve=("$AMORCE" solve scenarios/garage_solidaire_aci.yaml --vary opening_cash --target "prob(shortfall) <= 0.05"
       --min 0 --max 500000 --paths 100000 --threads 2 --format json)
/usr/bin/time -f "wall %e s   CPU %U + %S s" "${solve[@]}" 2>&1 >/dev/null | tail -1

echo "== what-if re-run: 100 k paths, 2 threads, Plan cached (target <= 100 ms wall)"
if [ -x build/bench/bench/amorce_bench ]; then
  build/bench/bench/amorce_bench --benchmark_filter='BM_whatif|BM_metrics|BM_reference_kernel'
else
  echo "build amorce_bench (cmake --preset bench) for BM_whatif"
fi
echo "== done (load $(load))"
