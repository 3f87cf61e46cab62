"""The input ``x`` of a forward pass, checked and sorted into numbers or expressions.

A forward pass accepts numbers (Python, NumPy, ``fractions.Fraction``, SymPy),
NumPy arrays, tensors (anything with ``.detach()``) and SymPy expressions,
flattened in C order. Strings are never parsed: SymPy's ``sympify`` would
evaluate them as code. Masked arrays are accepted only without masked entries.

:func:`forward_input` sorts the input three ways, so each takes its fastest road:
``"float"`` (a float64 array), ``"exact"`` (an object array of Python ints and
``Fraction``) or ``"symbolic"`` (SymPy expressions).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from symconv.errors import ShapeMismatchError, SymconvError
from symconv.geometry import shown_value

__all__ = ["ForwardInput", "forward_input", "numeric_array"]


@dataclass(frozen=True)
class ForwardInput:
    """A checked, flattened forward input and the kind of its entries.

    ``kind`` is ``"float"`` (``values`` is a float64 array), ``"exact"`` (an object
    array of ints and ``Fraction``) or ``"symbolic"`` (an object array of SymPy
    expressions).
    """

    values: np.ndarray
    kind: str

    def as_sympy(self) -> tuple[sympy.Expr, ...]:
        """The entries as SymPy objects (``Float``, ``Rational`` or expressions)."""
        if self.kind == "float":
            return tuple(sympy.Float(v) for v in self.values.tolist())
        if self.kind == "exact":
            return tuple(sympy.Rational(v.numerator, v.denominator) for v in self.values)
        return tuple(self.values)


def _array(x: Any) -> np.ndarray:
    """``x`` as a NumPy array (object dtype unless numeric), refusing what cannot be one."""
    if isinstance(x, str | bytes | bytearray):
        raise SymconvError(
            f"x={shown_value(x)} is text; pass numbers or SymPy expressions "
            "(strings are never evaluated)"
        )
    if hasattr(x, "detach") and callable(x.detach):
        return numeric_array(x)
    if np.ma.isMaskedArray(x):
        if np.ma.getmaskarray(x).any():
            raise SymconvError(
                f"x has {int(np.ma.getmaskarray(x).sum())} masked entries; "
                "fill them (x.filled(value)) before a forward pass"
            )
        x = np.ma.getdata(x)
    if isinstance(x, np.ndarray) and x.dtype.kind in "iuf":
        return x
    try:
        return np.asarray(x, dtype=object)
    except ValueError:
        raise ShapeMismatchError(
            f"x={shown_value(x)} is ragged; it must be a flat sequence or a regular array"
        ) from None


def numeric_array(value: Any) -> np.ndarray:
    """``value`` as a NumPy array; tensors (``.detach()``) of any dtype become float64.

    Raises ``ValueError`` for a ragged nesting of lists.

    Examples
    --------
    >>> numeric_array([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    if hasattr(value, "detach") and callable(value.detach):  # a tensor, duck-typed
        tensor = value.detach().cpu()
        try:
            return np.asarray(tensor.numpy())
        except (TypeError, RuntimeError):  # bfloat16 and other types NumPy lacks
            return np.asarray(tensor.double().numpy())
    return np.asarray(value)


def _entry(value: Any, index: int) -> sympy.Expr | int | Fraction | float:
    """One entry as a Python number where exact or float, else a SymPy expression."""
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, numbers.Number | sympy.Basic | np.generic
    ):
        raise SymconvError(
            f"x[{index}]={shown_value(value)} is not a number or a SymPy expression"
        )
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, float) or (isinstance(value, np.floating) and value.itemsize <= 8):
        return float(value)
    try:
        expr = sympy.sympify(value, strict=True)
    except (sympy.SympifyError, TypeError, ValueError):
        raise SymconvError(
            f"x[{index}]={shown_value(value)} is not a number or a SymPy expression"
        ) from None
    if not isinstance(expr, sympy.Expr):
        raise SymconvError(f"x[{index}]={shown_value(value)} is not an expression")
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    if expr.is_Float and expr._prec <= 53:
        return float(expr)
    return expr


def forward_input(x: Any, n_in: int) -> ForwardInput:
    """Check and flatten the input of a forward pass of a layer reading ``n_in`` units.

    Examples
    --------
    >>> forward_input([1, 2.5], 2).kind, forward_input([[1], [2]], 2).kind
    ('float', 'exact')
    >>> forward_input(["__import__('os')", 1], 2)
    Traceback (most recent call last):
    ...
    symconv.errors.SymconvError: x[0]="__import__('os')" is not a number or a SymPy expression
    """
    array = _array(x)
    if array.ndim == 0 and array.dtype == object:
        _entry(array.item(), 0)  # name a value that is neither a number nor a sequence
    if array.size != n_in:
        raise ShapeMismatchError(f"x has {array.size} entries; the layer reads {n_in}")
    flat = array.reshape(-1)
    if flat.dtype.kind == "f":
        return ForwardInput(flat.astype(np.float64), "float")
    if flat.dtype.kind in "iu":
        return ForwardInput(np.array([Fraction(v) for v in flat.tolist()], dtype=object),
                            "exact")
    entries = [_entry(v, i) for i, v in enumerate(flat.tolist())]
    if any(isinstance(e, sympy.Basic) for e in entries):
        values = np.empty(len(entries), dtype=object)
        values[:] = [e if isinstance(e, sympy.Basic) else _to_sympy(e) for e in entries]
        return ForwardInput(values, "symbolic")
    if any(isinstance(e, float) for e in entries):
        return ForwardInput(np.array(entries, dtype=np.float64), "float")
    values = np.empty(len(entries), dtype=object)
    values[:] = entries
    return ForwardInput(values, "exact")


def _to_sympy(value: int | Fraction | float) -> sympy.Expr:
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.Float(value)
