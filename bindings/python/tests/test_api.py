"""The amorce Python API: shapes, dtypes, determinism, variants, with_inputs, keep_paths."""
from __future__ import annotations

import math

import numpy as np
import pytest

import amorce
from conftest import SMALL_DICT, SMALL_YAML


def test_version_and_repr(garage, garage_run):
    assert isinstance(amorce.__version__, str) and amorce.__version__.count(".") == 2
    assert "Garage" in repr(garage)
    assert "3000 paths" in repr(garage_run)


def test_scenario_properties(garage, garage_path):
    assert garage.file == str(garage_path)
    assert garage.horizon == 60
    assert garage.start == "2027-01"
    assert len(garage.months) == 60 and garage.months[-1] == "2031-12"
    assert {"pessimistic", "optimistic", "region_late"} <= set(garage.variants)
    assert garage.applied_variant is None
    assert "hourly_rate" in garage.inputs and "hourly_rate" in garage.uncertain_inputs
    assert "price_index" in garage.inputs and "price_index" not in garage.uncertain_inputs
    assert garage.simulation == {"paths": 20000, "seed": 42, "sampling": "lhs"}
    assert garage.percentiles == [5, 10, 25, 50, 75, 90, 95]


def test_check_returns_numpy_statements(garage):
    bc = garage.check()
    assert set(bc) >= {"scenario", "months", "monthly", "years", "indicators", "checks"}
    assert len(bc["months"]) == 60
    for line in ("cash", "revenue", "net_result", "staff", "subsidies"):
        a = bc["monthly"][line]
        assert isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == (60,)
    assert any(k.startswith("item:") for k in bc["monthly"])
    # the base case's minimum cash is the minimum of its monthly cash
    assert bc["indicators"]["min_cash"] == pytest.approx(bc["monthly"]["cash"].min())
    y0 = bc["years"][0]
    bs = y0["balance_sheet"]
    assert bs["total_assets"] == pytest.approx(bs["total_liabilities"], abs=0.01)


def test_result_shapes_and_dtypes(garage_run):
    r = garage_run
    assert r.n_paths == 3000 and r.seed == 7 and r.sampling == "lhs" and r.keep_paths
    assert len(r.months) == 60
    assert "min_cash" in r.indicators and "breakeven_month" in r.indicators
    for name in r.indicators:
        a = r.indicator(name)
        assert a.dtype == np.float64 and a.shape == (3000,)
        assert not a.flags.writeable
    be = r.indicator("breakeven_month")
    assert np.isnan(be).any() or np.isfinite(be).all()  # NaN = never reached
    assert np.isfinite(r.indicator("min_cash")).all()
    assert r.series_names[:5] == ["cash", "revenue", "subsidies", "ebitda", "net_result"]
    b = r.series("cash")
    assert isinstance(b, amorce.SeriesBands)
    assert b.values.dtype == np.float64 and b.values.shape == (7, 60)
    assert b.percentiles == [5, 10, 25, 50, 75, 90, 95]
    assert b.months == r.months
    assert b.mean.shape == (60,) and b.sd.shape == (60,)
    assert np.all(np.diff(b.values, axis=0) >= 0)  # bands ordered by percentile
    np.testing.assert_array_equal(b.quantile(50), b.values[3])
    with pytest.raises(ValueError, match="percentile"):
        b.quantile(42)
    assert 0 <= b.rank_error_bound < 0.05


def test_indicator_view_outlives_result(garage):
    a = garage.run(paths=200, seed=1).indicator("cash_end")
    b = garage.run(paths=200, seed=1).indicator("cash_end")  # the first Result is gone
    np.testing.assert_array_equal(a, b)


def test_summary_matches_arrays(garage_run):
    s = garage_run.summary()
    assert s["run"]["paths"] == 3000 and s["run"]["seed"] == 7 and s["run"]["sampling"] == "lhs"
    mc = garage_run.indicator("min_cash")
    assert s["indicators"]["min_cash"]["mean"] == pytest.approx(mc.mean(), rel=1e-12)
    assert s["indicators"]["min_cash"]["quantiles"]["p50"] == pytest.approx(np.percentile(mc, 50), rel=1e-12)
    shortfall = (garage_run.indicator("shortfall") != 0).mean()
    assert s["probabilities"]["shortfall"]["p"] == pytest.approx(shortfall)
    bands = garage_run.series("cash")
    assert s["monthly"]["cash"]["p90"] == pytest.approx(list(bands.quantile(90)), rel=1e-12)
    assert s["monthly"]["months"] == garage_run.months


def test_same_seed_same_arrays_any_threads(small):
    a = small.run(paths=1500, seed=11, threads=1)
    b = small.run(paths=1500, seed=11, threads=2)
    for name in a.indicators:
        np.testing.assert_array_equal(a.indicator(name), b.indicator(name))
    np.testing.assert_array_equal(a.series("cash").values, b.series("cash").values)
    assert a.summary() == b.summary()


def test_different_seed_different_arrays(small):
    a = small.run(paths=1000, seed=1).indicator("min_cash")
    b = small.run(paths=1000, seed=2).indicator("min_cash")
    assert not np.array_equal(a, b)
    assert a.mean() == pytest.approx(b.mean(), rel=0.05)  # same distribution


@pytest.mark.parametrize("sampling", ["mc", "lhs", "sobol"])
def test_sampling_methods(small, sampling):
    r = small.run(paths=512, seed=5, sampling=sampling)
    assert r.sampling == sampling
    assert r.summary()["run"]["sampling"] == sampling


def test_run_defaults_come_from_the_scenario(small):
    r = small.run()
    assert (r.n_paths, r.seed, r.sampling) == (500, 3, "lhs")


