"""Mathtext labels of units and weights, the names a reader sees in every figure.

Inputs are ``x_1 ... x_n`` in flattened order (like :attr:`symconv.Layer.input_symbols`);
outputs are ``h`` indexed by channel and position, 1-based, with the channel left
out when there is only one (the canonical ``h_{1,1}, h_{1,2}, h_{2,1}, h_{2,2}``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy

from symconv.graph import output_label as graph_output_label
from symconv.plots.style import FIXED, FOLDED

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["input_label", "key_labels", "output_label", "value_label"]


def input_label(unit: int) -> str:
    """The mathtext name of a flat (0-based) input unit.

    Examples
    --------
    >>> input_label(4)
    '$x_{5}$'
    """
    return f"$x_{{{unit + 1}}}$"


def output_label(shape: Sequence[int], unit: int) -> str:
    """The mathtext name of a flat (0-based) output unit of an output of ``shape``.

    Examples
    --------
    >>> output_label((1, 2, 2), 1)
    '$h_{1,2}$'
    >>> output_label((2, 3), 4), output_label((4,), 3)
    ('$h_{2,2}$', '$h_{4}$')
    """
    return value_label(sympy.Symbol(graph_output_label(tuple(shape), unit)))


def value_label(value: sympy.Expr) -> str:
    """A matrix entry (a SymPy expression) as mathtext.

    Examples
    --------
    >>> value_label(sympy.Rational(1, 4))
    '$1 / 4$'
    """
    return f"${sympy.latex(value, fold_short_frac=True)}$"


def key_labels(layer: Layer, keys: Sequence[int]) -> list[str]:
    """Legend labels of connection keys: a weight's symbol, or what a neutral key means.

    Examples
    --------
    >>> import symconv as sc
    >>> key_labels(sc.Conv2d((1, 4, 4), 1, 2, bias=False), [0, 3, -2])
    ['$w_{1,1}$', '$w_{2,2}$', 'sum of weights (folded padding)']
    """
    symbols = layer._weight_symbols if any(k >= 0 for k in keys) else []
    names = {FIXED: "fixed weight (no parameter)", FOLDED: "sum of weights (folded padding)"}
    return [value_label(symbols[k]) if k >= 0 else names[k] for k in keys]
