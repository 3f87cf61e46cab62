"""Forward passes, prompt display, network products and guards, measured side by side.

Run with ``python benchmarks/bench_sizes.py``. Every figure is the median of
``--repeat`` runs (at least 5) with its spread (min to max), and each ratio is
taken between two figures of this run, so it holds on any machine. Targets come
from the project's issue tracker; a missed target is printed as such.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
import sympy

import symconv as sc

sys.path.insert(0, str(Path(__file__).parent))
from timing import row, timings  # a sibling script module


def product_floor(net: sc.Sequential) -> dict[int, dict[int, Any]]:
    """The floor of a two-layer product: every term made once, one unevaluated sum per entry."""
    first, second = (layer._rows(None) for layer in net.layers)
    out: dict[int, dict[int, Any]] = {}
    for r, row_items in second.items():
        terms: dict[int, list[Any]] = {}
        for m, left in row_items.items():
            for c, right in first.get(m, {}).items():
                terms.setdefault(c, []).append(left * right)
        out[r] = {c: sympy.Add(*t, evaluate=False) for c, t in terms.items()}
    return out


def coefficient_floor(layer: sc.Layer, x: np.ndarray) -> list[sympy.Float]:
    """The floor of a numeric forward pass with symbolic weights.

    Its output holds one coefficient per (output, weight) pair, not one number
    per output: the floor computes them with a SciPy sparse sum and converts
    each to a SymPy ``Float``.
    """
    conn = layer.connectivity
    coefficients = scipy.sparse.csr_array(
        (x[conn.in_unit], (conn.out_unit, conn.param)),
        shape=(layer.n_out, layer.num_parameters))
    coefficients.sum_duplicates()
    return [sympy.Float(v) for v in coefficients.data.tolist()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = max(5, parser.parse_args().repeat)
    print(f"{'action':<58} {'median':>13} {'[min-max] ms':>20}  {'ratio':<22} target")

    layer = sc.Conv2d((1, 28, 28), 8, 3)
    x = np.random.default_rng(0).random(784)
    weight = np.random.default_rng(1).random(layer.weight_shape)
    numeric = timings(lambda: layer.forward(x), repeat)
    floor = timings(
        lambda: [sympy.Float(v) for v in (layer.numeric_matrix(weight) @ x).tolist()], repeat)
    fair = timings(lambda: coefficient_floor(layer, x), repeat)
    row("numeric_matrix(w) @ x + SymPy Floats, 1x28x28->8 k3", floor)
    row("fair floor: SciPy coefficient of each weight + Floats", fair)
    row("Conv2d((1, 28, 28), 8, 3).forward(x), x numbers", numeric, "within 3x (fair floor)",
        f"{numeric[0] / fair[0]:.1f}x fair, {numeric[0] / floor[0]:.0f}x M@x")

    matrix = timings(lambda: layer.matrix(), repeat)
    symbolic = timings(lambda: layer.forward(), repeat)
    row("Conv2d((1, 28, 28), 8, 3).matrix()", matrix)
    row("Conv2d((1, 28, 28), 8, 3).forward() (symbolic)", symbolic, "within 5x",
        f"{symbolic[0] / matrix[0]:.1f}x matrix()")

    big = layer.matrix()
    row("repr(M) of that 5408x784 matrix (a REPL prompt)", timings(lambda: repr(big), repeat),
        "instant (< 50 ms)")

    fresh = timings(lambda: sc.Conv2d((3, 32, 32), 16, 3, padding=1).numeric_matrix(
        np.ones((16, 3, 3, 3))), repeat)
    row("numeric_matrix, fresh 3x32x32->16 k3 pad 1", fresh, "< 10 ms")

    net = sc.Sequential(sc.Dense(256, 64), sc.Dense(64, 10))
    product_times = timings(lambda: net.matrix(), repeat)
    floor_times = timings(lambda: product_floor(net), repeat)
    row("floor: terms once + unevaluated sums, Dense(256,64)*Dense(64,10)", floor_times)
    row("Sequential(Dense(256, 64), Dense(64, 10)).matrix()", product_times, "within 2x",
        f"{product_times[0] / floor_times[0]:.1f}x floor")

    for name, work in (
        ("repr(Conv1d((1, 10**9), 1, 3))", lambda: repr(sc.Conv1d((1, 10**9), 1, 3))),
        ("str(Dense(10**8, 1)) (display corners)", lambda: str(sc.Dense(10**8, 1))),
        ("refuse Sequential(Dense(4000, 256), Dense(256, 4000)).matrix()",
         lambda: _refused(sc.Sequential(sc.Dense(4000, 256), sc.Dense(256, 4000)).matrix)),
        ("refuse Dense(9*10**6, 1, bias=False).matrix()",
         lambda: _refused(sc.Dense(9 * 10**6, 1, bias=False).matrix)),
    ):
        row(name, timings(work, repeat), "instant (< 50 ms)")


def _refused(view: Callable[[], Any]) -> None:
    try:
        view()
    except sc.SizeLimitError:
        return
    raise AssertionError("the guard let a huge build through")


if __name__ == "__main__":
    main()