def test_bad_run_arguments(small):
    with pytest.raises(ValueError, match="sampling"):
        small.run(paths=10, sampling="halton")
    with pytest.raises(ValueError, match="paths"):
        small.run(paths=0)
    with pytest.raises(ValueError, match="seed"):
        small.run(paths=10, seed=-1)
    with pytest.raises(ValueError, match="did you mean 'min_cash'"):
        small.run(paths=10).indicator("min_csh")
    with pytest.raises(ValueError, match="outputs.series"):
        small.run(paths=10).series("nope")


def test_keep_paths(garage_run, small):
    cash = garage_run.paths("cash")
    assert cash.dtype == np.float64 and cash.shape == (3000, 60)
    assert not cash.flags.writeable
    # per-path indicators are computed from the same paths
    np.testing.assert_allclose(cash.min(axis=1), garage_run.indicator("min_cash"), rtol=1e-12)
    np.testing.assert_allclose(cash[:, -1], garage_run.indicator("cash_end"), rtol=1e-12)
    # bands are per-month marginals of these paths (exact while paths <= sketch size k)
    r = small.run(paths=1000, seed=4, keep_paths=True)
    np.testing.assert_allclose(r.series("cash").quantile(50), np.percentile(r.paths(), 50, axis=0), rtol=1e-12)
    with pytest.raises(ValueError, match="keep_paths=True"):
        small.run(paths=10).paths("cash")
    with pytest.raises(ValueError, match="cash"):
        r.paths("revenue")


def test_with_inputs_changes_the_base_case(small):
    base = small.check()
    cheaper = small.with_inputs(rent_amount=500.0)
    assert cheaper.overrides == {"rent_amount": "500.0"}
    bc = cheaper.check()
    # rent 1500 -> 500 every month: 1000 more cash each month, cumulated (no VAT, no tax)
    diff = bc["monthly"]["cash"] - base["monthly"]["cash"]
    np.testing.assert_allclose(diff, 1000.0 * np.arange(1, 25), rtol=1e-9)
    # fixing an uncertain input removes its uncertainty
    fixed = small.with_inputs(price=22, volume=650)
    assert fixed.uncertain_inputs == []
    r = fixed.run(paths=300, seed=1)
    mc = r.indicator("min_cash")
    assert np.ptp(mc) == 0.0
    assert mc[0] == pytest.approx(fixed.check()["indicators"]["min_cash"])
    # expressions of other inputs are accepted, later values replace earlier ones
    expr = small.with_inputs(rent_amount="price * 50").with_inputs(volume=700)
    assert expr.overrides == {"rent_amount": "price * 50", "volume": "700.0"}
    assert small.overrides == {}  # the original is unchanged


def test_with_inputs_unknown_name(small):
    with pytest.raises(amorce.ScenarioError, match="did you mean 'price'") as e:
        small.with_inputs(prce=3.0)
    assert e.value.file == "small.yaml"
    assert "unknown input 'prce'" in e.value.message
    with pytest.raises(TypeError):
        small.with_inputs(price=True)
    with pytest.raises(TypeError):
        small.with_inputs(price=[1, 2])
    with pytest.raises(ValueError, match="finite"):
        small.with_inputs(price=math.nan)


def test_variants(small, garage):
    v = small.variant("cheap_rent")
    assert v.applied_variant == "cheap_rent"
    diff = v.check()["monthly"]["cash"] - small.check()["monthly"]["cash"]
    np.testing.assert_allclose(diff, 600.0 * np.arange(1, 25), rtol=1e-9)
    # with_inputs survives a change of variant
    w = small.with_inputs(rent_amount=100).variant("cheap_rent")
    assert w.check()["monthly"]["item:rent"][0] == pytest.approx(100)
    late = amorce.load(garage.file, variant="region_late")
    assert late.applied_variant == "region_late"
    assert late.check()["monthly"]["cash"].tolist() == garage.variant("region_late").check()["monthly"]["cash"].tolist()
    with pytest.raises(amorce.ScenarioError, match="variant"):
        small.variant("nope")


def test_from_dict_equals_loads(small):
    d = amorce.from_dict(SMALL_DICT)
    assert d.file == "<dict>"
    assert d.inputs == small.inputs
    assert d.variants == ["cheap_rent"]
    assert d.run(paths=400, seed=9).summary() == small.run(paths=400, seed=9).summary()
    np.testing.assert_array_equal(d.check()["monthly"]["cash"], small.check()["monthly"]["cash"])
    # numpy values are accepted
    d2 = dict(SMALL_DICT, horizon=np.int64(24))
    assert amorce.from_dict(d2).horizon == 24
    with pytest.raises(TypeError):
        amorce.from_dict([1, 2])
    with pytest.raises(amorce.ScenarioError, match="horizon"):
        amorce.from_dict(dict(SMALL_DICT, horizon="long"))


def test_loads_yaml_text():
    s = amorce.loads(SMALL_YAML)
    assert s.file == "<string>" and s.name == "Petite épicerie" and s.horizon == 24


def test_load_accepts_pathlike(garage_path):
    assert amorce.load(garage_path).name == amorce.load(str(garage_path)).name


def test_pandas_helpers_optional(garage_run):
    pd = pytest.importorskip("pandas")
    frame = garage_run.to_pandas()
    assert isinstance(frame, pd.DataFrame) and frame.shape == (3000, len(garage_run.indicators))
    bands = garage_run.series("cash").to_pandas()
    assert list(bands.columns) == ["mean", "sd", "p5", "p10", "p25", "p50", "p75", "p90", "p95"]
    assert len(bands) == 60
