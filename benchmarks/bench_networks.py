"""Timings of the network features against their targets.

Run with ``python benchmarks/bench_networks.py``. Each row shows the first call
(cold: it also fills the layers' geometry caches) and the best of a few repeats.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import symconv as sc

REPEATS = 5


def timings(work: Callable[[], Any]) -> tuple[float, float]:
    """Seconds of the first call and the best of the repeats after it."""
    times = []
    for _ in range(1 + REPEATS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times[0], min(times[1:])


def vgg_summary() -> sc.Summary:
    return sc.vgg16().summary()


def deep_vgg_field() -> sc.ReceptiveField:
    # a unit in the middle of conv5_3 (after its ReLU): a 196 x 196 field
    return sc.vgg16()[:30].receptive_field_details((0, 7, 7))


def two_convolutions() -> Any:
    net = sc.Sequential(sc.Conv2d((1, 8, 8), 1, 3), sc.Conv2d((1, 6, 6), 1, 3))
    return net.matrix()


def report_rows(rows: list[tuple[str, Callable[[], Any], float]]) -> None:
    """Print each row's cold and warm time beside its target (in seconds)."""
    width = max(len(name) for name, _, _ in rows)
    for name, work, target in rows:
        cold, warm = timings(work)
        verdict = "ok" if cold < target else "SLOW"
        print(f"{name:<{width}}  first {cold * 1000:7.1f} ms, best {warm * 1000:7.1f} ms  "
              f"(target < {target * 1000:.0f} ms) {verdict}")


def main() -> None:
    report_rows([
        ("summary() of VGG-16 at 224x224", vgg_summary, 0.1),
        ("receptive field of one deep VGG-16 unit", deep_vgg_field, 1.0),
        ("symbolic product of two 3x3 convolutions on 1x8x8", two_convolutions, 1.0),
    ])
    field = deep_vgg_field()
    print(f"  the deep unit depends on {len(field.units):,} inputs, "
          f"{field.size[0] if field.size else '?'} x {field.size[1] if field.size else '?'}")


if __name__ == "__main__":
    main()
