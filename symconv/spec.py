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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from symconv.errors import ShapeMismatchError, SpecError, SymconvError

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["MAX_SPEC_LENGTH", "layer_classes", "parse_chain", "parse_spec"]

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

    return {
        name: cls for name in sorted(symconv.__all__)
        if name[:1].isupper() and (cls := _layer_class(name)) is not None
    }


def _layer_class(name: str) -> type[Layer] | None:
    """The public layer class called ``name``, importing only its own module."""
    import symconv
    from symconv.layer import Layer

    if name not in symconv.__all__:
        return None
    obj = getattr(symconv, name)
    if isinstance(obj, type) and issubclass(obj, Layer) and obj is not Layer:
        return obj
    return None


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
    cls, args, kwargs = _parse_call(spec)
    return _construct(spec, cls, args, kwargs)


def parse_chain(specs: Sequence[str], in_shape: tuple[int, ...] | None = None) -> list[Layer]:
    """The layers of a chain of SPECs, each reading what the one before it gives.

    Only the first SPEC states its input shape, unless ``in_shape`` gives it. The
    others leave it out (it is the previous layer's output shape) or state it as a
    tuple, which must then match. A bare class name (``ReLU``) is a call without
    arguments.

    Raises
    ------
    SpecError
        If a SPEC is not a layer call, or its arguments do not fit the class.
    ShapeMismatchError
        If a stated input shape is not the shape the chain gives there.

    Examples
    --------
    >>> chain = parse_chain(["Conv2d(6, 5, padding=2)", "MaxPool2d(2)", "Flatten", "Dense(10)"],
    ...                     (1, 28, 28))
    >>> [layer.out_shape for layer in chain]
    [(6, 28, 28), (6, 14, 14), (1176,), (10,)]
    >>> parse_chain(["Dense(16, 4)", "Dense((5,), 2)"])
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeMismatchError: SPEC 'Dense((5,), 2)' reads (5,), but ... gives (4,)
    """
    layers: list[Layer] = []
    shape = in_shape
    for spec in specs:
        cls, args, kwargs = _parse_call(spec)
        if shape is not None:
            if args and isinstance(args[0], tuple | list):
                stated = tuple(args.pop(0))
                if stated != shape:
                    given = "the layer before it" if layers else "the input shape"
                    raise ShapeMismatchError(
                        f"SPEC {spec!r} reads {stated}, but {given} gives {shape}"
                    )
            args.insert(0, shape)
        layers.append(_construct(spec, cls, args, kwargs, inferred=shape is not None))
        shape = layers[-1].out_shape
    return layers


def _parse_call(spec: str) -> tuple[type[Layer], list[Any], dict[str, Any]]:
    """The layer class a SPEC calls, with its arguments (checked to be literals)."""
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
    if isinstance(call, ast.Name):  # a bare class name, e.g. ReLU in a chain
        call = ast.Call(func=call, args=[], keywords=[])
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise SpecError(f"SPEC {_quoted(spec)} is not a call of a layer such as {_EXAMPLE}")
    name = call.func.id
    cls = _layer_class(name)
    if cls is None:
        raise SpecError(
            f"SPEC {_quoted(spec)}: {name} is not a symconv layer; "
            f"expected one of {', '.join(layer_classes())}"
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
    return cls, args, kwargs


def _construct(
    spec: str, cls: type[Layer], args: list[Any], kwargs: dict[str, Any], *, inferred: bool = False
) -> Layer:
    try:
        return cls(*args, **kwargs)
    except (TypeError, SymconvError) as err:
        if isinstance(err, SymconvError) and not inferred:
            raise
        hint = " (the layer before it gives its input shape: leave it out)" if inferred else ""
        raise SpecError(f"SPEC {_quoted(spec)}: {err}{hint}") from None
