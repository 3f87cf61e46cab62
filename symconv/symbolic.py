"""Symbolic views of the connectivity core: SparseMatrix and forward pass.

The matrix is built the fast way the design notes measured: the connectivity
arrays become a dict of dicts of SymPy expressions, wrapped in a ``DomainMatrix``
over ``EXRAW`` and handed to ``SparseMatrix`` without re-validating every key.
That constructor is private SymPy API, so :func:`sparse_matrix_from_rows` falls
back to the public ``SparseMatrix(rows, cols, dict)`` if it ever disappears.
"""

from __future__ import annotations

import gc
import math
import numbers
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import sympy

from symconv.bigmatrix import LayerMatrix
from symconv.connectivity import Connectivity
from symconv.errors import SizeLimitError, SymconvError
from symconv.forward_rows import float_rows, symbol_rows
from symconv.geometry import shown_value
from symconv.inputs import ForwardInput

__all__ = [
    "BYTES_PER_ENTRY",
    "ENTRIES_PER_SYMBOL",
    "MAX_NUMERIC_ENTRIES",
    "MAX_SYMBOLIC_ENTRIES",
    "check_limit",
    "check_numeric_size",
    "check_symbolic_size",
    "entry_values",
    "forward_column",
    "gc_paused",
    "public_sparse_matrix",
    "rows_of_entries",
    "scaled",
    "sparse_matrix_from_rows",
    "sum_of_terms",
    "times",
]

MAX_SYMBOLIC_ENTRIES = 10_000_000
"""Default limit on the entries of a symbolic build (about 1.5 GiB of SymPy objects)."""

MAX_NUMERIC_ENTRIES = 50_000_000
"""Default limit on the connections of a numeric build (about 3 GiB at its peak)."""

BYTES_PER_NUMERIC_ENTRY = 64
"""Peak memory of one connection while a numeric matrix is built, in bytes."""

BYTES_PER_ENTRY = 150
"""Measured memory of one entry of a symbolic sparse matrix, in bytes (rounded up)."""

ENTRIES_PER_SYMBOL = 6
"""Memory of one distinct SymPy symbol (with its name), in entries (about 900 bytes)."""

Rows = dict[int, dict[int, Any]]


def check_symbolic_size(entries: int, what: str, limit: int | None, symbols: int = 0) -> None:
    """Refuse a symbolic build of more than ``limit`` entries, before building anything.

    ``symbols`` is the number of distinct symbols the build creates: each costs
    about :data:`ENTRIES_PER_SYMBOL` entries of memory, so a build is counted as
    the larger of its entries and its symbols' worth of entries; a matrix of
    untied weights (a dense layer) is refused at fewer entries than a convolution's.
    ``limit`` must be a whole number (``None``: :data:`MAX_SYMBOLIC_ENTRIES`).

    Examples
    --------
    >>> check_symbolic_size(100, "a tiny matrix", None)
    >>> check_symbolic_size(20_000_000, "a big matrix", None)
    Traceback (most recent call last):
    ...
    symconv.errors.SizeLimitError: the symbolic matrix of a big matrix would hold 20,000,000 ...
    >>> check_symbolic_size(2_000_000, "a dense matrix", None, symbols=2_000_000)
    Traceback (most recent call last):
    ...
    symconv.errors.SizeLimitError: the symbolic matrix of a dense matrix would hold 2,000,000 ...
    """
    limit = MAX_SYMBOLIC_ENTRIES if limit is None else check_limit(limit, "max_entries")
    cost = max(entries, ENTRIES_PER_SYMBOL * symbols)
    if cost > limit:
        mib = cost * BYTES_PER_ENTRY / 2**20
        created = f" and {symbols:,} distinct symbols" if symbols else ""
        raise SizeLimitError(
            f"the symbolic matrix of {what} would hold {entries:,} entries{created} "
            f"(about {mib:,.0f} MiB, {cost:,} entries' worth), over the limit of "
            f"{limit:,} entries; use numeric_matrix() for numbers or the num_* counts "
            "for sizes, or pass max_entries= to raise the limit"
        )


