"""PyTorch as an optional test oracle: the module, or a stand-in that skips whoever uses it.

``from optional import torch`` replaces a module-level ``pytest.importorskip("torch")``
in test files that mix PyTorch comparisons with checks that need no PyTorch: the
latter run everywhere, the former skip (at their first call into ``torch``) where it is
not installed, with the same reason ``importorskip`` gives.
"""

from __future__ import annotations

import importlib
from typing import Any, NoReturn

import pytest


class MissingModule:
    """Stands in for a module that is not installed; calling anything from it skips."""

    def __init__(self, name: str, error: ImportError) -> None:
        self._name = name
        self._reason = f"could not import {name.split('.')[0]!r}: {error}"
        self._error = error

    def __getattr__(self, attribute: str) -> MissingModule:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return MissingModule(f"{self._name}.{attribute}", self._error)

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        pytest.skip(self._reason)


def optional_module(name: str) -> Any:
    """The module ``name`` if it imports, else a :class:`MissingModule` in its place."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        return MissingModule(name, error)


torch = optional_module("torch")
