"""Engine errors arrive as Python exceptions with their position."""
from __future__ import annotations

import pytest

import amorce
from conftest import SMALL_DICT, SMALL_YAML


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


# --- issue 14 "Hardening": every Python case an attacker tried --------------------------


def test_from_dict_too_deep_is_a_scenario_error_not_recursion():
    deep: dict = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    d = dict(SMALL_DICT, description=deep)
    with pytest.raises(amorce.ScenarioError, match="nested more than 64 levels") as e:
        amorce.from_dict(d, name="deep.yaml")
    assert e.value.file == "deep.yaml"
    assert "description" in str(e.value)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_from_dict_non_finite_number_names_the_key(bad):
    with pytest.raises(amorce.ScenarioError, match="horizon: expected a finite number"):
        amorce.from_dict(dict(SMALL_DICT, horizon=bad), name="nan.yaml")
    d = dict(SMALL_DICT, inputs=dict(SMALL_DICT["inputs"], rent_amount=bad))
    with pytest.raises(amorce.ScenarioError, match=r"inputs\.rent_amount: expected a finite number"):
        amorce.from_dict(d)


def test_loads_name_with_nul_is_refused_with_a_message():
    with pytest.raises(ValueError, match="control characters") as e:
        amorce.loads(SMALL_YAML, name="a\x00b")
    assert str(e.value)


def test_empty_variant_is_refused():
    with pytest.raises(ValueError, match="non-empty"):
        amorce.loads(SMALL_YAML, variant="")
    with pytest.raises(ValueError, match="non-empty"):
        amorce.loads(SMALL_YAML).variant("")


def test_amount_beyond_the_bound_is_rejected_at_its_line():
    text = SMALL_YAML.replace("rent_amount: 1_500", "rent_amount: 1e19")
    line = text.splitlines().index("  rent_amount: 1e19") + 1
    with pytest.raises(amorce.ScenarioError, match=r"outside what amorce accepts \(\|x\| < 1e12\)") as e:
        amorce.loads(text, name="huge.yaml")
    assert (e.value.file, e.value.line) == ("huge.yaml", line)


def test_law_the_quantile_cannot_handle_is_rejected():
    text = SMALL_YAML.replace("uniform: [400, 900]", "beta: {alpha: 1e11, beta: 5}\n    min: 400\n    max: 900")
    with pytest.raises(amorce.ScenarioError, match="at most 1e\\+06"):
        amorce.loads(text, name="beta.yaml")


def test_overflowing_run_names_item_and_month():
    text = SMALL_YAML.replace("rent: {amount: rent_amount}", "rent: {amount: 1000 ^ (month + 1)}")
    sc = amorce.loads(text, name="overflow.yaml")
    with pytest.raises(amorce.SimulationError) as e:
        sc.run(paths=20, seed=1)
    assert e.value.item == "cost 'rent'" or "rent" in e.value.item
    assert e.value.month == 3
    assert "1e12" in e.value.message


@pytest.mark.skipif("sensitivity" not in amorce._core._features, reason="sensitivity driver not built")
@pytest.mark.parametrize(
    "metric, phrase",
    [
        ("net_result[99999999999999999999]", "no fiscal year"),
        ("cash@2027-13", "month 13 does not exist"),
        ("quantile(min_cash, 2)", r"quantile\(min_cash, 0.02\)"),
        ("prob(min_cash < nan)", "not a finite number"),
    ],
)
def test_bad_metric_is_a_value_error(metric, phrase):
    sc = amorce.loads(SMALL_YAML)
    with pytest.raises(ValueError, match=phrase):
        sc.sensitivity(metric=metric, paths=20)


@pytest.mark.skipif("sensitivity" not in amorce._core._features, reason="sensitivity driver not built")
def test_sensitivity_memory_bound_says_what_to_lower():
    sc = amorce.loads(SMALL_YAML)
    with pytest.raises(ValueError, match="GiB of memory .limit 4 GiB.: lower --paths"):
        sc.sensitivity(method="sobol", paths=100_000_000)
    with pytest.raises(ValueError, match="--low"):
        sc.sensitivity(low=0, paths=20)


def test_solve_arguments_are_validated():
    sc = amorce.loads(SMALL_YAML)
    target = "prob(shortfall) <= 0.1"
    with pytest.raises(ValueError, match="--min"):
        sc.solve("rent_amount", target, min=-1e308, max=1e308, paths=20)
    with pytest.raises(ValueError, match="--max"):
        sc.solve("rent_amount", target, max=float("inf"), paths=20)
    with pytest.raises(ValueError, match="search range is empty"):
        sc.solve("rent_amount", target, min=10, max=5, paths=20)
    for tol in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="--tol"):
            sc.solve("rent_amount", target, tolerance=tol, paths=20)


def test_compare_and_stress_bound_their_memory():
    sc = amorce.loads(SMALL_YAML)
    with pytest.raises(ValueError, match="lower --paths"):
        amorce.compare([sc, sc], paths=100_000_000)
    with pytest.raises(ValueError, match="lower --paths"):
        sc.stress(paths=100_000_000)