def check_numeric_size(entries: int, what: str, limit: int | None) -> None:
    """Refuse a numeric (SciPy) build of more than ``limit`` connections, before building.

    Examples
    --------
    >>> check_numeric_size(10**9, "a VGG layer", None)
    Traceback (most recent call last):
    ...
    symconv.errors.SizeLimitError: the numeric matrix of a VGG layer would hold 1,000,000,000 ...
    """
    limit = MAX_NUMERIC_ENTRIES if limit is None else check_limit(limit, "max_entries")
    if entries > limit:
        gib = entries * BYTES_PER_NUMERIC_ENTRY / 2**30
        raise SizeLimitError(
            f"the numeric matrix of {what} would hold {entries:,} connections (about "
            f"{gib:,.1f} GiB while it is built), over the limit of {limit:,}; "
            "pass max_entries= to raise the limit"
        )


def check_limit(limit: object, name: str) -> int:
    """``limit`` as an int, refusing NaN, infinities, booleans and non-numbers.

    Examples
    --------
    >>> check_limit(10**6, "max_entries")
    1000000
    >>> check_limit(float("nan"), "max_entries")
    Traceback (most recent call last):
    ...
    symconv.errors.SymconvError: max_entries=nan must be a whole number >= 0
    """
    if isinstance(limit, numbers.Real) and not isinstance(limit, bool | np.bool_):
        if isinstance(limit, numbers.Integral):
            number: float | int = int(limit)
        else:
            number = float(limit)
            number = int(number) if math.isfinite(number) and number.is_integer() else -1
        if number >= 0:
            return int(number)
    raise SymconvError(f"{name}={shown_value(limit)} must be a whole number >= 0")


def entry_values(conn: Connectivity, weights: Sequence[sympy.Expr]) -> np.ndarray:
    """The SymPy value of every connection: ``weight[param] / divisor``.

    ``weights`` may be a lazy sequence (:class:`symconv.symbols.IndexedSymbols`):
    when the connections are few compared with the weights, only the weights
    they use are looked up, so a few rows of a huge layer stay cheap.
    Returns an object array aligned with the connectivity arrays.

    Examples
    --------
    >>> import symconv as sc
    >>> pool = sc.AvgPool1d((1, 4), 2)
    >>> entry_values(pool.connectivity, []).tolist()
    [1/2, 1/2, 1/2, 1/2]
    """
    if len(conn) >= len(weights):
        used = None
        table = np.empty(len(weights) + 1, dtype=object)
        table[:-1] = list(weights)
        codes = conn.param
    else:
        used, codes = np.unique(conn.param, return_inverse=True)
        table = np.empty(len(used) + 1, dtype=object)
        table[:-1] = [weights[p] if p >= 0 else sympy.S.One for p in used.tolist()]
        codes = codes.ravel()
    table[-1] = sympy.S.One
    values = table[codes]
    if conn.divisor is None:
        return values
    keys, inverse = np.unique(np.stack([codes, conn.divisor]), axis=1, return_inverse=True)
    distinct = np.empty(keys.shape[1], dtype=object)
    distinct[:] = [table[p] / sympy.Integer(d) for p, d in keys.T.tolist()]
    return distinct[inverse.ravel()]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small dicts.

    The dicts hold no reference cycles, yet each allocation burst triggers a
    collection that walks the whole growing heap: pausing it halves the build.

    Examples
    --------
    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rows_of_entries(conn: Connectivity, values: np.ndarray) -> Rows:
    """Group connections into ``{row: {column: value}}``, summing folded taps.

    Examples
    --------
    >>> import symconv as sc
    >>> layer = sc.Conv1d((1, 3), 1, 3, padding=1, padding_mode="reflect", bias=False)
    >>> conn = layer.connectivity
    >>> rows_of_entries(conn, entry_values(conn, layer.parameters))[0]
    {1: w_1 + w_3, 0: w_2}
    """
    with gc_paused():
        return _group_rows(conn, values)


def _group_rows(conn: Connectivity, values: np.ndarray) -> Rows:
    out = conn.out_unit
    if len(out) == 0:
        return {}
    starts = np.flatnonzero(np.diff(out)) + 1
    bounds = [0, *starts.tolist(), len(out)]
    row_ids = out[[0, *starts.tolist()]].tolist()
    cols = conn.in_unit.tolist()
    vals = values.tolist()
    if not conn.folded:
        return {
            r: dict(zip(cols[a:b], vals[a:b], strict=True))
            for r, a, b in zip(row_ids, bounds[:-1], bounds[1:], strict=True)
        }
    rows: Rows = {}
    for r, a, b in zip(row_ids, bounds[:-1], bounds[1:], strict=True):
        terms: dict[int, list[Any]] = {}
        for c, v in zip(cols[a:b], vals[a:b], strict=True):
            terms.setdefault(c, []).append(v)
        rows[r] = {c: sympy.Add(*t) for c, t in terms.items()}
    return rows


