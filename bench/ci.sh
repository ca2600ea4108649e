#!/usr/bin/env bash
# Short benchmark pass for CI (a few seconds of measurement once built): writes Google
# Benchmark JSON to bench/results/ci.json and compares it with bench/results/baseline.json
# through bench/check_regressions.py (ratios to the in-run reference kernel, so machine
# speed cancels out). It reports; it never fails on timing.
#
#   bash bench/ci.sh                   # build (bench preset, -j2) if needed, run, compare
#   bash bench/ci.sh --update-baseline # also copy the result to bench/results/baseline.json
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${AMORCE_BENCH_BUILD:-build/bench}
BIN=$BUILD/bench/amorce_bench
if [[ ! -d $BUILD ]]; then cmake --preset bench >/dev/null || { echo "bench/ci.sh: configure failed (skipped)"; exit 0; }; fi
cmake --build "$BUILD" -j2 --target amorce_bench >/dev/null 2>&1 || { echo "bench/ci.sh: build failed (skipped)"; exit 0; }
mkdir -p bench/results
FILTER='BM_reference_kernel|BM_quantile_(fast|exact)/(pert|normal|lognormal|triangular|poisson)$|BM_fill_uniforms|BM_plan_ops/(1|16|256)$|BM_peer_(evaluate|simulate_block|compute_results)|BM_run/peer/10000/'
echo "bench/ci.sh: load average $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 120 "$BIN" --benchmark_filter="$FILTER" --benchmark_min_time=0.05 --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=false --benchmark_out=bench/results/ci.json --benchmark_out_format=json \
  >/dev/null 2>bench/results/ci.stderr || { echo "bench/ci.sh: benchmark run failed (skipped)"; exit 0; }
/usr/bin/python3 bench/check_regressions.py bench/results/ci.json bench/results/baseline.json || true
if [[ ${1:-} == --update-baseline ]]; then cp bench/results/ci.json bench/results/baseline.json; echo "baseline updated"; fi
exit 0
