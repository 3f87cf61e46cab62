"""Base names of weight and bias symbols: checked so the mathematics stays right.

A base name is an ASCII letter followed by letters or digits (``w``, ``k``,
``theta``, ``W2``). That keeps every symbol printable by SymPy, typeset by
LaTeX and matplotlib's mathtext, and distinct: without underscores a weight
symbol ``w_{1,2}`` can only come from the base ``w``. The input's base ``x`` is
reserved, and a layer's weight and bias names must differ, so that no weight
symbol equals an input or bias symbol.
"""

from __future__ import annotations

import re

from symconv.errors import LayerConfigError

__all__ = ["INPUT_NAME", "MAX_NAME_LENGTH", "check_names"]

INPUT_NAME = "x"
"""The base name of the input symbols ``x_1 ... x_n``."""

MAX_NAME_LENGTH = 32
"""The longest base name accepted, in characters."""

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def _check_name(attribute: str, name: object) -> str:
    if not isinstance(name, str):
        raise LayerConfigError(f"{attribute}={name!r} must be a string such as 'w'")
    if len(name) > MAX_NAME_LENGTH or not _NAME.fullmatch(name):
        shown = repr(name) if len(name) <= 40 else repr(name[:37]) + "..."
        raise LayerConfigError(
            f"{attribute}={shown} must be an ASCII letter followed by letters or digits "
            f"(at most {MAX_NAME_LENGTH} characters), so SymPy, LaTeX and matplotlib "
            "can typeset it"
        )
    if name == INPUT_NAME:
        raise LayerConfigError(
            f"{attribute}={name!r} is the name of the input symbols x_1, x_2, ...; "
            "choose another"
        )
    return name


def check_names(weight_name: object, bias_name: object) -> tuple[str, str]:
    """Check a layer's weight and bias base names; return them.

    Examples
    --------
    >>> check_names("k", "c")
    ('k', 'c')
    >>> check_names("w", "w")
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: weight_name='w' and bias_name='w' must differ: ...
    >>> check_names("w{", "b")
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: weight_name='w{' must be an ASCII letter followed by ...
    """
    weight = _check_name("weight_name", weight_name)
    bias = _check_name("bias_name", bias_name)
    if weight == bias:
        raise LayerConfigError(
            f"weight_name={weight!r} and bias_name={bias!r} must differ: "
            "their symbols would be the same"
        )
    return weight, bias
