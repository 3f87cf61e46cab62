"""Layers written as text: ``"Conv2d((1, 4, 4), 1, 2, stride=2)"`` without ``eval``.

A SPEC is one call of a symconv layer class by its bare name, with literal
arguments only: numbers (negative ones too), booleans, ``None``, strings, and
tuples or lists of those (nested lists for a ``connection_table``). The text is
parsed with :func:`ast.parse` and every argument with :func:`ast.literal_eval`;
nothing else (attribute access, other calls, names, comprehensions, lambdas,
f-strings, starred arguments, private keywords) is accepted, so a SPEC from the
command line can build a layer and do nothing more.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from symconv.errors import SpecError

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["MAX_SPEC_LENGTH", "layer_classes", "parse_spec"]

MAX_SPEC_LENGTH = 10_000
"""The longest SPEC accepted, in characters."""

_EXAMPLE = '"Conv2d((1, 4, 4), 1, 2, stride=2)"'


def layer_classes() -> dict[str, type[Layer]]:
    """The layer classes a SPEC may call: every public ``symconv.Layer`` subclass.

    Examples
    --------
    >>> sorted(layer_classes())[:4]
    ['AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AvgPool1d', 'AvgPool2d']
    """
    import symconv
    from symconv.layer import Layer

    found = {name: getattr(symconv, name) for name in symconv.__all__}
    return {
        name: obj for name, obj in sorted(found.items())
        if isinstance(obj, type) and issubclass(obj, Layer) and obj is not Layer
    }


def _quoted(spec: str) -> str:
    """The SPEC quoted for a message, cut to its first 80 characters."""
    return repr(spec) if len(spec) <= 80 else repr(spec[:77]) + "..."


def _is_plain_literal(value: object) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, tuple | list):
        return all(_is_plain_literal(item) for item in value)
    return False


def _literal(node: ast.expr, spec: str) -> Any:
    """The value of one argument, or :class:`SpecError` if it is not a plain literal."""
    shown = ast.unparse(node)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    try:
        value = ast.literal_eval(node)
        allowed = _is_plain_literal(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        allowed = False
    if not allowed:
        raise SpecError(
            f"SPEC {_quoted(spec)}: argument {shown} is not a literal (allowed: numbers, "
            "True/False/None, strings, and tuples or lists of those)"
        )
    return value


def parse_spec(spec: str) -> Layer:
    """Build the layer a SPEC string describes, refusing anything but a literal call.

    Parameters
    ----------
    spec
        A call such as ``"Conv2d((1, 4, 4), 1, 2, stride=2)"``; the names and
        arguments are those of the layer classes.

    Raises
    ------
    SpecError
        If the text is not such a call; errors in the layer's arguments raise the
        layer's own :class:`~symconv.SymconvError`.

    Examples
    --------
    >>> parse_spec("Dense(16, 4, bias=False)")
    Dense((16,) -> (4,): 64 parameters, 64 connections)
    >>> parse_spec("Conv2d((1, 4, 4), 1, 2, stride=open('x'))")
    Traceback (most recent call last):
    ...
    symconv.errors.SpecError: SPEC "Conv2d((1, 4, 4), 1, 2, stride=open('x'))": argument ...
    """
    if not isinstance(spec, str):
        raise SpecError(f"SPEC must be a string such as {_EXAMPLE}; got {spec!r}")
    if len(spec) > MAX_SPEC_LENGTH:
        raise SpecError(
            f"SPEC of {len(spec):,} characters is longer than {MAX_SPEC_LENGTH:,}"
        )
    try:
        call = ast.parse(spec.strip(), mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise SpecError(f"SPEC {_quoted(spec)} is not a call such as {_EXAMPLE}") from None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise SpecError(f"SPEC {_quoted(spec)} is not a call of a layer such as {_EXAMPLE}")
    classes = layer_classes()
    name = call.func.id
    if name not in classes:
        raise SpecError(
            f"SPEC {_quoted(spec)}: {name} is not a symconv layer; "
            f"expected one of {', '.join(classes)}"
        )
    args = [_literal(node, spec) for node in call.args]
    kwargs = {}
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg.startswith("_"):
            shown = "**" if keyword.arg is None else keyword.arg
            raise SpecError(f"SPEC {_quoted(spec)}: keyword {shown} is not allowed")
        if keyword.arg in kwargs:
            raise SpecError(f"SPEC {_quoted(spec)}: keyword {keyword.arg} is given twice")
        kwargs[keyword.arg] = _literal(keyword.value, spec)
    try:
        return classes[name](*args, **kwargs)
    except TypeError as err:
        raise SpecError(f"SPEC {_quoted(spec)}: {err}") from None
