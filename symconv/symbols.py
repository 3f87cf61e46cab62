"""Names of the SymPy symbols that stand for weights, biases and inputs.

People read these names, so they count from 1 like a textbook: the weight at
index ``(0, 1)`` of a layer's weight array is ``w_{1,2}``. Index positions that
are always 1 (the channel axes of a single-channel layer) are left out, so the
canonical 2x2 kernel reads ``w_{1,1}, w_{1,2}, w_{2,1}, w_{2,2}``. A single index
prints without braces (``x_5``); several print inside LaTeX braces
(``w_{1,2}``), which is also how the name renders in LaTeX.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy

__all__ = ["indexed_names", "indexed_symbols", "input_symbols", "symbol_name"]


def symbol_name(base: str, index: Sequence[int]) -> str:
    """The name of the symbol ``base`` with 1-based ``index``.

    Examples
    --------
    >>> symbol_name("w", (1, 2))
    'w_{1,2}'
    >>> symbol_name("x", (5,))
    'x_5'
    >>> symbol_name("b", ())
    'b'
    """
    if not index:
        return base
    if len(index) == 1:
        return f"{base}_{index[0]}"
    return f"{base}_{{{','.join(map(str, index))}}}"


def indexed_names(base: str, shape: tuple[int, ...], *, drop: Sequence[int] = ()) -> list[str]:
    """Names for every entry of an array of ``shape``, in C order.

    Axes listed in ``drop`` must have length 1 and are left out of the names.

    Examples
    --------
    >>> indexed_names("w", (1, 1, 2, 2), drop=(0, 1))
    ['w_{1,1}', 'w_{1,2}', 'w_{2,1}', 'w_{2,2}']
    >>> indexed_names("b", (3,))
    ['b_1', 'b_2', 'b_3']
    """
    kept = [axis for axis in range(len(shape)) if axis not in drop]
    ranges = [range(1, shape[axis] + 1) for axis in kept]
    return [symbol_name(base, index) for index in itertools.product(*ranges)]


def indexed_symbols(
    base: str, shape: tuple[int, ...], *, drop: Sequence[int] = ()
) -> list[sympy.Symbol]:
    """Real SymPy symbols named by :func:`indexed_names`.

    Examples
    --------
    >>> indexed_symbols("w", (2,))
    [w_1, w_2]
    """
    return [sympy.Symbol(name, real=True) for name in indexed_names(base, shape, drop=drop)]


def input_symbols(count: int, base: str = "x") -> list[sympy.Symbol]:
    """The input symbols ``x_1 ... x_n`` of a flattened input.

    Examples
    --------
    >>> input_symbols(3)
    [x_1, x_2, x_3]
    """
    return [sympy.Symbol(symbol_name(base, (i,)), real=True) for i in range(1, count + 1)]
