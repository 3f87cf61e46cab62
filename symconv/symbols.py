"""Names of the SymPy symbols that stand for weights, biases and inputs.

People read these names, so they count from 1 like a textbook: the weight at
index ``(0, 1)`` of a layer's weight array is ``w_{1,2}``. Index positions that
are always 1 (the channel axes of a single-channel layer) are left out, so the
canonical 2x2 kernel reads ``w_{1,1}, w_{1,2}, w_{2,1}, w_{2,2}``. A single index
prints without braces (``x_5``); several print inside LaTeX braces
(``w_{1,2}``), which is also how the name renders in LaTeX.

Every symbol is created with the assumption ``real=True`` (weights, biases and
inputs of a network are real numbers), so ``sympy.Symbol("w_1")`` without it is a
*different* symbol: look symbols up with :meth:`symconv.Layer.symbol` (or use
``layer.parameters`` and ``layer.input_symbols``) rather than re-creating them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import overload

import numpy as np
import sympy

__all__ = ["IndexedSymbols", "input_symbols", "symbol_name"]


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


class IndexedSymbols(Sequence[sympy.Expr]):
    """The SymPy symbols (``real=True``) of an array's entries, in C order, made on first use.

    Axes listed in ``drop`` must have length 1 and are left out of the names;
    entries where ``mask`` is False are the constant 0 (weights a connection table
    switches off). Looking up a few entries of a huge array costs only those.

    Examples
    --------
    >>> symbols = IndexedSymbols("w", (1, 1, 2, 2), drop=(0, 1))
    >>> len(symbols), symbols[1], symbols.name(3)
    (4, w_{1,2}, 'w_{2,2}')
    >>> list(IndexedSymbols("b", (3,)))
    [b_1, b_2, b_3]
    """

    def __init__(
        self,
        base: str,
        shape: tuple[int, ...],
        *,
        drop: Sequence[int] = (),
        mask: np.ndarray | None = None,
    ) -> None:
        self.base, self.shape = base, shape
        self._kept = [axis for axis in range(len(shape)) if axis not in drop]
        self._mask = None if mask is None else np.asarray(mask, dtype=bool).ravel()
        self._size = math.prod(shape)
        self._cache: dict[int, sympy.Expr] = {}

    def __len__(self) -> int:
        return self._size

    def find(self, name: str) -> sympy.Expr | None:
        """The symbol called ``name``, or ``None`` (parsed, never searched: any size is cheap).

        Examples
        --------
        >>> symbols = IndexedSymbols("w", (1, 1, 2, 2), drop=(0, 1))
        >>> symbols.find("w_{2,1}"), symbols.find("w_{3,1}"), symbols.find("v_1")
        (w_{2,1}, None, None)
        """
        if self._size == 0:
            return None
        if not self._kept:
            digits: list[str] = []
            if name != self.base:
                return None
        else:
            prefix = self.base + "_"
            if not name.startswith(prefix):
                return None
            rest = name[len(prefix):]
            braced = rest.startswith("{") and rest.endswith("}")
            digits = rest[1:-1].split(",") if braced else [rest]
            if braced != (len(self._kept) > 1):
                return None
        if len(digits) != len(self._kept) or not all(d.isdigit() for d in digits):
            return None
        position = [0] * len(self.shape)
        for axis, digit in zip(self._kept, digits, strict=True):
            position[axis] = int(digit) - 1
            if not 0 <= position[axis] < self.shape[axis]:
                return None
        symbol = self[int(np.ravel_multi_index(position, self.shape))]
        return symbol if symbol != 0 and str(symbol) == name else None

    def name(self, index: int) -> str:
        """The name of entry ``index`` (flat, 0-based)."""
        position = np.unravel_index(index, self.shape)
        return symbol_name(self.base, [int(position[axis]) + 1 for axis in self._kept])

    @overload
    def __getitem__(self, index: int) -> sympy.Expr: ...

    @overload
    def __getitem__(self, index: slice) -> list[sympy.Expr]: ...

    def __getitem__(self, index: int | slice) -> sympy.Expr | list[sympy.Expr]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if not 0 <= index < self._size:
            raise IndexError(index)
        symbol = self._cache.get(index)
        if symbol is None:
            if self._mask is not None and not self._mask[index]:
                symbol = sympy.S.Zero
            else:
                symbol = sympy.Symbol(self.name(index), real=True)
            self._cache[index] = symbol
        return symbol


def input_symbols(count: int, base: str = "x", *, start: int = 1) -> list[sympy.Symbol]:
    """The input symbols ``x_1 ... x_n`` of a flattened input (from ``x_start``).

    Examples
    --------
    >>> input_symbols(3)
    [x_1, x_2, x_3]
    >>> input_symbols(1, start=7)
    [x_7]
    """
    return [sympy.Symbol(symbol_name(base, (i,)), real=True)
            for i in range(start, start + count)]
