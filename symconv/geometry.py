"""Layer geometry: argument checking, padding resolution and output sizes.

Everything here is pure integer arithmetic on Python ints and tuples; nothing
builds an array. Formulas follow PyTorch's documentation of ``Conv*d``,
``ConvTranspose*d`` and ``AvgPool*d``. Axes in messages are numbered from 1.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from symconv.errors import LayerConfigError

__all__ = [
    "MAX_EXTENT",
    "PADDING_MODES",
    "SAME_SPLITS",
    "as_flag",
    "as_int",
    "as_tuple",
    "check_in_shape",
    "check_shape",
    "check_window",
    "conv_output_length",
    "pool_output_length",
    "resolve_padding",
    "shown_value",
    "transposed_output_length",
]

PADDING_MODES = ("zeros", "circular", "reflect", "replicate")
"""The padding modes a convolution accepts, as PyTorch names them."""

SAME_SPLITS = ("pytorch", "scipy")
"""Where ``padding="same"`` puts the odd element of an even kernel: end or start."""

MAX_EXTENT = 2**31 - 1
"""The largest length, channel count, kernel size, stride, padding or dilation accepted.

It keeps every index product within 64-bit integers.
"""

_NOT_SEQUENCES = (str, bytes, bytearray, memoryview)

Padding = tuple[tuple[int, int], ...]


def as_int(value: object, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, refusing non-integers and values below ``minimum``.

    Examples
    --------
    >>> as_int(3, "stride")
    3
    >>> as_int(2.5, "stride")
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: stride=2.5 must be an integer
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise LayerConfigError(f"{name}={shown_value(value)} must be an integer")
    number = int(value)
    if number < minimum:
        bound = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise LayerConfigError(f"{name}={shown_value(value)} must be {bound}")
    if number > MAX_EXTENT:
        raise LayerConfigError(f"{name}={shown_value(value)} is larger than {MAX_EXTENT:,}")
    return number


def shown_value(value: object) -> str:
    """A short repr for messages: huge integers are named by their number of digits.

    Examples
    --------
    >>> shown_value((1, 10**40))
    '(1, <an integer of 41 digits>)'
    """
    if isinstance(value, numbers.Integral) and abs(int(value)) > 10**30:
        return f"<an integer of {int(value).bit_length() * 30103 // 100000 + 1} digits>"
    if isinstance(value, tuple | list) and len(value) <= 8:
        items = [shown_value(item) for item in value]
        if isinstance(value, list):
            return f"[{', '.join(items)}]"
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    try:
        text = repr(value)
    except ValueError:  # a container of integers too long to print
        text = f"<a {type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def as_flag(value: object, name: str) -> bool:
    """Return ``value`` as a bool, refusing anything but ``True`` and ``False``.

    Examples
    --------
    >>> as_flag(False, "bias")
    False
    >>> as_flag("x", "ceil_mode")
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: ceil_mode='x' must be True or False
    """
    if not isinstance(value, bool | np.bool_):
        raise LayerConfigError(f"{name}={shown_value(value)} must be True or False")
    return bool(value)


def as_tuple(value: object, n: int, name: str, *, minimum: int = 1) -> tuple[int, ...]:
    """Broadcast an int, or check a sequence of ``n`` ints, into an ``n``-tuple.

    Examples
    --------
    >>> as_tuple(2, 3, "kernel_size")
    (2, 2, 2)
    >>> as_tuple((1, 2), 2, "dilation")
    (1, 2)
    >>> as_tuple((1, 2, 3), 2, "stride")
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: stride=(1, 2, 3) must be an int or a tuple of 2 ints
    """
    wrong = f"{name}={shown_value(value)} must be an int or a tuple of {n} ints"
    if isinstance(value, _NOT_SEQUENCES):
        raise LayerConfigError(wrong)
    if isinstance(value, Sequence):
        if len(value) != n:
            raise LayerConfigError(wrong)
        checked = []
        for item in value:
            try:
                checked.append(as_int(item, name, minimum=minimum))
            except LayerConfigError:
                bound = "positive ints" if minimum == 1 else f"ints >= {minimum}"
                bound += f" of at most {MAX_EXTENT:,}"
                raise LayerConfigError(f"{name}={shown_value(value)} must hold {bound}") from None
        return tuple(checked)
    return (as_int(value, name, minimum=minimum),) * n


def check_in_shape(in_shape: object, spatial_dims: int, layer: str) -> tuple[int, ...]:
    """Check ``in_shape = (C, *spatial)`` for a layer with ``spatial_dims`` spatial axes.

    Examples
    --------
    >>> check_in_shape((3, 32, 32), 2, "Conv2d")
    (3, 32, 32)
    >>> check_in_shape((32, 32), 2, "Conv2d")
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: in_shape=(32, 32) must be (channels, height, width) for Conv2d
    """
    names = {1: "(channels, length)", 2: "(channels, height, width)"}
    expected = names.get(spatial_dims, "(channels, depth, height, width)")
    if (
        not isinstance(in_shape, Sequence)
        or isinstance(in_shape, _NOT_SEQUENCES)
        or len(in_shape) != spatial_dims + 1
    ):
        raise LayerConfigError(f"in_shape={shown_value(in_shape)} must be {expected} for {layer}")
    return check_shape(in_shape, "in_shape")


def check_shape(shape: Sequence[object], name: str) -> tuple[int, ...]:
    """Check that a shape holds positive integers of at most :data:`MAX_EXTENT`.

    Examples
    --------
    >>> check_shape((3, 10**40), "in_shape")
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: in_shape=(3, <an integer of 41 digits>) must hold ...
    """
    checked = []
    for item in shape:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            checked.append(0)
        else:
            checked.append(int(item))
    if not all(1 <= item <= MAX_EXTENT for item in checked):
        raise LayerConfigError(
            f"{name}={shown_value(tuple(shape))} must hold positive integers "
            f"of at most {MAX_EXTENT:,}"
        )
    return tuple(checked)


def check_window(
    layer: str,
    dims: int,
    in_shape: object,
    out_channels: object,
    kernel_size: object,
    stride: object,
    dilation: object,
    groups: object = 1,
) -> tuple[tuple[int, ...], int, tuple[int, ...], tuple[int, ...], tuple[int, ...], int]:
    """Check the arguments every sliding-window layer with weights shares.

    Returns ``(in_shape, out_channels, kernel, stride, dilation, groups)``.

    Examples
    --------
    >>> check_window("Conv2d", 2, (4, 8, 8), 6, 3, 1, (1, 2), 2)
    ((4, 8, 8), 6, (3, 3), (1, 1), (1, 2), 2)
    >>> check_window("Conv1d", 1, (3, 8), 4, 3, 1, 1, 2)
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: groups=2 must divide in_channels (3) and out_channels (4)
    """
    shape = check_in_shape(in_shape, dims, layer)
    channels = as_int(out_channels, "out_channels")
    kernel = as_tuple(kernel_size, dims, "kernel_size")
    stride_t = as_tuple(stride, dims, "stride")
    dilation_t = as_tuple(dilation, dims, "dilation")
    group_count = as_int(groups, "groups")
    if shape[0] % group_count or channels % group_count:
        raise LayerConfigError(
            f"groups={group_count} must divide in_channels ({shape[0]}) "
            f"and out_channels ({channels})"
        )
    return shape, channels, kernel, stride_t, dilation_t, group_count


def resolve_padding(
    padding: object,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    same_split: str = "pytorch",
) -> Padding:
    """Turn a padding argument into ``(before, after)`` amounts per spatial axis.

    ``"valid"`` pads nothing, ``"same"`` splits ``dilation * (kernel - 1)`` with the
    extra element at the end (PyTorch's rule, ``same_split="pytorch"``; refused for
    stride > 1 as PyTorch does) or at the start (``same_split="scipy"``: with a
    flipped kernel this is ``scipy.signal.convolve(..., mode="same")``), ``"full"``
    pads ``dilation * (kernel - 1)`` on both sides.

    Examples
    --------
    >>> resolve_padding("same", (4,), (1,), (1,))
    ((1, 2),)
    >>> resolve_padding("same", (4,), (1,), (1,), same_split="scipy")
    ((2, 1),)
    >>> resolve_padding("full", (3, 2), (1, 1), (1, 2))
    ((2, 2), (2, 2))
    >>> resolve_padding((1, 0), (3, 3), (1, 1), (1, 1))
    ((1, 1), (0, 0))
    >>> resolve_padding("same", (3,), (2,), (1,))
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: padding='same' is not supported with stride=(2,) ...
    """
    extents = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
    if same_split not in SAME_SPLITS:
        raise LayerConfigError(
            f"same_split={same_split!r} must be one of {', '.join(map(repr, SAME_SPLITS))}"
        )
    if isinstance(padding, str):
        if padding == "valid":
            return tuple((0, 0) for _ in kernel)
        if padding == "same":
            if any(s != 1 for s in stride):
                raise LayerConfigError(
                    f"padding='same' is not supported with stride={stride} "
                    "(PyTorch refuses it too)"
                )
            if same_split == "scipy":
                return tuple((e - e // 2, e // 2) for e in extents)
            return tuple((e // 2, e - e // 2) for e in extents)
        if padding == "full":
            return tuple((e, e) for e in extents)
        raise LayerConfigError(
            f"padding={padding!r} must be an int, a tuple, 'valid', 'same' or 'full'"
        )
    amounts = as_tuple(padding, len(kernel), "padding", minimum=0)
    return tuple((p, p) for p in amounts)


def conv_output_length(
    length: int, kernel: int, stride: int, padding: tuple[int, int], dilation: int, axis: int
) -> int:
    """Output length of a convolution along one axis (PyTorch's formula).

    Examples
    --------
    >>> conv_output_length(4, 2, 2, (0, 0), 1, axis=1)
    2
    >>> conv_output_length(32, 3, 1, (1, 1), 1, axis=1)
    32
    >>> conv_output_length(4, 5, 1, (0, 0), 1, axis=1)
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: kernel_size=5 is larger than the padded input (4) along axis 1
    """
    padded = length + padding[0] + padding[1]
    extent = dilation * (kernel - 1) + 1
    if extent > padded:
        what = f"kernel_size={kernel}" if dilation == 1 else (
            f"kernel_size={kernel} with dilation={dilation} (extent {extent})"
        )
        raise LayerConfigError(
            f"{what} is larger than the padded input ({padded}) along axis {axis}"
        )
    return (padded - extent) // stride + 1


def transposed_output_length(
    length: int,
    kernel: int,
    stride: int,
    padding: int,
    dilation: int,
    output_padding: int,
    axis: int,
) -> int:
    """Output length of a transposed convolution along one axis (PyTorch's formula).

    ``(length - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1``

    Examples
    --------
    >>> transposed_output_length(2, 2, 2, 0, 1, 0, axis=1)
    4
    >>> transposed_output_length(3, 3, 2, 1, 1, 1, axis=1)
    6
    """
    if output_padding >= stride and output_padding >= dilation:
        raise LayerConfigError(
            f"output_padding={output_padding} must be smaller than stride ({stride}) "
            f"or dilation ({dilation}) along axis {axis}"
        )
    out = (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
    if out < 1:
        raise LayerConfigError(
            f"padding={padding} leaves no output along axis {axis} "
            f"(computed output length {out})"
        )
    if out > MAX_EXTENT:
        raise LayerConfigError(
            f"the output length {out:,} along axis {axis} is larger than {MAX_EXTENT:,}"
        )
    return out


def pool_output_length(
    length: int,
    kernel: int,
    stride: int,
    padding: int,
    ceil_mode: bool,
    axis: int,
    dilation: int = 1,
) -> int:
    """Output length of pooling along one axis (PyTorch's formula).

    With ``ceil_mode`` the last window may hang over the end (even when the kernel
    is longer than the padded input), but it must start inside the input or its
    left padding. Padding may be at most half the kernel, as PyTorch requires.

    Examples
    --------
    >>> pool_output_length(5, 2, 2, 0, False, axis=1)
    2
    >>> pool_output_length(5, 2, 2, 0, True, axis=1)
    3
    >>> pool_output_length(1, 2, 2, 0, True, axis=1)
    1
    >>> pool_output_length(7, 3, 2, 1, False, axis=1, dilation=2)
    3
    """
    if padding > kernel // 2:
        raise LayerConfigError(
            f"padding={padding} must be at most half of kernel_size={kernel} along axis {axis}"
        )
    span = length + 2 * padding - dilation * (kernel - 1) - 1
    out = -(-span // stride) + 1 if ceil_mode else span // stride + 1
    if ceil_mode and (out - 1) * stride >= length + padding:
        out -= 1
    if out < 1:  # let the convolution rule name the kernel that does not fit
        conv_output_length(length, kernel, 1, (padding, padding), dilation, axis)
    return out
