"""Convolution layers ``Conv1d``, ``Conv2d``, ``Conv3d``: tied weights, sparse connectivity.

Deep-learning "convolution" is cross-correlation: output ``(i, j)`` reads input
``(i*s + k*d - p, j*s + l*d - p)`` through weight ``w_{k,l}``. ``flip=True`` gives
true convolution (SciPy's and MATLAB's convention): the kernel is flipped.

``padding="same"`` with an even kernel pads one more element on one side. By
default it is the end (PyTorch's split; with ``flip=True`` the output is the full
convolution cut from index ``m // 2``, as MATLAB's ``conv(..., 'same')`` does);
``same_split="scipy"`` pads the extra element at the start, which cuts the full
convolution from ``(m - 1) // 2``, as ``scipy.signal.convolve(..., mode="same")``
does (and, without ``flip``, as ``scipy.signal.correlate(..., mode="same")``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from symconv.connectivity import (
    AxisMap,
    BiasSharing,
    ChannelPairs,
    Structure,
    Weighting,
    shared_while_used,
)
from symconv.describe import describe_window
from symconv.errors import LayerConfigError
from symconv.geometry import (
    PADDING_MODES,
    Padding,
    as_flag,
    check_window,
    conv_output_length,
    resolve_padding,
)
from symconv.layer import Layer
from symconv.options import check_torch_options

__all__ = [
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvGeometry",
    "check_connection_table",
    "conv_axes",
    "conv_structure",
]


@dataclass(frozen=True)
class ConvGeometry:
    """Everything that fixes a convolution's structure; hashable, so builds are cached."""

    in_shape: tuple[int, ...]
    out_channels: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: Padding
    dilation: tuple[int, ...]
    groups: int
    padding_mode: str
    flip: bool
    table: tuple[tuple[bool, ...], ...] | None
    bias: bool

    @property
    def out_spatial(self) -> tuple[int, ...]:
        """Output spatial shape (PyTorch's formula)."""
        return tuple(
            conv_output_length(n, k, s, p, d, axis)
            for axis, (n, k, s, p, d) in enumerate(
                zip(self.in_shape[1:], self.kernel, self.stride, self.padding, self.dilation,
                    strict=True),
                start=1,
            )
        )

    @property
    def channels(self) -> ChannelPairs:
        """The connected channel pairs."""
        return ChannelPairs(self.out_channels, self.in_shape[0], self.groups, self.table)


def conv_axes(geometry: ConvGeometry) -> tuple[AxisMap, ...]:
    """One :class:`AxisMap` per spatial axis of a sliding window with this geometry."""
    return tuple(
        AxisMap.convolution(n, o, k, s, d, p[0], mode=geometry.padding_mode, flip=geometry.flip)
        for n, o, k, s, d, p in zip(
            geometry.in_shape[1:], geometry.out_spatial, geometry.kernel, geometry.stride,
            geometry.dilation, geometry.padding, strict=True,
        )
    )


@shared_while_used
def conv_structure(geometry: ConvGeometry) -> Structure:
    """The factored connectivity of a convolution (cached on its geometry)."""
    return Structure(
        conv_axes(geometry), geometry.channels, geometry.kernel, Weighting.TIED,
        bias=BiasSharing.PER_CHANNEL if geometry.bias else None,
    )


def check_connection_table(
    table: Any, out_channels: int, in_channels: int
) -> tuple[tuple[bool, ...], ...]:
    """Check a boolean ``(C_out, C_in)`` connection table and freeze it into tuples.

    Examples
    --------
    >>> check_connection_table([[1, 0], [1, 1]], 2, 2)
    ((True, False), (True, True))
    >>> check_connection_table([[1, 0]], 2, 2)
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: connection_table has shape (1, 2); it must be ...
    """
    try:
        array = np.asarray(table)
    except ValueError:
        raise LayerConfigError(
            "connection_table is ragged; it must be a boolean array of shape "
            f"(out_channels, in_channels) = {(out_channels, in_channels)}"
        ) from None
    if array.shape != (out_channels, in_channels):
        raise LayerConfigError(
            f"connection_table has shape {array.shape}; it must be "
            f"(out_channels, in_channels) = {(out_channels, in_channels)}"
        )
    if array.dtype.kind not in "biu" or (array.dtype != bool and not np.isin(array, (0, 1)).all()):
        raise LayerConfigError("connection_table must hold booleans (or 0 and 1)")
    return tuple(tuple(bool(v) for v in row) for row in array.tolist())


