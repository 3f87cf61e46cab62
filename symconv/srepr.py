"""SymPy expressions rebuilt from their :func:`sympy.srepr` text, without evaluating it.

Graph files hold each weight as ``srepr`` text. :func:`expression_from_srepr`
walks the text's syntax tree and calls only ``Symbol``, ``Integer``, ``Rational``,
``Float``, ``Add``, ``Mul`` and ``Pow`` on checked literal arguments, within limits
that keep a hostile file cheap: at most :data:`MAX_SREPR_CHARS` characters, calls
nested at most :data:`MAX_SREPR_DEPTH` deep, ``Float`` precision up to
:data:`MAX_FLOAT_PRECISION` bits, no power of a number (SymPy would compute it).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import sympy

from symconv.errors import ExportError

__all__ = ["MAX_FLOAT_PRECISION", "MAX_SREPR_CHARS", "MAX_SREPR_DEPTH", "expression_from_srepr"]

MAX_SREPR_CHARS = 10_000
"""Longest ``srepr`` text of one weight that :func:`expression_from_srepr` accepts."""
MAX_SREPR_DEPTH = 32
"""Deepest nesting of calls in one ``srepr`` text."""
MAX_FLOAT_PRECISION = 3_400
"""Highest ``Float`` precision in bits (about 1,000 digits) a file may ask for."""


def _expr(value: Any) -> sympy.Expr:
    if not isinstance(value, sympy.Expr):
        raise TypeError(f"{value!r} is not an expression")
    return value


def _of_type(kind: type, value: Any) -> Any:
    if type(value) is not kind:
        raise TypeError(f"{value!r} is not a {kind.__name__}")
    return value


def _symbol(args: list[Any], kwargs: dict[str, Any]) -> sympy.Expr:
    (name,) = args
    return sympy.Symbol(
        _of_type(str, name), **{k: _of_type(bool, v) for k, v in kwargs.items()}
    )


def _float(args: list[Any], kwargs: dict[str, Any]) -> sympy.Expr:
    (digits,) = args
    if set(kwargs) != {"precision"}:
        raise TypeError("Float takes one keyword, precision")
    precision = _of_type(int, kwargs["precision"])
    if not 1 <= precision <= MAX_FLOAT_PRECISION:
        raise ValueError(f"Float precision {precision} is outside 1..{MAX_FLOAT_PRECISION}")
    return sympy.Float(_of_type(str, digits), precision=precision)


def _pow(base: Any, exponent: Any) -> sympy.Expr:
    if _expr(base).is_Number:
        # SymPy would compute it (maybe a huge number); no weight is a power of a number.
        raise TypeError("a power of a number is not a weight")
    return sympy.Pow(base, _expr(exponent))


def _plain(build: Callable[..., sympy.Expr], check: Callable[[Any], Any]) -> Callable[..., Any]:
    def constructor(args: list[Any], kwargs: dict[str, Any]) -> sympy.Expr:
        if kwargs:
            raise TypeError("unexpected keywords")
        return build(*(check(a) for a in args))

    return constructor


_CONSTRUCTORS: dict[str, Callable[[list[Any], dict[str, Any]], sympy.Expr]] = {
    "Symbol": _symbol,
    "Float": _float,
    "Integer": _plain(sympy.Integer, lambda a: _of_type(int, a)),
    "Rational": _plain(sympy.Rational, lambda a: _of_type(int, a)),
    "Add": _plain(sympy.Add, _expr),
    "Mul": _plain(sympy.Mul, _expr),
    "Pow": _plain(_pow, _expr),
}


def _build(node: ast.expr, depth: int = 0) -> Any:
    if depth > MAX_SREPR_DEPTH:
        raise ValueError(f"nested deeper than {MAX_SREPR_DEPTH} calls")
    if isinstance(node, ast.Constant) and type(node.value) in (int, str, bool):
        return node.value
    if (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant) and type(node.operand.value) is int
    ):
        return -node.operand.value
    if (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id in _CONSTRUCTORS
        and all(k.arg is not None for k in node.keywords)
    ):
        args = [_build(a, depth + 1) for a in node.args]
        kwargs = {str(k.arg): _build(k.value, depth + 1) for k in node.keywords}
        return _CONSTRUCTORS[node.func.id](args, kwargs)
    raise TypeError(f"{ast.unparse(node)[:40]} is not allowed")


def expression_from_srepr(text: str) -> sympy.Expr:
    """The SymPy expression whose :func:`sympy.srepr` is ``text``, without evaluating it.

    Only ``Symbol``, ``Integer``, ``Rational``, ``Float``, ``Add``, ``Mul`` and
    ``Pow`` with literal arguments are accepted, within the limits of the module
    documentation; anything else raises :class:`~symconv.ExportError`.

    Examples
    --------
    >>> expression_from_srepr("Add(Symbol('w_1', real=True), Symbol('w_3', real=True))")
    w_1 + w_3
    >>> expression_from_srepr("__import__('os').getcwd()")
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: weight text "__import__('os').getcwd()" is not a ...
    >>> expression_from_srepr("Float('1.5', precision=10000000)")
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: weight text "Float('1.5', precision=10000000)" ... 1..3400)
    """
    shown = text if len(text) <= 60 else text[:57] + "..."
    try:
        if len(text) > MAX_SREPR_CHARS:
            raise ValueError(f"{len(text):,} characters, over the limit of {MAX_SREPR_CHARS:,}")
        return _expr(_build(ast.parse(text, mode="eval").body))
    except (SyntaxError, TypeError, ValueError, KeyError, RecursionError, MemoryError) as err:
        raise ExportError(
            f"weight text {shown!r} is not a SymPy srepr of symbols and numbers ({err})"
        ) from None
