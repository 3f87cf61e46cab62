"""Core benchmark: symbolic and numeric matrix builds and counting, measured side by side.

Run with ``python benchmarks/bench_core.py``. Every figure is measured in this run and
printed with its ratio to a floor measured in the same run, so the ratios hold on any
machine. Targets come from the project's issue tracker; a missed target is printed as
such, never hidden.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import sympy

import symconv as sc
from symconv.symbolic import gc_paused


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def floor_build(layer: sc.Layer) -> dict[tuple[int, int], sympy.Expr]:
    """The floor: NumPy index arrays plus a plain Python dict of the nonzeros.

    The garbage collector is paused here too, so the floor gets the same help
    the library's own build gets.
    """
    with gc_paused():
        conn = layer.structure.build()
        symbols = np.array(layer._weight_symbols, dtype=object)[conn.param]
        keys = zip(conn.out_unit.tolist(), conn.in_unit.tolist(), strict=True)
        return dict(zip(keys, symbols.tolist(), strict=True))


def floor_rows(layer: sc.Layer) -> dict[int, dict[int, sympy.Expr]]:
    """A tighter floor: the same arrays grouped into a plain dict of row dicts.

    This is the shape SymPy's sparse matrices store, so no build can beat it by much.
    """
    with gc_paused():
        conn = layer.structure.build()
        symbols = np.array(layer._weight_symbols, dtype=object)[conn.param]
        rows: dict[int, dict[int, sympy.Expr]] = {}
        for r, c, value in zip(conn.out_unit.tolist(), conn.in_unit.tolist(),
                               symbols.tolist(), strict=True):
            rows.setdefault(r, {})[c] = value
        return rows


def symconv_build(layer_args: tuple, layer_kwargs: dict) -> sympy.SparseMatrix:
    """What a user does: construct the layer and ask for its matrix."""
    return sc.Conv2d(*layer_args, **layer_kwargs).matrix()


def naive_build(in_shape: tuple[int, int, int], out_channels: int, k: int) -> sympy.Matrix:
    """What a student writes: a dense SymPy matrix filled entry by entry."""
    c_in, h, w = in_shape
    ho, wo = h - k + 1, w - k + 1
    weights = sympy.symbols(f"w0:{out_channels * c_in * k * k}")
    m = sympy.zeros(out_channels * ho * wo, c_in * h * w)
    for o in range(out_channels):
        for i in range(ho):
            for j in range(wo):
                row = (o * ho + i) * wo + j
                for c in range(c_in):
                    for a in range(k):
                        for b in range(k):
                            col = (c * h + i + a) * w + j + b
                            m[row, col] = weights[((o * c_in + c) * k + a) * k + b]
    return m


def count_vgg16() -> tuple[int, int]:
    """Build VGG-16 at 224x224 and count its 13 convolutions and 3 dense layers."""
    layers = [layer for layer in sc.vgg16().layers if layer.num_parameters]
    return (
        sum(layer.num_parameters for layer in layers),
        sum(layer.num_connections for layer in layers),
    )


def report(name: str, seconds: float, target: str = "", ratio: str = "") -> None:
    print(f"{name:<58} {seconds * 1e3:10.1f} ms  {ratio:<22} {target}")


def measure_large_in_subprocess() -> dict[str, float]:
    """Build the 3.47M-nonzero matrix in a fresh process to read its own peak memory."""
    out = subprocess.run(
        [sys.executable, __file__, "--large-child"], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def large_child() -> None:
    """Child process: floor and symconv build of Conv2d((3, 64, 64), 32, 3, padding=1)."""
    args, kwargs = ((3, 64, 64), 32, 3), {"padding": 1}
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    matrix = symconv_build(args, kwargs)
    ours = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    nnz = matrix.nnz()
    del matrix
    gc.collect()
    floor = best_of(lambda: floor_build(sc.Conv2d(*args, **kwargs)), 1)
    rows = best_of(lambda: floor_rows(sc.Conv2d(*args, **kwargs)), 1)
    print(json.dumps({"ours": ours, "floor": floor, "rows": rows, "nnz": nnz,
                      "peak_mib": (peak - base) / 1024, "rss_mib": peak / 1024}))


def main() -> None:
    print(f"symconv {sc.__version__}, SymPy {sympy.__version__}, NumPy {np.__version__}")
    print(f"{'figure':<58} {'time':>13}  {'ratio':<22} target")

    args, kwargs = ((3, 32, 32), 16, 3), {"padding": 1}
    floor = best_of(lambda: floor_build(sc.Conv2d(*args, **kwargs)), 3)
    rows = best_of(lambda: floor_rows(sc.Conv2d(*args, **kwargs)), 3)
    ours = best_of(lambda: symconv_build(args, kwargs), 3)
    nnz = symconv_build(args, kwargs).nnz()
    report(f"floor: index arrays + dict, 3x32x32->16 k3 ({nnz:,} nz)", floor)
    report("  tighter floor: index arrays + dict of row dicts", rows)
    report("Conv2d((3, 32, 32), 16, 3, padding=1).matrix()", ours,
           "<= 1.5x floor", f"{ours / floor:.2f}x, {ours / rows:.2f}x tighter")

    large = measure_large_in_subprocess()
    report(f"floor: index arrays + dict, 3x64x64->32 k3 ({large['nnz']:,} nz)", large["floor"])
    report("  tighter floor: index arrays + dict of row dicts", large["rows"])
    report("Conv2d((3, 64, 64), 32, 3, padding=1).matrix()", large["ours"],
           "<= 1.5x floor, < 2 s",
           f"{large['ours'] / large['floor']:.2f}x, {large['ours'] / large['rows']:.2f}x tighter")
    print(f"{'  peak memory of that build (fresh process, RSS growth)':<58} "
          f"{large['peak_mib']:10.0f} MiB  (RSS {large['rss_mib']:.0f} MiB)  target < 600 MiB")

    naive = best_of(lambda: naive_build((1, 28, 28), 8, 3), 1)
    fast = best_of(lambda: sc.Conv2d((1, 28, 28), 8, 3, bias=False).matrix(), 3)
    report("naive SymPy fill, 1x28x28->8 k3 (what a student writes)", naive)
    report("Conv2d((1, 28, 28), 8, 3).matrix()", fast, "", f"{naive / fast:.0f}x faster")

    rng = np.random.default_rng(0)
    layer = sc.Conv2d(*args, **kwargs)
    weight = rng.standard_normal(layer.weight_shape)
    numeric = best_of(lambda: sc.Conv2d(*args, **kwargs).numeric_matrix(weight), 5)
    report("numeric_matrix, 3x32x32->16 k3 (fresh layer)", numeric, "< 10 ms")
    matrix = layer.numeric_matrix(weight)
    x = rng.standard_normal(layer.n_in)
    matvec = best_of(lambda: matrix @ x, 20)
    try:
        import torch
        import torch.nn.functional as F

        tx = torch.tensor(x.reshape(1, *layer.in_shape))
        tw = torch.tensor(weight)
        torch_time = best_of(lambda: F.conv2d(tx, tw, padding=1), 20)
        report("  scipy.sparse matvec", matvec, "", f"{matvec / torch_time:.2f}x F.conv2d")
        report("  torch F.conv2d (float64, same input)", torch_time)
    except ImportError:
        report("  scipy.sparse matvec (torch not installed: no comparison)", matvec)

    counting = best_of(count_vgg16, 5)
    params, connections = count_vgg16()
    report(f"count VGG-16 at 224x224 ({params:,} parameters)", counting, "< 50 ms")
    print(f"  VGG-16 connections: {connections:,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large-child", action="store_true", help=argparse.SUPPRESS)
    if parser.parse_args().large_child:
        large_child()
    else:
        main()
