"""Configuration shared by the doctests and the tests: a headless backend, no figure left open."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_pyplot_figures() -> Iterator[None]:
    """Close the figures a test or doctest made through pyplot (plot functions do)."""
    yield
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
