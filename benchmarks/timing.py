"""Timing helpers shared by the benchmark scripts: medians with their spread."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any


def timings(work: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """Median, min and max wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def row(name: str, figure: tuple[float, float, float], target: str = "", ratio: str = "") -> None:
    """Print one figure: its median and spread in ms, a ratio and its target."""
    median, low, high = figure
    spread = f"[{low * 1e3:,.1f}-{high * 1e3:,.1f}]"
    print(f"{name:<58} {median * 1e3:>10,.1f} ms {spread:>20}  {ratio:<22} {target}")