def _check_padding_mode(mode: Any, padding: Padding, in_spatial: tuple[int, ...]) -> str:
    if mode not in PADDING_MODES:
        raise LayerConfigError(
            f"padding_mode={mode!r} must be one of {', '.join(map(repr, PADDING_MODES))}"
        )
    for axis, ((lo, hi), n) in enumerate(zip(padding, in_spatial, strict=True), start=1):
        if mode == "reflect" and max(lo, hi) >= n:
            raise LayerConfigError(
                f"reflect padding ({max(lo, hi)}) must be smaller than the input ({n}) "
                f"along axis {axis}"
            )
        if mode == "circular" and max(lo, hi) > n:
            raise LayerConfigError(
                f"circular padding ({max(lo, hi)}) must not exceed the input ({n}) "
                f"along axis {axis}"
            )
    return str(mode)


class _ConvNd(Layer):
    """Shared implementation of ``Conv1d``, ``Conv2d`` and ``Conv3d``."""

    dims: ClassVar[int]

    def __init__(
        self,
        in_shape: tuple[int, ...],
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] | str = 0,
        dilation: int | tuple[int, ...] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        flip: bool = False,
        same_split: str = "pytorch",
        connection_table: Any = None,
        weight_name: str = "w",
        bias_name: str = "b",
        **torch_options: Any,
    ) -> None:
        check_torch_options(type(self).__name__, torch_options)
        shape, out_channels, kernel, stride_t, dilation_t, groups = check_window(
            type(self).__name__, self.dims, in_shape, out_channels, kernel_size, stride,
            dilation, groups,
        )
        in_channels = shape[0]
        table = None
        if connection_table is not None:
            if groups != 1:
                raise LayerConfigError(
                    f"groups={groups} cannot be combined with a connection_table"
                )
            table = check_connection_table(connection_table, out_channels, in_channels)
        pads = resolve_padding(padding, kernel, stride_t, dilation_t, same_split)
        mode = _check_padding_mode(padding_mode, pads, shape[1:])
        self._padding_arg = padding
        self.geometry = ConvGeometry(
            shape, out_channels, kernel, stride_t, pads, dilation_t, groups, mode,
            as_flag(flip, "flip"), table, as_flag(bias, "bias"),
        )
        """The resolved geometry (padding as ``(before, after)`` per axis)."""
        self.in_shape = shape
        self.out_shape = (out_channels, *self.geometry.out_spatial)
        self.weight_shape = (out_channels, self.geometry.channels.slots, *kernel)
        self.bias_shape = (out_channels,) if bias else None
        self._set_names(weight_name, bias_name)

    def _make_structure(self) -> Structure:
        return conv_structure(self.geometry)

    def _weight_mask(self) -> np.ndarray | None:
        if self.geometry.table is None:
            return None
        mask = np.array(self.geometry.table, dtype=bool)
        return np.broadcast_to(
            mask.reshape(mask.shape + (1,) * self.dims), self.weight_shape  # type: ignore[arg-type]
        )

    def _describe(self) -> list[str]:
        g = self.geometry
        parts = describe_window(g.kernel, g.stride, g.dilation, self._padding_arg, g.padding)
        if g.padding_mode != "zeros" and any(p != (0, 0) for p in g.padding):
            parts.append(g.padding_mode)
        if g.groups != 1:
            parts.append(f"groups {g.groups}")
        if g.table is not None:
            parts.append("connection table")
        if g.flip:
            parts.append("flipped")
        if self._padding_arg == "same" and g.padding != resolve_padding(
            "same", g.kernel, g.stride, g.dilation
        ):
            parts.append("SciPy's same split")
        return parts


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation) over ``in_shape = (C, L)``.

    Arguments after ``kernel_size`` mean what they mean in ``torch.nn.Conv1d``
    (positional in its order up to ``padding_mode``); ``flip=True`` flips the
    kernel (true convolution); ``same_split="scipy"`` puts the extra padding of
    ``padding="same"`` with an even kernel at the start, as SciPy does (PyTorch
    and MATLAB put it at the end; see the module notes); ``connection_table`` is a
    boolean ``(C_out, C_in)`` array of connected pairs. Its matrix is Toeplitz.

    Parameters
    ----------
    in_shape : tuple of int
        Input shape ``(C, L)``, channels first.
    out_channels : int
        Number of output channels.
    kernel_size : int or tuple of 1 ints
        Window size, one value for every axis or one per axis.
    stride : int or tuple of int
        Step of the window (default 1).
    padding : int, tuple of int, or {"valid", "same", "full"}
        Padding on both sides of each axis (default 0). ``"valid"`` pads nothing,
        ``"same"`` keeps the size at stride 1 (an odd total puts the extra unit at
        the end, as PyTorch does), ``"full"`` (symconv only) keeps every window
        that overlaps the input, ``d (k - 1)`` on each side.
    dilation : int or tuple of int
        Spacing between the kernel's taps (default 1).
    groups : int
        Split the channels into this many groups connected pairwise (default 1);
        ``groups=C`` is a depthwise convolution.
    bias : bool
        Add one bias symbol per output channel (default True).
    padding_mode : {"zeros", "circular", "reflect", "replicate"}
        What the padded positions hold. Other than zeros they copy input values,
        so folded taps add up in one matrix entry (``w_1 + w_3``).
    flip : bool
        symconv only: flip the kernel, giving true convolution (SciPy's and
        MATLAB's convention) instead of cross-correlation (default False).
    same_split : {"pytorch", "scipy"}
        symconv only: where ``padding="same"`` puts the odd extra unit of an even
        kernel: at the end (``"pytorch"``, also MATLAB's, the default) or at the
        start (``"scipy"``, as ``scipy.signal.convolve(..., mode="same")`` cuts).
    connection_table : array_like of bool, optional
        symconv only: a ``(C_out, C_in)`` table of which input channels feed which
        output channel (LeNet-5's C3); switched-off kernels are zero. Not combined
        with ``groups``.
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Conv1d((1, 5), 1, 3, padding=1)
    Conv1d((1, 5) -> (1, 5), kernel 3, padding 1: 4 parameters, 18 connections)
    >>> sc.Conv1d((1, 4), 1, 3, bias=False, flip=True).matrix()
    Matrix([
    [w_3, w_2, w_1,   0],
    [  0, w_3, w_2, w_1]])
    >>> sc.Conv1d((1, 3), 1, 2, 1, "same", bias=False, flip=True).matrix()
    Matrix([
    [w_2, w_1,   0],
    [  0, w_2, w_1],
    [  0,   0, w_2]])
    >>> sc.Conv1d((1, 3), 1, 2, 1, "same", bias=False, flip=True, same_split="scipy").matrix()
    Matrix([
    [w_1,   0,   0],
    [w_2, w_1,   0],
    [  0, w_2, w_1]])
    """

    dims = 1


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation) over ``in_shape = (C, H, W)``.

    Arguments after ``kernel_size`` mean what they mean (positional in its order) in
    ``torch.nn.Conv2d``. Its matrix is doubly block Toeplitz.

    Parameters
    ----------
    in_shape : tuple of int
        Input shape ``(C, H, W)``, channels first.
    out_channels : int
        Number of output channels.
    kernel_size : int or tuple of 2 ints
        Window size, one value for every axis or one per axis.
    stride : int or tuple of int
        Step of the window (default 1).
    padding : int, tuple of int, or {"valid", "same", "full"}
        Padding on both sides of each axis (default 0). ``"valid"`` pads nothing,
        ``"same"`` keeps the size at stride 1 (an odd total puts the extra unit at
        the end, as PyTorch does), ``"full"`` (symconv only) keeps every window
        that overlaps the input, ``d (k - 1)`` on each side.
    dilation : int or tuple of int
        Spacing between the kernel's taps (default 1).
    groups : int
        Split the channels into this many groups connected pairwise (default 1);
        ``groups=C`` is a depthwise convolution.
    bias : bool
        Add one bias symbol per output channel (default True).
    padding_mode : {"zeros", "circular", "reflect", "replicate"}
        What the padded positions hold. Other than zeros they copy input values,
        so folded taps add up in one matrix entry (``w_1 + w_3``).
    flip : bool
        symconv only: flip the kernel, giving true convolution (SciPy's and
        MATLAB's convention) instead of cross-correlation (default False).
    same_split : {"pytorch", "scipy"}
        symconv only: where ``padding="same"`` puts the odd extra unit of an even
        kernel: at the end (``"pytorch"``, also MATLAB's, the default) or at the
        start (``"scipy"``, as ``scipy.signal.convolve(..., mode="same")`` cuts).
    connection_table : array_like of bool, optional
        symconv only: a ``(C_out, C_in)`` table of which input channels feed which
        output channel (LeNet-5's C3); switched-off kernels are zero. Not combined
        with ``groups``.
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

    Examples
    --------
    >>> import symconv as sc
    >>> conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
    >>> conv.out_shape, conv.num_parameters, conv.num_connections
    ((1, 2, 2), 4, 16)
    >>> conv.weight
    [[[[w_{1,1}, w_{1,2}], [w_{2,1}, w_{2,2}]]]]
    >>> sc.Conv2d((3, 224, 224), 64, 3, padding=1).num_parameters
    1792
    """

    dims = 2


class Conv3d(_ConvNd):
    """3-D convolution (cross-correlation) over ``in_shape = (C, D, H, W)``.

    Arguments after ``kernel_size`` mean what they mean (positional in its order) in
    ``torch.nn.Conv3d``.

    Parameters
    ----------
    in_shape : tuple of int
        Input shape ``(C, D, H, W)``, channels first.
    out_channels : int
        Number of output channels.
    kernel_size : int or tuple of 3 ints
        Window size, one value for every axis or one per axis.
    stride : int or tuple of int
        Step of the window (default 1).
    padding : int, tuple of int, or {"valid", "same", "full"}
        Padding on both sides of each axis (default 0). ``"valid"`` pads nothing,
        ``"same"`` keeps the size at stride 1 (an odd total puts the extra unit at
        the end, as PyTorch does), ``"full"`` (symconv only) keeps every window
        that overlaps the input, ``d (k - 1)`` on each side.
    dilation : int or tuple of int
        Spacing between the kernel's taps (default 1).
    groups : int
        Split the channels into this many groups connected pairwise (default 1);
        ``groups=C`` is a depthwise convolution.
    bias : bool
        Add one bias symbol per output channel (default True).
    padding_mode : {"zeros", "circular", "reflect", "replicate"}
        What the padded positions hold. Other than zeros they copy input values,
        so folded taps add up in one matrix entry (``w_1 + w_3``).
    flip : bool
        symconv only: flip the kernel, giving true convolution (SciPy's and
        MATLAB's convention) instead of cross-correlation (default False).
    same_split : {"pytorch", "scipy"}
        symconv only: where ``padding="same"`` puts the odd extra unit of an even
        kernel: at the end (``"pytorch"``, also MATLAB's, the default) or at the
        start (``"scipy"``, as ``scipy.signal.convolve(..., mode="same")`` cuts).
    connection_table : array_like of bool, optional
        symconv only: a ``(C_out, C_in)`` table of which input channels feed which
        output channel (LeNet-5's C3); switched-off kernels are zero. Not combined
        with ``groups``.
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Conv3d((1, 3, 3, 3), 2, 2, bias=False).out_shape
    (2, 2, 2, 2)
    """

    dims = 3
