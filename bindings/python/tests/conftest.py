"""Shared fixtures of the amorce Python binding tests.

Run by ctest (`ctest --preset release`) with PYTHONPATH pointing at the build tree's
package, AMORCE_SOURCE_DIR at the repository and AMORCE_CLI at the `amorce` binary; by hand:

    PYTHONPATH=build/release/bindings/python /usr/bin/python3 -m pytest -W error bindings/python/tests
"""
from __future__ import annotations

import os
import pathlib

import pytest

import amorce

SOURCE_DIR = pathlib.Path(os.environ.get("AMORCE_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[3]))

# A small scenario (two uncertain inputs, one grant paid late, a loan), as YAML and as a dict.
SMALL_YAML = """\
amorce: 1
name: Petite épicerie
start: 2027-01
horizon: 24
simulation: {paths: 500, seed: 3, sampling: lhs}
inputs:
  price:
    triangular: [18, 22, 30]
  volume:
    uniform: [400, 900]
  rent_amount: 1_500
revenue:
  sales:
    amount: volume * price * ramp(0, 6)
costs:
  purchases: {amount: 0.35 * sales, behaviour: variable}
  rent: {amount: rent_amount}
staff:
  - role: responsable
    fte: 1
    gross_monthly: 2_400
    employer_rate: 0.42
subsidies:
  - name: region
    amount: 20_000
    period: year
    from: 0
    until: 24
    payments:
      - {share: 1, at: start + 4}
financing:
  opening_cash: 8_000
variants:
  cheap_rent:
    inputs:
      rent_amount: 900
"""

SMALL_DICT = {
    "amorce": 1,
    "name": "Petite épicerie",
    "start": "2027-01",
    "horizon": 24,
    "simulation": {"paths": 500, "seed": 3, "sampling": "lhs"},
    "inputs": {
        "price": {"triangular": [18, 22, 30]},
        "volume": {"uniform": [400, 900]},
        "rent_amount": 1500,
    },
    "revenue": {"sales": {"amount": "volume * price * ramp(0, 6)"}},
    "costs": {
        "purchases": {"amount": "0.35 * sales", "behaviour": "variable"},
        "rent": {"amount": "rent_amount"},
    },
    "staff": [{"role": "responsable", "fte": 1, "gross_monthly": 2400, "employer_rate": 0.42}],
    "subsidies": [
        {
            "name": "region",
            "amount": 20000,
            "period": "year",
            "from": 0,
            "until": 24,
            "payments": [{"share": 1, "at": "start + 4"}],
        }
    ],
    "financing": {"opening_cash": 8000},
    "variants": {"cheap_rent": {"inputs": {"rent_amount": 900}}},
}


@pytest.fixture(scope="session")
def source_dir() -> pathlib.Path:
    return SOURCE_DIR


@pytest.fixture(scope="session")
def garage_path() -> pathlib.Path:
    return SOURCE_DIR / "scenarios" / "garage_solidaire_aci.yaml"


@pytest.fixture(scope="session")
def garage(garage_path) -> amorce.Scenario:
    return amorce.load(garage_path)


@pytest.fixture(scope="session")
def small() -> amorce.Scenario:
    return amorce.loads(SMALL_YAML, name="small.yaml")


@pytest.fixture(scope="session")
def garage_run(garage) -> amorce.Result:
    return garage.run(paths=3000, seed=7, keep_paths=True)


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    path = os.environ.get("AMORCE_CLI") or str(SOURCE_DIR / "build" / "release" / "amorce")
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.skip(f"amorce CLI not found at {path} (set AMORCE_CLI)")
    return pathlib.Path(path)
