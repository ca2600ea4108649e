"""Engine errors arrive as Python exceptions with their position."""
from __future__ import annotations

import pytest

import amorce
from conftest import SMALL_YAML


def test_scenario_error_is_value_error():
    assert issubclass(amorce.ScenarioError, ValueError)
    assert issubclass(amorce.SimulationError, RuntimeError)
    assert amorce.ScenarioError.__module__ == "amorce"


def test_malformed_file_maps_position(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = SMALL_YAML.replace("horizon: 24", "horizon: twenty")
    bad.write_text(text, encoding="utf-8")
    line = text.splitlines().index("horizon: twenty") + 1
    with pytest.raises(amorce.ScenarioError) as e:
        amorce.load(bad)
    err = e.value
    assert err.file == str(bad)
    assert (err.line, err.column) == (line, 10)
    assert "horizon is twenty" in err.message
    assert str(err).startswith(f"{bad}:{line}:10: horizon is twenty")
    assert len(err.diagnostics) == 1
    d = err.diagnostics[0]
    assert isinstance(d, amorce.Diagnostic)
    assert (d.file, d.line, d.column, d.message) == (err.file, err.line, err.column, err.message)
    assert str(d) == f"{bad}:{line}:10: {err.message}"


def test_every_problem_is_reported():
    text = SMALL_YAML.replace("horizon: 24", "horizon: 0").replace("uniform: [400, 900]", "unifrom: [400, 900]")
    with pytest.raises(amorce.ScenarioError) as e:
        amorce.loads(text, name="two.yaml")
    diags = e.value.diagnostics
    assert len(diags) >= 2
    assert all(d.file == "two.yaml" and d.line > 0 for d in diags)
    assert any("uniform" in d.message for d in diags)  # did-you-mean on the law
    assert (e.value.line, e.value.message) == (diags[0].line, diags[0].message)


def test_compile_error_unknown_name():
    text = SMALL_YAML.replace("volume * price", "volume * prise")
    with pytest.raises(amorce.ScenarioError, match="did you mean 'price'") as e:
        amorce.loads(text, name="x.yaml")
    lines = text.splitlines()
    line = next(i for i, l in enumerate(lines, 1) if "prise" in l)
    assert e.value.line == line and e.value.column > 0


def test_missing_file():
    with pytest.raises(amorce.ScenarioError) as e:
        amorce.load("/nonexistent/scenario.yaml")
    assert e.value.file == "/nonexistent/scenario.yaml"


def test_simulation_error():
    text = SMALL_YAML.replace("rent: {amount: rent_amount}", "rent: {amount: 1000 / (price - price)}")
    sc = amorce.loads(text, name="div.yaml")
    with pytest.raises(amorce.SimulationError) as e:
        sc.run(paths=50, seed=1)
    assert "rent" in str(e.value) or e.value.item == "rent"
    assert e.value.month >= 0 and e.value.path >= 0
    assert e.value.message == str(e.value)


def test_exception_classes_are_usable_from_python():
    e = amorce.ScenarioError("x")
    assert (e.file, e.line, e.column, e.message) == ("", 0, 0, "")
    with pytest.raises(ValueError):
        raise e