def sparse_matrix_from_rows(n_rows: int, n_cols: int, rows: Rows) -> sympy.SparseMatrix:
    """A :class:`~symconv.bigmatrix.LayerMatrix` from ``{row: {column: value}}``, no copies.

    The rows come from the connectivity core, whose indices are in range by
    construction, so SymPy's per-entry range checks are skipped. This is the only
    place that touches SymPy's private matrix internals; any change there makes it
    fall back to :func:`public_sparse_matrix`.

    Examples
    --------
    >>> a = sympy.Symbol("a")
    >>> sparse_matrix_from_rows(2, 2, {0: {1: a}})
    Matrix([
    [0, a],
    [0, 0]])
    """
    try:
        from sympy.polys.domains import EXRAW
        from sympy.polys.matrices import DomainMatrix
        from sympy.polys.matrices.sdm import SDM

        rep = SDM.__new__(SDM)
        dict.update(rep, rows)
        rep.shape = (rep.rows, rep.cols) = (n_rows, n_cols)
        rep.domain = EXRAW
        return LayerMatrix._fromrep(DomainMatrix.from_rep(rep))
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - future SymPy
        return public_sparse_matrix(n_rows, n_cols, rows)


def public_sparse_matrix(n_rows: int, n_cols: int, rows: Rows) -> sympy.SparseMatrix:
    """The same matrix through SymPy's public constructor (slower; the fallback).

    Examples
    --------
    >>> a = sympy.Symbol("a")
    >>> public_sparse_matrix(1, 2, {0: {1: a}})
    Matrix([[0, a]])
    """
    flat = {(r, c): v for r, row in rows.items() for c, v in row.items()}
    return LayerMatrix(n_rows, n_cols, flat)


def forward_column(
    conn: Connectivity,
    weights: Sequence[sympy.Expr],
    x: ForwardInput,
    bias: Sequence[sympy.Expr] | None,
) -> sympy.Matrix:
    """The column ``M x + b`` of a layer with symbolic weights and input ``x``.

    Numeric inputs take the numeric road: the coefficient of every weight in
    every output is summed with NumPy (floats) or exactly (ints and fractions),
    and only the final terms become SymPy objects. ``bias`` holds each output's
    bias symbol, or is ``None``.

    Examples
    --------
    >>> import symconv as sc
    >>> from symconv.inputs import forward_input
    >>> layer = sc.Conv1d((1, 3), 1, 2, bias=False)
    >>> forward_column(layer.connectivity, layer.parameters, forward_input([1, 2, 4], 3), None)
    Matrix([
    [  w_1 + 2*w_2],
    [2*w_1 + 4*w_2]])
    """
    if x.kind == "symbolic":
        fast = symbol_rows(conn, weights, x.values, bias)
        if fast is not None:
            return fast
        rows = rows_of_entries(conn, entry_values(conn, weights))
        out = [[times(v, x.values[c]) for c, v in rows.get(r, {}).items()]
               for r in range(conn.n_out)]
    else:
        grouped = _numeric_sums(conn, weights, x)
        fast = None if x.kind != "float" else float_rows(*grouped, weights, conn.n_out, bias)
        if fast is not None:
            return fast
        out = _numeric_terms(*grouped, weights, conn.n_out, x.kind)
    if bias is not None:
        for terms, b in zip(out, bias, strict=True):
            terms.append(b)
    return sympy.Matrix([sum_of_terms(terms) for terms in out])


