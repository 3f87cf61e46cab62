"""Fast forward passes for the common layers: each row's sum built once, in SymPy's order.

``Add`` and ``Mul`` sort their arguments with ``Basic.compare``, one Python call per
comparison. For the terms a forward pass makes (``w*x`` of two symbols, or ``c*w``
of a float and a symbol) that order is a plain key: a symbol's rank among the
symbols (by ``Symbol._hashable_content``, which is what ``compare`` looks at) and
a ``Float``'s ``(_mpf_, _prec)``. The rows are then assembled with SymPy's private
``_from_args`` constructors: the very expressions ``Add`` and ``Mul`` would build.
Anything outside these shapes returns ``None`` and takes the general road.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy
from mpmath.libmp import MPZ

from symconv.connectivity import Connectivity

__all__ = ["float_mpfs", "float_rows", "symbol_rows"]

_PRECISION = 53


def float_mpfs(values: np.ndarray) -> list[tuple[int, Any, int, int]]:
    """The ``Float._mpf_`` of each finite nonzero float64: ``(sign, odd mantissa, exp, bits)``.

    The value is ``(-1)**sign * mantissa * 2**exp``, exactly what
    ``mpmath.libmp.from_float`` gives, computed for the whole array at once.

    Examples
    --------
    >>> [tuple(map(int, mpf)) for mpf in float_mpfs(np.array([0.75, -2.0]))]
    [(0, 3, -2, 2), (1, 1, 1, 1)]
    """
    fraction, exponent = np.frexp(np.abs(values))
    mantissa = (fraction * 2.0**_PRECISION).astype(np.int64)
    zeros = np.frexp((mantissa & -mantissa).astype(np.float64))[1] - 1
    odd = mantissa >> zeros
    bits = np.frexp(odd.astype(np.float64))[1]
    return [(s, MPZ(m), e, b) for s, m, e, b in zip(
        np.signbit(values).astype(np.int64).tolist(), odd.tolist(),
        (exponent - _PRECISION + zeros).tolist(), bits.tolist(), strict=True)]


def _new_float(mpf: tuple[int, Any, int, int]) -> sympy.Float:
    """``Float`` of a normalised 53-bit ``mpf``: what ``Float(value)`` builds, without checks."""
    number = sympy.Expr.__new__(sympy.Float)
    number._mpf_ = mpf
    number._prec = _PRECISION
    return number


def _symbol_ranks(symbols: Sequence[Any]) -> dict[Any, int] | None:
    """Each distinct plain ``Symbol``'s rank in SymPy's canonical order, or ``None``."""
    distinct = set(symbols)
    if any(type(s) is not sympy.Symbol for s in distinct):
        return None
    ordered = sorted(distinct, key=lambda s: (len(s._hashable_content()), s._hashable_content()))
    return {s: i for i, s in enumerate(ordered)}


def _symbol_before_mul(symbol: sympy.Symbol, mul: sympy.Expr) -> bool:
    return symbol.compare(mul) < 0


def _assemble(
    terms: list[Any], bounds: list[int], row_ids: list[int], n_out: int,
    bias: Sequence[Any] | None, bias_first: bool,
) -> sympy.Matrix:
    """One ``Add`` per row from its sorted terms, with the bias symbol put in its place."""
    column: list[Any] = [sympy.S.Zero] * n_out
    for r, a, b in zip(row_ids, bounds[:-1], bounds[1:], strict=True):
        row = terms[a:b]
        if bias is not None:
            row = [bias[r], *row] if bias_first else [*row, bias[r]]
        column[r] = row[0] if len(row) == 1 else sympy.Add._from_args(tuple(row), True)
    if bias is not None:
        filled = set(row_ids)
        for r in range(n_out):
            if r not in filled:
                column[r] = bias[r]
    return sympy.Matrix(column)


def _row_bounds(rows: np.ndarray) -> tuple[list[int], list[int]]:
    starts = np.flatnonzero(np.diff(rows)) + 1
    return [0, *starts.tolist(), len(rows)], rows[[0, *starts.tolist()]].tolist()


def symbol_rows(
    conn: Connectivity, weights: Sequence[Any], inputs: np.ndarray,
    bias: Sequence[Any] | None,
) -> sympy.Matrix | None:
    """``M x + b`` for symbol weights and symbol inputs, or ``None`` if not that case.

    Examples
    --------
    >>> import symconv as sc
    >>> layer = sc.Conv1d((1, 3), 1, 2)
    >>> x = np.array(layer.input_symbols, dtype=object)
    >>> symbol_rows(layer.connectivity, layer.parameters, x, [layer.parameters[-1]] * 2)
    Matrix([
    [b + w_1*x_1 + w_2*x_2],
    [b + w_1*x_2 + w_2*x_3]])
    """
    if conn.folded or conn.divisor is not None or len(conn) == 0 or conn.param.min() < 0:
        return None
    used, codes = np.unique(conn.param, return_inverse=True)
    used_weights = [weights[p] for p in used.tolist()]
    ranks = _symbol_ranks([*used_weights, *inputs.tolist(), *(bias or [])])
    if ranks is None or len(ranks) != len(set(used_weights)) + len(set(inputs.tolist())) + len(
            set(bias or [])):
        return None  # a symbol shared between weights, inputs and bias
    by_rank = sorted(ranks, key=ranks.__getitem__)
    weight_rank = np.array([ranks[w] for w in used_weights], dtype=np.int64)[codes.ravel()]
    input_rank = np.array([ranks[s] for s in inputs.tolist()], dtype=np.int64)[conn.in_unit]
    low, high = np.minimum(weight_rank, input_rank), np.maximum(weight_rank, input_rank)
    order = np.lexsort((high, low, conn.out_unit))
    mul = sympy.Mul._from_args
    terms = [mul((by_rank[a], by_rank[b]), True)
             for a, b in zip(low[order].tolist(), high[order].tolist(), strict=True)]
    bounds, row_ids = _row_bounds(conn.out_unit[order])
    bias_first = bias is not None and _symbol_before_mul(bias[0], terms[0])
    return _assemble(terms, bounds, row_ids, conn.n_out, bias, bias_first)


def float_rows(
    rows: np.ndarray, params: np.ndarray, sums: np.ndarray, weights: Sequence[Any],
    n_out: int, bias: Sequence[Any] | None,
) -> sympy.Matrix | None:
    """``sum(c * w) + b`` per row from float coefficients ``sums``, or ``None``.

    ``rows`` and ``params`` (sorted by row) name each coefficient's output and weight.

    Examples
    --------
    >>> w = sympy.symbols("w_1 w_2")
    >>> float_rows(np.array([0, 0]), np.array([0, 1]), np.array([0.5, 2.0]), w, 1, None)
    Matrix([[0.5*w_1 + 2.0*w_2]])
    """
    keep = sums != 0
    if not np.isfinite(sums).all() or len(sums) == 0 or params.max() >= len(weights):
        return None
    rows, params, sums = rows[keep], params[keep], sums[keep]
    if len(rows) == 0:
        return None
    used, codes = np.unique(params, return_inverse=True)
    used_weights = [weights[p] for p in used.tolist()]
    ranks = _symbol_ranks([*used_weights, *(bias or [])])
    if ranks is None:
        return None
    mul = sympy.Mul._from_args
    keyed = [(r, mpf, ranks[used_weights[c]], mul((_new_float(mpf), used_weights[c]), True))
             for r, mpf, c in zip(rows.tolist(), float_mpfs(sums), codes.ravel().tolist(),
                                  strict=True)]
    keyed.sort(key=lambda t: t[:3])
    terms = [t[3] for t in keyed]
    bounds, row_ids = _row_bounds(np.array([t[0] for t in keyed], dtype=np.int64))
    bias_first = bias is not None and _symbol_before_mul(bias[0], terms[0])
    return _assemble(terms, bounds, row_ids, n_out, bias, bias_first)
