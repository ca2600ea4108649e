#!/usr/bin/env bash
# Fuzzing (docs/architecture.md, "Fuzzing"): builds the fuzz preset (clang 14, libFuzzer,
# ASan + UBSan) and runs each target for a fixed time. Usage: fuzz/run.sh [seconds_per_target]
# (default 15: about 60 s for the four targets). Exits 1 on any finding and prints where the
# input is; a finding, once fixed, becomes a regression file in tests/data/fuzz/<target>/
# (replayed by tests/fuzz_regression_test with any compiler, and by this script first).
# FUZZ_TARGETS="scenario expr" limits the targets.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
targets=${FUZZ_TARGETS:-"scenario expr metric cli"}
build=build/fuzz

bash scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "${AMORCE_JOBS:-2}" --target $(printf 'fuzz_%s ' $targets)

# Seed corpora, generated from the repository's files at every run (nothing is duplicated).
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{scenario,expr,metric,cli}
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  cp "$f" "$seeds/scenario/$i-$(basename "$f")"
done < <(find scenarios tests/data -name '*.yaml' -not -path 'tests/data/fuzz/*' -print0 | sort -z)
# expressions: the values of the scenarios' expression keys, one seed each
i=0
sed -n -E 's/^ *-? *(amount|value|fte|gross_monthly|granted|at|month|share|from|until|[a-z_]+_cap|three_months_of_cash): *([^{[#]+).*$/\2/p' \
  scenarios/*.yaml tests/data/load/*.yaml | sort -u | while IFS= read -r e; do
  i=$((i + 1))
  printf '%s' "$e" > "$seeds/expr/$i"
done
i=0
for m in 'prob(shortfall)' 'prob(min_cash < 0)' 'mean(npv)' 'sd(cash_end)' 'quantile(breakeven_month, 0.8)' \
         'median(funding_need)' 'p90(funding_need)' 'net_result[2028]' 'net_result[0]' 'cash@35' 'cash@2029-06' \
         'cash@end' 'jobs@12' 'sum(revenue)' 'sum(jobs)' 'prob(shortfall) <= 0.1' 'quantile(min_cash, 0.1) >= 0' \
         '35' '2029-06' 'end' 'breakeven_month_unsubsidised'; do
  i=$((i + 1))
  printf '%s' "$m" > "$seeds/metric/$i"
done
i=0
for a in 'check\nscenarios/tiers_lieu_rural.yaml\n--format\njson' \
         'run\nf.yaml\n--paths\n1000\n--seed\n3\n--threads\n2\n--sampling\nlhs\n--keep-paths' \
         'sensitivity\nf.yaml\n--metric\nprob(shortfall)\n--method\nsobol\n--group\ng=a,b\n--level\n0.9' \
         'sensitivity\nf.yaml\n--method\nmorris\n--trajectories\n10\n--levels\n4\n--low\n5\n--high\n95' \
         'solve\nf.yaml\n--vary\nequity\n--target\nprob(shortfall) <= 0.1\n--min\n0\n--max\n1e5\n--maximise' \
         'report\nf.yaml\n-o\nr.html\n--sensitivity\ntornado\n--sensitivity-metric\nmean(npv)\n--lang\nen' \
         'compare\na.yaml\nb.yaml:pessimistic\n--variant\nx' 'stress\nf.yaml\n--no-variants\n--format\njson' '--version'; do
  i=$((i + 1))
  printf -- "$a" > "$seeds/cli/$i"
done

# Bounds: input size per target, 30 s per input (sanitized build, shared CI machine), 2 GB of memory.
declare -A max_len=([scenario]=32768 [expr]=4200 [metric]=256 [cli]=512)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
failed=()
for t in $targets; do
  corpus=$build/corpus/$t findings=$build/findings/$t
  mkdir -p "$corpus" "$findings" "tests/data/fuzz/$t"
  echo "== fuzz_$t: ${seconds} s"
  if ! "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=30 -rss_limit_mb=2048 \
      -dict=fuzz/amorce.dict -artifact_prefix="$findings/" -print_final_stats=1 \
      "$corpus" "tests/data/fuzz/$t" "$seeds/$t" >"$build/fuzz_$t.log" 2>&1; then
    failed+=("$t")
    grep -E 'ERROR:|property violated|SUMMARY|Test unit written' "$build/fuzz_$t.log" | head -20 || true
    echo "fuzz_$t: FINDING (log: $build/fuzz_$t.log). Replay: $build/fuzz/fuzz_$t <input>;"
    echo "  once fixed, keep the input: cp <input> tests/data/fuzz/$t/<what-it-was>"
  else
    grep -E '^stat::number_of_executed_units' "$build/fuzz_$t.log" || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}"
  exit 1
fi
echo "fuzz: no finding"
