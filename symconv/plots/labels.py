"""Mathtext labels of units and weights, the names a reader sees in every figure.

Inputs are ``x_1 ... x_n`` in flattened order (like :attr:`symconv.Layer.input_symbols`);
outputs are ``h`` indexed by channel and position, 1-based, with the channel left
out when there is only one (the canonical ``h_{1,1}, h_{1,2}, h_{2,1}, h_{2,2}``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import sympy

from symconv.graph import output_label as graph_output_label
from symconv.plots.style import FIXED, FOLDED

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = [
    "geometry_caption", "input_label", "input_name", "key_labels", "output_label", "output_name",
    "plain_label", "value_label",
]


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


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def plain_label(label: str) -> str:
    """A unit's mathtext name as plain text with Unicode subscripts (``x₁₂``, ``h₃,₄``).

    Plain text is typeset without matplotlib's mathtext parser, which keeps
    only the last 50 strings it parsed: an animation naming hundreds of units
    would parse them again in every frame.

    Examples
    --------
    >>> plain_label("$x_{12}$"), plain_label("$h_{3,4}$"), plain_label("$w_{1} + w_{2}$")
    ('x₁₂', 'h₃,₄', '$w_{1} + w_{2}$')
    """
    match = re.fullmatch(r"\$([a-z])_\{([0-9,]+)\}\$", label)
    if match is None:
        return label
    return match[1] + match[2].translate(_SUBSCRIPTS)


def input_name(unit: int) -> str:
    """The plain-text name of an input unit in a figure's cells and ticks.

    Examples
    --------
    >>> input_name(11)
    'x₁₂'
    """
    return plain_label(input_label(unit))


def output_name(shape: Sequence[int], unit: int) -> str:
    """The plain-text name of an output unit in a figure's cells and ticks.

    Examples
    --------
    >>> output_name((1, 2, 2), 1)
    'h₁,₂'
    """
    return plain_label(output_label(shape, unit))


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


def _axes_text(values: object) -> str:
    """Per-axis values as ``3×3``, or one number when all axes agree (``(1, 1)`` pairs too)."""
    flat = [int(v) for v in np.ravel(np.asarray(values, dtype=object)).tolist()]
    if len(set(flat)) == 1:
        return str(flat[0])
    if isinstance(values, tuple) and values and isinstance(values[0], tuple):
        return "×".join("–".join(map(str, pair)) for pair in values)
    return "×".join(map(str, flat))


def geometry_caption(layer: Layer) -> str:
    """The window of a layer in words: kernel, stride, padding and dilation (or ``""``).

    Examples
    --------
    >>> import symconv as sc
    >>> geometry_caption(sc.Conv2d((1, 7, 7), 1, 3, stride=2, dilation=2))
    'kernel 3×3 · stride 2 · padding 0 · dilation 2'
    >>> geometry_caption(sc.Dense(4, 2))
    ''
    """
    geometry = getattr(layer, "geometry", None)
    kernel = getattr(geometry, "kernel", None)
    if kernel is None:
        return " · ".join(layer._describe())
    parts = [f"kernel {'×'.join(map(str, kernel))}"]
    for name in ("stride", "padding", "dilation"):
        value = getattr(geometry, name, None)
        if value is not None and not isinstance(value, str):
            parts.append(f"{name} {_axes_text(value)}")
    mode = getattr(geometry, "padding_mode", "zeros")
    if mode != "zeros":
        parts.append(f"{mode} padding")
    return " · ".join(parts)
