"""amorce: will this social-economy project survive?

Monte Carlo cash and P&L projections of a social-economy project described by a YAML
scenario, with numpy arrays out. The engine is the C++ library behind the ``amorce``
command; this package re-exports its private extension ``amorce._core``.

>>> import amorce
>>> sc = amorce.load("scenarios/garage_solidaire_aci.yaml")
>>> res = sc.run(paths=20000, seed=42)
>>> res.indicator("min_cash")          # one value per path (float64 numpy array)
>>> res.series("cash").values          # [percentile][month] bands
>>> res.summary()["probabilities"]["shortfall"]

See docs/python.md for building, installing and a worked example.
"""

import json as _json
import math as _math
from typing import Any as _Any, Mapping as _Mapping, Optional as _Optional

from ._core import (
    Diagnostic,
    Result,
    Scenario,
    ScenarioError,
    SeriesBands,
    SimulationError,
    __version__,
    compare,
    load,
    loads,
)

__all__ = [
    "Diagnostic",
    "Result",
    "Scenario",
    "ScenarioError",
    "SeriesBands",
    "SimulationError",
    "__version__",
    "compare",
    "from_dict",
    "load",
    "loads",
]


def _json_default(obj: _Any) -> _Any:
    """numpy scalars and arrays, tuples and sets in a scenario dict become plain JSON values."""
    if hasattr(obj, "tolist"):  # numpy scalar or array
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"from_dict: cannot write a {type(obj).__name__} into a scenario: {obj!r}")


_MAX_NESTING = 64  # Limits::max_nesting: the loader refuses deeper YAML anyway


def _scenario_error(name: str, where: str, message: str) -> ScenarioError:
    err = ScenarioError(f"{name}: {where}: {message}" if where else f"{name}: {message}")
    err.file, err.message = name, f"{where}: {message}" if where else message
    return err


def _check_tree(d: _Any, name: str) -> None:
    """Walks the dict without recursion: too deep a structure or a NaN/infinite number is a
    ScenarioError naming the key, not a RecursionError or a JSON error."""
    stack = [(d, "", 1)]
    while stack:
        node, where, depth = stack.pop()
        if depth > _MAX_NESTING:
            raise _scenario_error(name, where.split(".")[0], f"the structure is nested more than {_MAX_NESTING} levels deep")
        if isinstance(node, float) and not _math.isfinite(node):
            raise _scenario_error(name, where, f"expected a finite number, got {node}")
        if isinstance(node, _Mapping):
            for k, v in node.items():
                stack.append((v, f"{where}.{k}" if where else str(k), depth + 1))
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                stack.append((v, f"{where}[{i}]", depth + 1))


def from_dict(d: _Mapping[str, _Any], name: str = "<dict>", variant: _Optional[str] = None) -> Scenario:
    """Builds a scenario from a dict with the structure of a scenario YAML file.

    The dict is written as JSON (a subset of YAML, one key per line) and loaded with
    :func:`loads`, so validation and error messages are the same as for a file; positions
    in errors refer to that text (``json.dumps(d, indent=2)``). Strings are always quoted,
    so ``"yes"`` stays a string; use Python ``True``/``False`` for booleans.

    >>> amorce.from_dict({"amorce": 1, "name": "demo", "start": "2027-01", "horizon": 12, ...})
    """
    if not isinstance(d, _Mapping):
        raise TypeError(f"from_dict expects a mapping, got {type(d).__name__}")
    _check_tree(d, name)
    text = _json.dumps(d, indent=2, ensure_ascii=False, allow_nan=False, default=_json_default)
    return loads(text, name=name, variant=variant)


# --- optional pandas helpers (pandas is never required) ------------------------------------


def _pandas() -> _Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError("to_pandas() needs pandas (Debian: apt install python3-pandas)") from e
    return pandas


def _pct_key(p: float) -> str:
    return "p" + format(p, "g")


def _result_to_pandas(self: Result) -> _Any:
    """Per-path indicators as a pandas DataFrame: one row per path (index 'path', in path
    order), one column per indicator (NaN = not reached). Needs pandas."""
    pd = _pandas()
    frame = pd.DataFrame({name: self.indicator(name) for name in self.indicators})
    frame.index.name = "path"
    return frame


def _bands_to_pandas(self: SeriesBands, index: str = "label") -> _Any:
    """The bands as a pandas DataFrame: one row per month, columns mean, sd, p5, ..., p95
    (same names as the JSON summary). The index 'month' holds the labels '2027-01'
    (index="label", the default), a monthly pandas PeriodIndex (index="period") or
    numpy.datetime64 month starts (index="date"). Needs pandas."""
    pd = _pandas()
    data = {"mean": self.mean, "sd": self.sd}
    for p, row in zip(self.percentiles, self.values):
        data[_pct_key(p)] = row
    if index == "label":
        idx = pd.Index(self.months, name="month")
    elif index == "period":
        idx = pd.PeriodIndex(self.months, freq="M", name="month")
    elif index == "date":
        idx = pd.DatetimeIndex(_month_dates(self.months).astype("datetime64[ns]"), name="month")
    else:
        raise ValueError(f"index must be 'label', 'period' or 'date', not {index!r}")
    return pd.DataFrame(data, index=idx)


def _month_dates(months: _Any) -> _Any:
    import numpy

    return numpy.array(months, dtype="datetime64[M]")


def _dates(self: _Any) -> _Any:
    """Months as numpy.datetime64[M] (one per month, in month order)."""
    return _month_dates(self.months)


def _periods(self: _Any) -> _Any:
    """Months as a monthly pandas PeriodIndex (needs pandas)."""
    return _pandas().PeriodIndex(self.months, freq="M", name="month")


def _inputs_frame(self: Result) -> _Any:
    """Per-path sampled inputs as a pandas DataFrame: one row per path (index 'path'), one
    column per input (input_names). Needs pandas and a run with keep_inputs=True."""
    pd = _pandas()
    frame = pd.DataFrame(self.inputs(), columns=list(self.input_names))
    frame.index.name = "path"
    return frame


_result_to_pandas.__name__ = _result_to_pandas.__qualname__ = "to_pandas"
_bands_to_pandas.__name__ = _bands_to_pandas.__qualname__ = "to_pandas"
_inputs_frame.__name__ = _inputs_frame.__qualname__ = "inputs_frame"
Result.to_pandas = _result_to_pandas  # type: ignore[attr-defined]
Result.inputs_frame = _inputs_frame  # type: ignore[attr-defined]
SeriesBands.to_pandas = _bands_to_pandas  # type: ignore[attr-defined]
for _cls in (Result, SeriesBands):
    _cls.dates = property(_dates)  # type: ignore[attr-defined]
    _cls.periods = property(_periods)  # type: ignore[attr-defined]