def _numeric_sums(
    conn: Connectivity, weights: Sequence[sympy.Expr], x: ForwardInput
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, weight (``len(weights)`` for the constant 1) and summed coefficient of each term."""
    if len(conn) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64 if x.kind == "float" else object)
    param = np.where(conn.param < 0, len(weights), conn.param)
    values = x.values[conn.in_unit]
    if conn.divisor is not None:
        values = values / (conn.divisor if x.kind == "float" else conn.divisor.astype(object))
    order = np.lexsort((param, conn.out_unit))
    rows, params = conn.out_unit[order], param[order]
    starts = np.flatnonzero(np.diff(rows) | np.diff(params)) + 1
    starts = np.concatenate([[0], starts])
    return rows[starts], params[starts], np.add.reduceat(values[order], starts)


def _numeric_terms(
    rows: np.ndarray, params: np.ndarray, sums: np.ndarray, weights: Sequence[sympy.Expr],
    n_out: int, kind: str,
) -> list[list[Any]]:
    """Per output, the terms ``coefficient * weight`` for a numeric input."""
    out: list[list[Any]] = [[] for _ in range(n_out)]
    symbols: dict[int, Any] = {len(weights): sympy.S.One}
    number = sympy.Float if kind == "float" else _rational
    for r, p, coefficient in zip(rows.tolist(), params.tolist(), sums.tolist(), strict=True):
        if coefficient == 0:
            continue
        symbol = symbols.get(p)
        if symbol is None:
            symbol = symbols[p] = weights[p]
        out[r].append(scaled(number(coefficient), symbol))
    return out


def _rational(value: Any) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)


def times(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    """``a * b``; two distinct commuting symbols skip SymPy's general ``Mul`` (much faster).

    The result is the very expression SymPy would build (same arguments, same
    order), made with SymPy's private ``Mul._from_args``; anything else goes
    through ``a * b``.

    Examples
    --------
    >>> u, v = sympy.symbols("u v")
    >>> times(v, u) == v * u, times(u, u)
    (True, u**2)
    """
    if a.is_Symbol and b.is_Symbol and a != b and a.is_commutative and b.is_commutative:
        try:
            from sympy.core.mul import _mulsort

            pair = [a, b]
            _mulsort(pair)
            return sympy.Mul._from_args(tuple(pair), True)
        except (ImportError, AttributeError, TypeError):  # pragma: no cover - future SymPy
            pass
    return a * b


def sum_of_terms(terms: list[sympy.Expr]) -> sympy.Expr:
    """``Add(*terms)``; for simple terms SymPy's term collection is skipped.

    Simple terms are at most one number and products ``c*s`` of a number or a
    symbol ``c`` with a symbol ``s``, all with distinct ``s``: then the sum is
    assembled with SymPy's own ordering (private ``Add._from_args``), the very
    expression ``Add`` would build. Anything else goes through ``Add``.

    Examples
    --------
    >>> u, v, w = sympy.symbols("u v w")
    >>> sum_of_terms([v * w, u * v, sympy.Integer(2)]) == sympy.Add(v * w, u * v, 2)
    True
    >>> sum_of_terms([sympy.Float(0.5) * w, u, sympy.Rational(1, 3)])
    u + 0.5*w + 1/3
    """
    numbers = [t for t in terms if t.is_Number]
    rest = [t for t in terms if not t.is_Number]
    bases = [_simple_base(t) for t in rest]
    if (len(terms) > 1 and len(numbers) <= 1 and all(n.is_finite and n != 0 for n in numbers)
            and None not in bases and len(set(bases)) == len(bases)):
        try:
            from sympy.core.add import _addsort

            _addsort(rest)
            args = (*numbers, *rest)
            return args[0] if len(args) == 1 else sympy.Add._from_args(args, True)
        except (ImportError, AttributeError, TypeError):  # pragma: no cover - future SymPy
            pass
    return sympy.Add(*terms)


def _simple_base(term: sympy.Expr) -> sympy.Expr | None:
    """The ``s`` of a symbol ``s`` or a product ``c*s`` of a symbol or finite number ``c``."""
    if term.is_Symbol:
        return term
    if term.is_Mul and len(term.args) == 2:
        c, s = term.args
        if c.is_Number and c.is_finite and c != 0 and c != 1 and s.is_Symbol:
            return s
        if c.is_Symbol and s.is_Symbol:
            return term
    return None


def scaled(coefficient: sympy.Number, symbol: sympy.Expr) -> sympy.Expr:
    """``coefficient * symbol`` for a number and a symbol (or 1), as SymPy builds it.

    Examples
    --------
    >>> w = sympy.Symbol("w")
    >>> scaled(sympy.Float(0.5), w) == 0.5 * w, scaled(sympy.Integer(1), w)
    (True, w)
    """
    if symbol is sympy.S.One:
        return coefficient
    if coefficient is sympy.S.One:
        return symbol
    if (symbol.is_Symbol and symbol.is_commutative and coefficient.is_finite
            and coefficient != 0):
        try:
            return sympy.Mul._from_args((coefficient, symbol), True)
        except (AttributeError, TypeError):  # pragma: no cover - future SymPy
            pass
    return coefficient * symbol
