# Type stubs of the amorce package (the C++ extension amorce._core and its Python helpers).
# tests/test_stubs.py checks that every public name here exists in the module and vice versa.
import os
from typing import Any, Mapping, Optional, Union

import numpy as np
import numpy.typing as npt

__version__: str

_FloatArray = npt.NDArray[np.float64]

class ScenarioError(ValueError):
    """Invalid scenario: every problem with its position."""

    file: str
    line: int
    column: int
    message: str
    diagnostics: list[Diagnostic]

class SimulationError(RuntimeError):
    """A value that cannot be computed while simulating."""

    message: str
    item: str
    month: int
    path: int

class Diagnostic:
    """One problem found in a scenario."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def message(self) -> str: ...

class Scenario:
    """A validated, compiled, immutable scenario."""

    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def horizon(self) -> int: ...
    @property
    def start(self) -> str: ...
    @property
    def months(self) -> list[str]: ...
    @property
    def inputs(self) -> list[str]: ...
    @property
    def uncertain_inputs(self) -> list[str]: ...
    @property
    def variants(self) -> list[str]: ...
    @property
    def applied_variant(self) -> Optional[str]: ...
    @property
    def overrides(self) -> dict[str, str]: ...
    @property
    def simulation(self) -> dict[str, Any]: ...
    @property
    def percentiles(self) -> list[float]: ...
    def variant(self, name: str) -> Scenario: ...
    def with_inputs(self, **kwargs: Union[float, str]) -> Scenario: ...
    def check(self) -> dict[str, Any]: ...
    def run(
        self,
        paths: Optional[int] = None,
        seed: Optional[int] = None,
        threads: int = 0,
        sampling: Optional[str] = None,
        keep_paths: bool = False,
        keep_inputs: bool = False,
    ) -> Result: ...
    # Present when the engine has the sensitivity driver ("sensitivity" in amorce._core._features).
    def sensitivity(
        self,
        metric: str = "prob(shortfall)",
        method: str = "tornado",
        paths: Optional[int] = None,
        seed: Optional[int] = None,
        threads: int = 0,
        sampling: Optional[str] = None,
        groups: Mapping[str, list[str]] = {},
        low: float = 10.0,
        high: float = 90.0,
        bootstrap: int = 500,
        level: float = 0.95,
        trajectories: int = 20,
        levels: int = 4,
    ) -> dict[str, Any]: ...
    # Present when the engine has the sensitivity driver ("sensitivity" in amorce._core._features).
    def sensitivity_over_time(
        self,
        metric: str = "cash",
        method: str = "sobol",
        paths: Optional[int] = None,
        seed: Optional[int] = None,
        threads: int = 0,
        sampling: Optional[str] = None,
        groups: Mapping[str, list[str]] = {},
        bootstrap: int = 500,
        level: float = 0.95,
    ) -> dict[str, Any]: ...
    def stress(
        self,
        paths: Optional[int] = None,
        seed: Optional[int] = None,
        threads: int = 0,
        sampling: Optional[str] = None,
        variants: bool = True,
    ) -> dict[str, Any]: ...
    def metrics(
        self,
        metrics: list[str],
        paths: Optional[int] = None,
        seed: Optional[int] = None,
        threads: int = 0,
        sampling: Optional[str] = None,
    ) -> dict[str, Any]: ...
    def solve(
        self,
        vary: str,
        target: str,
        min: Optional[float] = None,
        max: Optional[float] = None,
        maximise: bool = False,
        tolerance: float = 0.0,
        paths: Optional[int] = None,
        seed: Optional[int] = None,
        threads: int = 0,
        sampling: Optional[str] = None,
    ) -> dict[str, Any]: ...

class SeriesBands:
    """Monthly percentile bands of one series."""

    @property
    def name(self) -> str: ...
    @property
    def months(self) -> list[str]: ...
    @property
    def percentiles(self) -> list[float]: ...
    @property
    def values(self) -> _FloatArray: ...
    @property
    def mean(self) -> _FloatArray: ...
    @property
    def sd(self) -> _FloatArray: ...
    @property
    def rank_error_bound(self) -> float: ...
    def quantile(self, p: float) -> _FloatArray: ...
    @property
    def dates(self) -> Any: ...
    @property
    def periods(self) -> Any: ...
    def to_pandas(self, index: str = "label") -> Any: ...

class Result:
    """A Monte Carlo run."""

    def summary(self) -> dict[str, Any]: ...
    @property
    def indicators(self) -> list[str]: ...
    def indicator(self, name: str) -> _FloatArray: ...
    @property
    def series_names(self) -> list[str]: ...
    def series(
        self, name: str, quantiles: Optional[list[float]] = None, percentiles: Optional[list[float]] = None
    ) -> SeriesBands: ...
    def indicator_quantile(self, name: str, q: Union[float, list[float]]) -> Any: ...
    @property
    def input_names(self) -> list[str]: ...
    def inputs(self) -> _FloatArray: ...
    def inputs_frame(self) -> Any: ...
    @property
    def keep_inputs(self) -> bool: ...
    def paths(self, name: str = "cash") -> _FloatArray: ...
    @property
    def months(self) -> list[str]: ...
    @property
    def dates(self) -> Any: ...
    @property
    def periods(self) -> Any: ...
    @property
    def percentiles(self) -> list[float]: ...
    @property
    def n_paths(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def sampling(self) -> str: ...
    @property
    def keep_paths(self) -> bool: ...
    @property
    def threads_used(self) -> int: ...
    @property
    def block_size(self) -> int: ...
    @property
    def seconds(self) -> float: ...
    def to_pandas(self) -> Any: ...

def compare(
    scenarios: list[Scenario],
    labels: Optional[list[str]] = None,
    paths: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
    sampling: Optional[str] = None,
) -> dict[str, Any]: ...
def load(path: Union[str, os.PathLike[str]], variant: Optional[str] = None) -> Scenario: ...
def loads(text: str, name: str = "<string>", variant: Optional[str] = None) -> Scenario: ...
def from_dict(d: Mapping[str, Any], name: str = "<dict>", variant: Optional[str] = None) -> Scenario: ...
