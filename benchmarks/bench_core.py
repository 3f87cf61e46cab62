"""Core benchmark: the symbolic build against its fair floor, its memory, counting, matvec.

Run with ``python benchmarks/bench_core.py``. The floor is what SymPy's sparse
matrices store: the connectivity arrays grouped into a dict of row dicts. Each
build runs in a fresh process, the floor and symconv alternating which goes
first, so neither gets a warm or a cold process for free; memory is the growth
of the peak resident set inside that process, from a baseline taken there after
the imports. Every figure is the median of ``--repeat`` runs (at least 5) with
its spread (min to max), every ratio is taken between figures of this run, and
PyTorch runs on one thread. A missed target is printed as such, never hidden.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import sympy

import symconv as sc
from symconv.symbolic import gc_paused

sys.path.insert(0, str(Path(__file__).parent))
from timing import row, timings  # a sibling script module

SMALL: tuple[tuple[Any, ...], dict[str, Any]] = (((3, 32, 32), 16, 3), {"padding": 1})
LARGE: tuple[tuple[Any, ...], dict[str, Any]] = (((3, 64, 64), 32, 3), {"padding": 1})


def floor_rows(layer: sc.Layer) -> dict[int, dict[int, sympy.Expr]]:
    """The fair floor: the connectivity arrays grouped into a dict of row dicts.

    This is the shape SymPy's sparse matrices store. The garbage collector is
    paused here too, so the floor gets the same help the library's build gets.
    """
    with gc_paused():
        conn = layer.structure.build()
        symbols = np.array(layer._weight_symbols, dtype=object)[conn.param]
        rows: dict[int, dict[int, sympy.Expr]] = {}
        for r, c, value in zip(conn.out_unit.tolist(), conn.in_unit.tolist(),
                               symbols.tolist(), strict=True):
            rows.setdefault(r, {})[c] = value
        return rows


def naive_build(in_shape: tuple[int, int, int], out_channels: int, k: int) -> sympy.Matrix:
    """What a student writes: a dense SymPy matrix filled entry by entry."""
    c_in, h, w = in_shape
    ho, wo = h - k + 1, w - k + 1
    weights = sympy.symbols(f"w0:{out_channels * c_in * k * k}")
    m = sympy.zeros(out_channels * ho * wo, c_in * h * w)
    for o in range(out_channels):
        for i in range(ho):
            for j in range(wo):
                r = (o * ho + i) * wo + j
                for c in range(c_in):
                    for a in range(k):
                        for b in range(k):
                            col = (c * h + i + a) * w + j + b
                            m[r, col] = weights[((o * c_in + c) * k + a) * k + b]
    return m


def count_vgg16() -> tuple[int, int]:
    """Build VGG-16 at 224x224 and count its 13 convolutions and 3 dense layers."""
    layers = [layer for layer in sc.vgg16().layers if layer.num_parameters]
    return (
        sum(layer.num_parameters for layer in layers),
        sum(layer.num_connections for layer in layers),
    )


def _resident_kib(field: str) -> int | None:
    """``VmRSS`` or ``VmHWM`` of this process in KiB (Linux), else ``None``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def child(which: str, size: str) -> None:
    """One build in this fresh process; prints its time and peak memory growth as JSON."""
    args, kwargs = SMALL if size == "small" else LARGE
    layer = sc.Conv2d(*args, **kwargs)
    baseline = _resident_kib("VmRSS")
    try:  # reset the peak to the current size, so the peak is this build's own
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        baseline = None
    if baseline is None:
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    built = floor_rows(layer) if which == "floor" else layer.matrix()
    seconds = time.perf_counter() - start
    peak = _resident_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    entries = sum(map(len, built.values())) if isinstance(built, dict) else built.nnz()
    print(json.dumps({"seconds": seconds, "mib": (peak - baseline) / 1024, "entries": entries}))


def alternated(size: str, repeat: int) -> dict[str, list[dict[str, float]]]:
    """``repeat`` fresh-process builds of the floor and of symconv, alternating their order."""
    runs: dict[str, list[dict[str, float]]] = {"floor": [], "symconv": []}
    for i in range(repeat):
        for which in (("floor", "symconv") if i % 2 == 0 else ("symconv", "floor")):
            out = subprocess.run([sys.executable, __file__, "--child", which, size],
                                 capture_output=True, text=True, check=True)
            runs[which].append(json.loads(out.stdout.strip().splitlines()[-1]))
    return runs


def spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def compare_builds(size: str, repeat: int, target: str) -> None:
    runs = alternated(size, repeat)
    (c, h, w), out, k = (SMALL if size == "small" else LARGE)[0]
    name = f"{c}x{h}x{w}->{out} k{k} pad 1 ({runs['symconv'][0]['entries']:,} nz)"
    floor = spread([r["seconds"] for r in runs["floor"]])
    ours = spread([r["seconds"] for r in runs["symconv"]])
    row(f"floor: dict of row dicts, {name}", floor)
    row("  .matrix(), fresh process, order alternated", ours, target,
        f"{ours[0] / floor[0]:.2f}x floor")
    for which, label in (("floor", "  peak memory growth of the floor"),
                         ("symconv", "  peak memory growth of .matrix()")):
        mib = spread([r["mib"] for r in runs[which]])
        print(f"{label:<58} {mib[0]:>10,.0f} MiB [{mib[1]:,.0f}-{mib[2]:,.0f}]"
              + ("  target < 600 MiB" if which == "symconv" and size == "large" else ""))


def main(repeat: int) -> None:
    print(f"symconv {sc.__version__}, SymPy {sympy.__version__}, NumPy {np.__version__}")
    print(f"{'figure':<58} {'median':>13} {'[min-max] ms':>20}  {'ratio':<22} target")
    compare_builds("small", repeat, "<= 1.5x floor")
    compare_builds("large", repeat, "<= 1.5x floor, < 2 s")

    naive = timings(lambda: naive_build((1, 28, 28), 8, 3), repeat)
    fast = timings(lambda: sc.Conv2d((1, 28, 28), 8, 3, bias=False).matrix(), repeat)
    row("naive SymPy fill, 1x28x28->8 k3 (what a student writes)", naive)
    row("Conv2d((1, 28, 28), 8, 3).matrix()", fast, "", f"{naive[0] / fast[0]:.0f}x faster")

    rng = np.random.default_rng(0)
    layer = sc.Conv2d(*SMALL[0], **SMALL[1])
    weight = rng.standard_normal(layer.weight_shape)
    matrix = layer.numeric_matrix(weight)
    x = rng.standard_normal(layer.n_in)
    matvec = timings(lambda: matrix @ x, max(repeat, 20))
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        row("scipy.sparse matvec (torch not installed: no comparison)", matvec)
    else:
        torch.set_num_threads(1)
        tx = torch.tensor(x.reshape(1, *layer.in_shape))
        tw = torch.tensor(weight)
        conv = timings(lambda: F.conv2d(tx, tw, padding=1), max(repeat, 20))
        row("scipy.sparse matvec, 3x32x32->16 k3", matvec, "",
            f"{matvec[0] / conv[0]:.2f}x F.conv2d")
        row("  torch F.conv2d (float64, same input, 1 thread)", conv)

    counting = timings(count_vgg16, repeat)
    params, connections = count_vgg16()
    row(f"count VGG-16 at 224x224 ({params:,} parameters)", counting, "< 50 ms")
    print(f"  VGG-16 connections: {connections:,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(*options.child)
    else:
        main(max(5, options.repeat))
