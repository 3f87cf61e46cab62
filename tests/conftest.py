"""Test configuration: hypothesis profiles, a headless matplotlib backend, one torch thread.

Two hypothesis profiles: ``default`` (few examples, for quick local runs) and
``ci`` (many examples). ``ci`` is loaded when the environment variable ``CI`` is
set to anything but ``""``, ``"0"`` or ``"false"``; ``HYPOTHESIS_PROFILE`` names
a profile explicitly and wins over both.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest
from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("default", max_examples=30, deadline=None)
settings.register_profile("ci", max_examples=1000, deadline=None, print_blob=True)


def _profile_name() -> str:
    explicit = os.environ.get("HYPOTHESIS_PROFILE", "")
    if explicit:
        return explicit
    ci = os.environ.get("CI", "").strip().lower()
    return "ci" if ci not in ("", "0", "false") else "default"


settings.load_profile(_profile_name())


@pytest.fixture(autouse=True, scope="session")
def _single_torch_thread() -> Iterator[None]:
    """Run PyTorch on one thread: the tests' tensors are tiny, and idle worker threads
    spinning on a busy machine made the oracle tests several times slower."""
    torch = sys.modules.get("torch")  # imported by the test modules that use it
    if torch is not None:
        torch.set_num_threads(1)
    yield
