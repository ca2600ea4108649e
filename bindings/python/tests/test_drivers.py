"""stress, solve and compare from Python return exactly the CLI's JSON (same paths and seed)."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess

import amorce

ROOT = pathlib.Path(__file__).resolve().parents[3]
SCENARIO = ROOT / "scenarios" / "epicerie_solidaire.yaml"
CLI = os.environ.get("AMORCE_CLI", str(ROOT / "build" / "release" / "amorce"))


def cli_json(*args: str) -> dict:
    out = subprocess.run([CLI, *args, "--format", "json"], check=False, capture_output=True, text=True)
    assert out.returncode in (0, 3), out.stderr  # solve exits 3 when no value meets the target
    return json.loads(out.stdout)


def test_stress_equals_cli():
    s = amorce.load(SCENARIO)
    py = s.stress(paths=1000, seed=3, threads=1)
    assert py == cli_json("stress", str(SCENARIO), "--paths", "1000", "--seed", "3", "--threads", "1")
    labels = [r["label"] for r in py["runs"]]
    assert len(labels) >= 8 and any("pessimistic" in l for l in labels)


def test_solve_equals_cli_and_meets_target():
    s = amorce.load(SCENARIO)
    py = s.solve("opening_cash", "prob(shortfall) <= 0.1", paths=1000, seed=3, threads=1)
    assert py == cli_json("solve", str(SCENARIO), "--vary", "opening_cash", "--target", "prob(shortfall) <= 0.1",
                          "--paths", "1000", "--seed", "3", "--threads", "1")
    assert py["found"] is True


def test_compare_pairs_variants():
    s = amorce.load(SCENARIO)
    res = amorce.compare([s, s.variant("pessimistic")], labels=["base", "pess"], paths=1000, seed=3, threads=1)
    assert [r["label"] for r in res["runs"]] == ["base", "pess"]
    assert res["common_random_numbers"] is True
    same = amorce.compare([s, s], paths=500, seed=3, threads=1)
    # the same scenario twice with common random numbers: every paired difference is exactly 0
    diffs = [f["diff"]["value"] for f in same["runs"][1]["figures"].values() if f.get("diff") and f["diff"]["value"] is not None]
    assert diffs and all(d == 0 for d in diffs)


def test_metrics_equal_cli_and_full_run():
    s = amorce.load(SCENARIO)
    names = ["shortfall", "quantile(min_cash, 0.1)", "cash@end"]
    py = s.metrics(names, paths=1000, seed=3, threads=1)
    assert py == cli_json("run", str(SCENARIO), "--metrics", ",".join(names), "--paths", "1000", "--seed", "3",
                          "--threads", "1")
    assert [m["metric"] for m in py["metrics"]] == names
    # a metrics-only run gives the same numbers as the full run's per-path indicators
    full = s.run(paths=1000, seed=3, threads=1)
    shortfall = full.indicator("shortfall")
    assert py["metrics"][0]["value"] == float(shortfall.mean())
    assert py["metrics"][0]["n"] == 1000
