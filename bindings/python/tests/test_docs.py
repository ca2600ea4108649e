"""The worked example of docs/python.md runs as written (its ```python blocks, in order).

The plotting block is skipped when matplotlib is not installed (Debian: python3-matplotlib),
and the Sobol block when the engine was built without the sensitivity driver."""
from __future__ import annotations

import importlib.util
import os
import re

import amorce


def python_blocks(text):
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_docs_example_runs(source_dir, tmp_path, monkeypatch, capsys):
    blocks = python_blocks((source_dir / "docs" / "python.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 3
    (tmp_path / "scenarios").symlink_to(source_dir / "scenarios")
    monkeypatch.chdir(tmp_path)  # the example uses paths relative to the repository root
    monkeypatch.setenv("MPLBACKEND", "Agg")
    has_mpl = importlib.util.find_spec("matplotlib") is not None
    namespace: dict = {"__name__": "docs_example"}
    ran = skipped = 0
    for block in blocks:
        if "matplotlib" in block and not has_mpl:
            skipped += 1
            continue
        if ".sensitivity" in block and "sensitivity" not in amorce._core._features:
            skipped += 1
            continue
        exec(compile(block, "docs/python.md", "exec"), namespace)
        ran += 1
    out = capsys.readouterr().out
    assert "P(cash shortfall) = " in out
    assert "funding need: P50" in out
    if has_mpl:
        assert (tmp_path / "cash_fan.png").stat().st_size > 10_000
        if "sensitivity" in amorce._core._features:
            assert (tmp_path / "cash_drivers.png").stat().st_size > 10_000
        import matplotlib.pyplot as plt
        plt.close("all")
    if "sensitivity" in amorce._core._features:
        assert "S1" in out and "ST" in out
    assert ran >= 1 and ran + skipped == len(blocks)
