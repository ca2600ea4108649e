"""The analyst's API (issue 15): any percentile, the per-path sampled inputs, months as dates."""
from __future__ import annotations

import numpy as np
import pytest

import amorce

from conftest import SMALL_YAML


@pytest.fixture(scope="module")
def small_run():
    sc = amorce.loads(SMALL_YAML, name="small.yaml")
    # 500 paths: below the sketch size (2 048), so the monthly bands are exact
    return sc.run(paths=500, seed=3, keep_paths=True, keep_inputs=True)


def test_series_at_any_level_equals_an_exact_sort(small_run):
    bands = small_run.series("cash", quantiles=[0.01, 0.5, 0.99])
    assert bands.percentiles == [1.0, 50.0, 99.0]
    assert bands.rank_error_bound == pytest.approx(1 / 500)  # nothing compacted: one rank of interpolation
    exact = np.quantile(small_run.paths("cash"), [0.01, 0.5, 0.99], axis=0)  # type 7, numpy's default
    np.testing.assert_allclose(bands.values, exact, rtol=1e-12, atol=1e-9)
    same = small_run.series("cash", percentiles=[1, 50, 99])
    np.testing.assert_array_equal(same.values, bands.values)
    np.testing.assert_array_equal(bands.quantile(99), bands.values[2])
    # the default stays the run's percentiles
    assert small_run.series("cash").percentiles == small_run.percentiles


def test_indicator_quantile_is_exact(small_run):
    mc = small_run.indicator("min_cash")
    assert small_run.indicator_quantile("min_cash", 0.9) == pytest.approx(np.quantile(mc, 0.9), rel=1e-12)
    got = small_run.indicator_quantile("min_cash", [0.01, 0.5, 0.99])
    np.testing.assert_allclose(got, np.quantile(mc, [0.01, 0.5, 0.99]), rtol=1e-12)
    # censored: never-reached paths rank last, as in the JSON summary (null -> NaN)
    q = small_run.summary()["indicators"]["breakeven_month"]["quantiles"]
    for p in small_run.percentiles:
        v = small_run.indicator_quantile("breakeven_month", p / 100)
        expected = q["p" + format(p, "g")]
        assert (np.isnan(v) and expected is None) or v == pytest.approx(expected)


def test_bad_levels_are_value_errors(small_run):
    with pytest.raises(ValueError, match="fraction"):
        small_run.series("cash", quantiles=[50])
    with pytest.raises(ValueError, match="not both"):
        small_run.series("cash", quantiles=[0.5], percentiles=[50])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        small_run.indicator_quantile("min_cash", 1.5)


def test_inputs_next_to_outputs(small_run):
    x = small_run.inputs()
    assert small_run.input_names == ["price", "volume"]
    assert x.shape == (500, 2) and x.dtype == np.float64 and not x.flags.writeable
    assert ((x[:, 0] >= 18) & (x[:, 0] <= 30)).all() and ((x[:, 1] >= 400) & (x[:, 1] <= 900)).all()
    # LHS: one draw per stratum, so the uniform input's sorted values fill [400, 900] evenly
    u = (np.sort(x[:, 1]) - 400) / 500
    assert np.all(np.floor(u * 500) == np.arange(500))
    # the same run gives the same inputs
    again = amorce.loads(SMALL_YAML, name="small.yaml").run(paths=500, seed=3, keep_inputs=True)
    np.testing.assert_array_equal(again.inputs(), x)
    assert small_run.keep_inputs
    with pytest.raises(ValueError, match="keep_inputs=True"):
        amorce.loads(SMALL_YAML).run(paths=10).inputs()


def test_inputs_frame():
    pd = pytest.importorskip("pandas")
    res = amorce.loads(SMALL_YAML).run(paths=50, seed=1, keep_inputs=True)
    frame = res.inputs_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["price", "volume"] and frame.index.name == "path" and len(frame) == 50


def test_months_as_dates(small_run):
    d = small_run.dates
    assert d.dtype == np.dtype("datetime64[M]")
    assert str(d[0]) == small_run.months[0] == "2027-01" and len(d) == 24
    assert (np.diff(d) == np.timedelta64(1, "M")).all()
    bands = small_run.series("cash")
    np.testing.assert_array_equal(bands.dates, d)


def test_months_as_periods(small_run):
    pd = pytest.importorskip("pandas")
    p = small_run.periods
    assert isinstance(p, pd.PeriodIndex) and p.freqstr == "M" and str(p[0]) == "2027-01"
    frame = small_run.series("cash").to_pandas(index="period")
    assert isinstance(frame.index, pd.PeriodIndex)
    assert small_run.series("cash").to_pandas().index[0] == "2027-01"  # the labels stay the default
