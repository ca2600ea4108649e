"""Scenario.sensitivity_over_time: per-month shares of variance as numpy arrays.

The scenario is the one of tests/sensitivity_over_time_test.cpp, whose per-month indices are
derived by hand there: cash_m = a R_m + (m + 1) b c with independent uniform inputs."""
from __future__ import annotations

import numpy as np
import pytest

import amorce

pytestmark = pytest.mark.skipif("sensitivity" not in amorce._core._features, reason="sensitivity driver not built")

RAMP = """\
amorce: 1
name: ramp
start: 2027-01
horizon: 24
inputs:
  a: {uniform: [1_000, 3_000]}
  b: {uniform: [100, 300]}
  c: {uniform: [0.5, 1.5]}
revenue:
  sales:
    amount: a * ramp(0, 12) + b * c
    vat_rate: 0
"""


def exact_first_order_a(m: int) -> float:
    va, vb, vc, mub, muc = 2000**2 / 12, 200**2 / 12, 1 / 12, 200, 1
    r = (m + 1) * (m + 2) / 24 if m < 12 else 6.5 + (m - 11)
    vbc = mub**2 * vc + muc**2 * vb + vb * vc
    return r * r * va / (r * r * va + (m + 1) ** 2 * vbc)


def test_sobol_arrays_months_by_factors():
    sc = amorce.loads(RAMP)
    d = sc.sensitivity_over_time("cash", method="sobol", paths=2048, seed=5, bootstrap=50, threads=2)
    assert d["months"].dtype == np.dtype("datetime64[M]")
    assert d["months"][0] == np.datetime64("2027-01") and d["months"][-1] == np.datetime64("2028-12")
    assert d["factors"] == ["a", "b", "c"]
    for key in ("first_order", "total", "first_order_lo", "first_order_hi", "total_lo", "total_hi"):
        assert d[key].shape == (24, 3) and d[key].dtype == np.float64
    assert d["sum_first_order"].shape == (24,)
    assert d["model_runs"] == 2048 * 5
    a = d["factors"].index("a")
    for m in (0, 5, 11, 23):  # hand-derived values, tolerance 0.03 as the C++ test
        assert d["first_order"][m, a] == pytest.approx(exact_first_order_a(m), abs=0.03)
    assert np.all(d["first_order_lo"] <= d["first_order_hi"])


def test_correlation_arrays_and_pandas():
    pd = pytest.importorskip("pandas")
    sc = amorce.loads(RAMP)
    d = sc.sensitivity_over_time("cash", method="correlation", paths=1000, threads=2)
    assert d["srrc"].shape == (24, 3) and d["r2"].shape == (24,)
    frame = pd.DataFrame(d["srrc"], index=pd.PeriodIndex(d["months"], freq="M"), columns=d["factors"])
    assert frame.index[0] == pd.Period("2027-01", freq="M")
    assert frame["a"].iloc[-1] > 0.95


def test_month_without_variance_is_nan_and_bad_arguments_raise():
    sc = amorce.loads(RAMP.replace("    vat_rate: 0\n", "    vat_rate: 0\n    from: 3\n"))
    d = sc.sensitivity_over_time(paths=64, bootstrap=0)
    assert d["variance"][0] == 0 and np.isnan(d["first_order"][0]).all()
    assert not np.isnan(d["first_order"][3]).any()
    with pytest.raises(ValueError, match="sobol"):
        sc.sensitivity_over_time(method="tornado")
    with pytest.raises(ValueError):
        sc.sensitivity_over_time("cash@3")
