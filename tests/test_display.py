"""The REPL and notebook display: repr, truncated text and LaTeX of the matrix."""

from __future__ import annotations

import re
import time

import pytest
import sympy
from hypothesis import given
from strategies import layers

import symconv as sc

ELLIPSES_TEXT = ("⋯", "⋮", "⋱")
ELLIPSES_LATEX = (r"\cdots", r"\vdots", r"\ddots")


def test_repr_of_the_canonical_example() -> None:
    conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
    assert repr(conv) == (
        "Conv2d((1, 4, 4) -> (1, 2, 2), kernel 2x2, stride 2: 4 parameters, 16 connections)"
    )


def test_repr_uses_singular_for_one() -> None:
    assert repr(sc.Conv1d((1, 1), 1, 1, bias=False)).endswith(": 1 parameter, 1 connection)")


@given(layer=layers(max_dims=3))
def test_repr_shows_shapes_and_counts(layer: sc.Layer) -> None:
    text = repr(layer)
    assert text.startswith(f"{type(layer).__name__}({layer.in_shape} -> {layer.out_shape}")
    assert re.search(rf": {layer.num_parameters:,} parameters?, "
                     rf"{layer.num_connections:,} connections?\)$", text)


@pytest.fixture
def large() -> sc.Layer:
    return sc.Conv2d((64, 56, 56), 64, 3, padding=1)


def test_str_of_a_large_layer_is_truncated_and_instant(large: sc.Layer) -> None:
    start = time.perf_counter()
    text = str(large)
    assert time.perf_counter() - start < 0.5
    assert text.splitlines()[0] == repr(large)
    assert all(mark in text for mark in ELLIPSES_TEXT)
    assert len(text) < 10_000


def test_latex_of_a_large_layer_is_truncated_and_instant(large: sc.Layer) -> None:
    start = time.perf_counter()
    latex = large._repr_latex_()
    assert time.perf_counter() - start < 0.5
    assert latex.startswith("$$") and latex.endswith("$$")
    assert all(mark in latex for mark in ELLIPSES_LATEX)
    assert len(latex) < 10_000


def test_small_layer_is_shown_whole() -> None:
    layer = sc.Conv1d((1, 4), 1, 2, bias=False)
    text, latex = str(layer), layer._repr_latex_()
    assert not any(mark in text for mark in ELLIPSES_TEXT)
    assert not any(mark in latex for mark in ELLIPSES_LATEX)
    assert text.count("w_1") == 3 and text.count("w_2") == 3
    assert latex.startswith("$$")


def index(position: int, gap: int | None, count: int, shown: int) -> int:
    """Matrix index of a shown row or column: the head counts from 0, the tail ends at count."""
    return position if gap is None or position < gap else count - (shown - position)


@pytest.mark.parametrize("layer", [
    sc.Conv1d((2, 20), 3, 3, padding=1),
    sc.Conv2d((2, 5, 5), 2, 2, stride=2, bias=False),
    sc.Dense(30, 20),
], ids=repr)
def test_shown_entries_are_the_matrix_entries(layer: sc.Layer) -> None:
    matrix = layer.matrix()
    body = layer._repr_latex_().split("\n")[1:-1]
    cells = [line.removesuffix(r" \\").split(" & ") for line in body]
    row_gap = next((r for r, line in enumerate(cells) if line[0] == r"\vdots"), None)
    col_gap = next((c for c, cell in enumerate(cells[0]) if cell == r"\cdots"), None)
    rows = [r for r in range(len(cells)) if r != row_gap]
    cols = [c for c in range(len(cells[0])) if c != col_gap]
    for r in rows:
        for c in cols:
            i = index(r, row_gap, layer.n_out, len(cells))
            j = index(c, col_gap, layer.n_in, len(cells[0]))
            assert cells[r][c] == sympy.latex(matrix[i, j]), (i, j)
    assert (row_gap is None) == (layer.n_out == len(cells))
    assert (col_gap is None) == (layer.n_in == len(cells[0]))


class Printer:
    """Stands in for IPython's pretty printer."""

    def __init__(self) -> None:
        self.output = ""

    def text(self, value: str) -> None:
        self.output += value


@pytest.mark.parametrize("cycle", [False, True])
def test_ipython_pretty_printing(cycle: bool) -> None:
    layer = sc.Conv1d((1, 4), 1, 2)
    printer = Printer()
    layer._repr_pretty_(printer, cycle)
    assert printer.output == (repr(layer) if cycle else str(layer))
