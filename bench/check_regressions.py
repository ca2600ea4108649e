#!/usr/bin/python3
"""Compares a Google Benchmark JSON run with the committed baseline.

Every benchmark's time is divided by the in-run reference kernel's time (BM_reference_kernel,
the hand-written peer scenario), so a slower or busier machine cancels out; the best of the
repetitions is used (noise only ever adds time). A benchmark whose ratio grew by more than
--threshold (default 25 %) is printed as a REGRESSION, one that shrank by as much as an
improvement. Always exits 0 (timing noise must not fail CI) unless --strict is given.

  bench/check_regressions.py bench/results/ci.json bench/results/baseline.json
"""
import argparse
import json
import sys

REFERENCE = "BM_reference_kernel"


def best_times(path):
    """{run_name: best time in ns} of the iteration entries (real time for UseRealTime runs)."""
    with open(path) as f:
        data = json.load(f)
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    out = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        name = b.get("run_name", b["name"])
        field = "real_time" if name.endswith("/real_time") else "cpu_time"
        t = b[field] * scale[b.get("time_unit", "ns")]
        out[name] = min(out.get(name, float("inf")), t)
    return out, data.get("context", {})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("current")
    ap.add_argument("baseline")
    ap.add_argument("--threshold", type=float, default=0.25)
    ap.add_argument("--strict", action="store_true", help="exit 1 when a regression is found")
    a = ap.parse_args()
    try:
        cur, ctx = best_times(a.current)
        base, _ = best_times(a.baseline)
    except (OSError, ValueError) as e:
        print(f"check_regressions: cannot compare ({e})")
        return 0
    if REFERENCE not in cur or REFERENCE not in base:
        print(f"check_regressions: {REFERENCE} missing from a run; no comparison")
        return 0
    rc, rb = cur[REFERENCE], base[REFERENCE]
    print(f"reference kernel: {rc:.0f} ns now, {rb:.0f} ns in the baseline (machine factor {rc / rb:.2f}); "
          f"load average {ctx.get('load_avg', '?')}")
    print(f"{'benchmark':<52} {'ratio now':>10} {'baseline':>10} {'change':>8}")
    regressions = improvements = 0
    for name in sorted(cur):
        if name == REFERENCE or name not in base:
            continue
        now, then = cur[name] / rc, base[name] / rb
        change = now / then - 1
        flag = ""
        if change > a.threshold:
            flag, regressions = "REGRESSION", regressions + 1
        elif change < -a.threshold:
            flag, improvements = "improved", improvements + 1
        print(f"{name:<52} {now:10.4g} {then:10.4g} {change:+8.1%} {flag}")
    new = sorted(set(cur) - set(base))
    if new:
        print("not in the baseline: " + ", ".join(new))
    print(f"{regressions} regression(s), {improvements} improvement(s) beyond {a.threshold:.0%} "
          "(ratios to the reference kernel; timing noise on a shared machine can reach this: rerun before acting)")
    return 1 if (a.strict and regressions) else 0


if __name__ == "__main__":
    sys.exit(main())
