"""result.summary() is exactly the data of `amorce run FILE --format json`."""
from __future__ import annotations

import json
import subprocess

import pytest

import amorce
from conftest import SMALL_YAML


def cli_summary(cli, path, *args):
    out = subprocess.run([str(cli), "run", str(path), "--format", "json", *args],
                         check=True, capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout)


@pytest.mark.parametrize("sampling", ["lhs", "mc", "sobol"])
def test_summary_equals_cli_json(cli, garage, garage_path, sampling):
    expected = cli_summary(cli, garage_path, "--paths", "4000", "--seed", "13", "--sampling", sampling, "--threads", "2")
    got = garage.run(paths=4000, seed=13, sampling=sampling, threads=1).summary()
    assert got == expected


def test_summary_equals_cli_json_defaults_and_variant(cli, garage, garage_path):
    # no flags: the scenario's simulation section (20 000 paths, seed 42, lhs)
    assert garage.run().summary() == cli_summary(cli, garage_path)
    expected = cli_summary(cli, garage_path, "--variant", "region_late", "--paths", "3000", "--seed", "5")
    assert garage.variant("region_late").run(paths=3000, seed=5).summary() == expected


def test_summary_equals_cli_json_other_scenarios(cli, source_dir, tmp_path):
    for name in ("tiers_lieu_rural.yaml", "conciergerie_quartier.yaml"):
        path = source_dir / "scenarios" / name
        expected = cli_summary(cli, path, "--paths", "2500", "--seed", "99")
        assert amorce.load(path).run(paths=2500, seed=99).summary() == expected
    small = tmp_path / "small.yaml"
    small.write_text(SMALL_YAML, encoding="utf-8")
    assert amorce.loads(SMALL_YAML, name=str(small)).run(paths=700, seed=1).summary() == cli_summary(
        cli, small, "--paths", "700", "--seed", "1")


def test_check_equals_cli_json(cli, garage, garage_path):
    out = subprocess.run([str(cli), "check", str(garage_path), "--format", "json"],
                         check=True, capture_output=True, text=True, timeout=300)
    expected = json.loads(out.stdout)
    got = garage.check()
    monthly = got.pop("monthly")
    exp_monthly = expected.pop("monthly")
    assert got == expected
    assert set(monthly) == set(exp_monthly)
    for line, values in exp_monthly.items():
        assert [None if v != v else v for v in monthly[line].tolist()] == values, line
