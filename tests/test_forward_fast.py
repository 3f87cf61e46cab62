"""The forward pass equals SymPy's own ``M * x + b``, term for term, on every layer kind."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

import symconv as sc
from symconv.forward_rows import float_mpfs

UNFOLDED = [
    sc.Conv1d((1, 5), 1, 2),
    sc.Conv1d((2, 6), 4, 3, groups=2),
    sc.Conv2d((2, 5, 5), 2, 3, padding=1, bias=False),
    sc.Conv2d((1, 6, 6), 2, 2, stride=2, dilation=1),
    sc.ConvTranspose1d((1, 4), 2, 3, stride=2),
    sc.ConvTranspose2d((1, 3, 3), 1, 2, stride=2),
    sc.TiledConv1d((1, 8), 1, 3, 2),
    sc.LocallyConnected1d((1, 6), 2, 3),
    sc.Dense(6, 4),
    sc.Dense(5, 3, bias=False),
]
FOLDED_OR_DIVIDED = [
    sc.Conv1d((1, 5), 1, 3, padding=1, padding_mode="reflect"),
    sc.Conv2d((1, 5, 5), 1, 3, padding=1, padding_mode="circular"),
    sc.Conv2d((1, 4, 4), 1, 3, padding=2, padding_mode="replicate"),
    sc.AvgPool2d((1, 4, 4), 2),
    sc.AvgPool1d((1, 5), 3, padding=1),
]


def sympy_forward(layer: sc.Layer, x: list[sympy.Expr], expand: bool = True) -> sympy.Matrix:
    """``M x + b`` by SymPy itself; numbers are multiplied out into one term per weight."""
    column = layer.matrix() * sympy.Matrix(x)
    if layer.bias_shape is not None:
        column += sympy.Matrix(layer.forward([0] * layer.n_in))
    return column.applyfunc(sympy.expand) if expand else column


def same(a: sympy.Matrix, b: sympy.Matrix) -> bool:
    return a.shape == b.shape and all(
        sympy.srepr(u) == sympy.srepr(v) for u, v in zip(a, b, strict=True))


@pytest.mark.parametrize("layer", UNFOLDED + FOLDED_OR_DIVIDED, ids=repr)
def test_symbolic_forward_is_sympys_product(layer: sc.Layer) -> None:
    x = list(sympy.symbols(f"y_1:{layer.n_in + 1}"))
    assert same(layer.forward(x), sympy_forward(layer, x, expand=False))
    assert same(layer.forward(), sympy_forward(layer, list(layer.input_symbols), expand=False))


@pytest.mark.parametrize("layer", UNFOLDED, ids=repr)
def test_float_forward_is_sympys_product(layer: sc.Layer) -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal(layer.n_in) * 10.0 ** rng.integers(-5, 5, layer.n_in)
    x[::3] = 0.0
    expected = sympy_forward(layer, [sympy.Float(v) for v in x.tolist()])
    assert same(layer.forward(x), expected)


@pytest.mark.parametrize("layer", UNFOLDED + FOLDED_OR_DIVIDED, ids=repr)
def test_exact_forward_is_sympys_product(layer: sc.Layer) -> None:
    rng = np.random.default_rng(3)
    x = [Fraction(int(a), 3) for a in rng.integers(-3, 4, layer.n_in)]
    expected = sympy_forward(layer, [sympy.Rational(v.numerator, v.denominator) for v in x])
    assert same(layer.forward(x), expected)


def test_float_forward_of_folded_layer_is_close_to_sympys() -> None:
    layer = sc.Conv2d((1, 5, 5), 1, 3, padding=1, padding_mode="reflect")
    x = np.random.default_rng(1).random(layer.n_in)
    got = layer.forward(x)
    expected = sympy_forward(layer, [sympy.Float(v) for v in x.tolist()])
    assert all(abs(c) < 1e-12 for u, v in zip(got, expected, strict=True)
               for c in sympy.Poly(u - v, *layer.parameters).coeffs())


def test_float_mpfs_are_mpmaths() -> None:
    special = [5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
               1.0, -1.0, 0.1, 2.0**52 + 1.0, -(2.0**-1060) * 3]
    rng = np.random.default_rng(0)
    values = np.concatenate(
        [special, rng.standard_normal(2000) * 10.0 ** rng.integers(-300, 300, 2000)])
    assert float_mpfs(values) == [mpmath.mpf(v)._mpf_ for v in values.tolist()]
