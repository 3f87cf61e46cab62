"""Test configuration shared by the doctests and the tests.

A headless matplotlib backend, and no pyplot figure left open after a test.

Optional test tools: use them when installed, otherwise skip what needs them and say so.

The README's test command installs no PyTorch (from the package index it is the CUDA
build, several GB). Without it the PyTorch comparisons skip, the doctests that import
it too, and one closing line counts what was skipped and why. pytest-mpl's image
comparisons run only where pytest-mpl is installed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

TORCH_CPU_INSTALL = "pip install torch --index-url https://download.pytorch.org/whl/cpu"
"""How to get the CPU-only PyTorch build for the full comparison."""


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Compare images with pytest-mpl (``--mpl``) whenever it is installed."""
    if config.pluginmanager.hasplugin("pytest_mpl"):
        config.option.mpl = True


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the doctests that import PyTorch when it is not installed."""
    if _installed("torch"):
        return
    skip = pytest.mark.skip(reason="could not import 'torch': the example uses PyTorch")
    for item in items:
        if isinstance(item, pytest.DoctestItem) and item.dtest is not None and any(
            re.match(r"\s*(import|from) torch\b", example.source)
            for example in item.dtest.examples
        ):
            item.add_marker(skip)


_MISSING = re.compile(r"could not import '([\w.]+)'|No module named '([\w.]+)'")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line: how many skips (tests, or whole modules) for want of which optional package."""
    missing: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        found = _MISSING.search(reason)
        if found:
            missing[(found[1] or found[2]).split(".")[0]] += 1
    if not missing:
        return
    counts = ", ".join(f"{name} ({n})" for name, n in sorted(missing.items()))
    line = f"skips for want of optional test packages: {counts}"
    if "torch" in missing:
        line += f" (full PyTorch comparison: {TORCH_CPU_INSTALL})"
    terminalreporter.write_line(line, yellow=True)


@pytest.fixture(autouse=True)
def _close_pyplot_figures() -> Iterator[None]:
    """Close the figures a test or doctest made through pyplot (plot functions do)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
