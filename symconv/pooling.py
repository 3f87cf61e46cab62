"""Window-sum layers: average pooling and LeNet-5's trainable subsampling.

Both read each channel on its own (depthwise). ``AvgPool1d/2d`` have no
parameters: every entry is the exact ``Rational`` 1/divisor, with PyTorch's
divisor rules for padding, ``ceil_mode`` and ``count_include_pad``.
``Subsample2d`` is LeNet-5's S2/S4 layer (LeCun et al., 1998): each unit adds
up its window, multiplies the sum by one trainable coefficient per channel and
adds one trainable bias per channel.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

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
from symconv.geometry import as_flag, as_tuple, check_in_shape, pool_output_length
from symconv.layer import Layer
from symconv.options import check_torch_options

__all__ = [
    "AvgPool1d",
    "AvgPool2d",
    "PoolGeometry",
    "Subsample2d",
    "describe_pool",
    "divisors_at",
    "pool_divisors",
    "pool_geometry",
    "pool_structure",
]


@dataclass(frozen=True)
class PoolGeometry:
    """Everything that fixes a pooling window's structure (hashable).

    Examples
    --------
    >>> PoolGeometry((1, 7), (3,), (2,), (1,), (1,), False, True).out_spatial
    (4,)
    """

    in_shape: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    ceil_mode: bool
    count_include_pad: bool

    @property
    def out_spatial(self) -> tuple[int, ...]:
        """Output spatial shape (PyTorch's formula)."""
        return tuple(
            pool_output_length(n, k, s, p, self.ceil_mode, axis, d)
            for axis, (n, k, s, p, d) in enumerate(
                zip(self.in_shape[1:], self.kernel, self.stride, self.padding, self.dilation,
                    strict=True),
                start=1,
            )
        )


def pool_geometry(
    layer: str,
    dims: int,
    in_shape: object,
    kernel_size: object,
    stride: object = None,
    padding: object = 0,
    dilation: object = 1,
    ceil_mode: object = False,
    count_include_pad: object = True,
) -> PoolGeometry:
    """Check a pooling layer's arguments; ``stride`` defaults to the kernel size.

    Examples
    --------
    >>> pool_geometry("MaxPool2d", 2, (1, 5, 5), 2, ceil_mode=True).out_spatial
    (3, 3)
    """
    shape = check_in_shape(in_shape, dims, layer)
    kernel = as_tuple(kernel_size, dims, "kernel_size")
    return PoolGeometry(
        shape,
        kernel,
        kernel if stride is None else as_tuple(stride, dims, "stride"),
        as_tuple(padding, dims, "padding", minimum=0),
        as_tuple(dilation, dims, "dilation"),
        as_flag(ceil_mode, "ceil_mode"),
        as_flag(count_include_pad, "count_include_pad"),
    )


def pool_divisors(
    length: int, out_len: int, kernel: int, stride: int, padding: int, include_pad: bool
) -> np.ndarray:
    """Divisor of each output position along one axis, as PyTorch's ``avg_pool`` computes it.

    A window is clipped to the padded input; with ``include_pad`` its clipped size
    is the divisor, otherwise the number of real input positions it covers.

    Examples
    --------
    >>> pool_divisors(5, 3, 2, 2, 0, True).tolist()
    [2, 2, 1]
    >>> pool_divisors(5, 3, 3, 2, 1, False).tolist()
    [2, 3, 2]
    """
    return divisors_at(length, kernel, stride, padding, include_pad,
                       np.arange(out_len, dtype=np.int64))


def divisors_at(
    length: int, kernel: int, stride: int, padding: int, include_pad: bool, positions: np.ndarray
) -> np.ndarray:
    """The divisors of :func:`pool_divisors` at the given output positions only.

    Examples
    --------
    >>> divisors_at(5, 3, 2, 1, False, np.array([2])).tolist()
    [2]
    """
    start = positions * stride - padding
    end = np.minimum(start + kernel, length + padding)
    if include_pad:
        return end - start
    return np.minimum(end, length) - np.maximum(start, 0)


@shared_while_used
def pool_structure(
    geometry: PoolGeometry, weighting: Weighting, *, bias: bool = False, average: bool = False
) -> Structure:
    """Window membership, channel by channel (cached on its geometry).

    With ``average`` each connection is divided by its window's size (PyTorch's rules).

    Examples
    --------
    >>> geometry = pool_geometry("MaxPool1d", 1, (2, 4), 2)
    >>> pool_structure(geometry, Weighting.FIXED).inputs_of(3).tolist()
    [6, 7]
    """
    channels = geometry.in_shape[0]
    windows = list(zip(
        geometry.in_shape[1:], geometry.out_spatial, geometry.kernel, geometry.stride,
        geometry.padding, geometry.dilation, strict=True,
    ))
    axes = tuple(AxisMap.convolution(n, o, k, s, d, p) for n, o, k, s, p, d in windows)
    divisors = None
    if average:
        divisors = tuple(
            functools.partial(divisors_at, n, k, s, p, geometry.count_include_pad)
            for n, _, k, s, p, _ in windows
        )
    return Structure(
        axes, ChannelPairs(channels, channels, groups=channels), geometry.kernel, weighting,
        divisors=divisors, bias=BiasSharing.PER_CHANNEL if bias else None,
    )


def describe_pool(geometry: PoolGeometry) -> list[str]:
    """Short words for a pooling window's non-default hyperparameters, for reprs.

    Examples
    --------
    >>> describe_pool(pool_geometry("AvgPool1d", 1, (1, 5), 2, ceil_mode=True))
    ['kernel 2', 'stride 2', 'ceil_mode']
    """
    g = geometry
    pairs = tuple((p, p) for p in g.padding)
    parts = describe_window(g.kernel, g.stride, g.dilation, 0, pairs)
    if g.ceil_mode:
        parts.append("ceil_mode")
    if not g.count_include_pad and any(g.padding):
        parts.append("padding not counted")
    return parts


class _AvgPoolNd(Layer):
    dims: ClassVar[int]

    def __init__(
        self,
        in_shape: tuple[int, ...],
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] | None = None,
        padding: int | tuple[int, ...] = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: None = None,
    ) -> None:
        check_torch_options(type(self).__name__, {"divisor_override": divisor_override},
                            {"divisor_override": None})
        self.geometry = pool_geometry(
            type(self).__name__, self.dims, in_shape, kernel_size, stride, padding,
            ceil_mode=ceil_mode, count_include_pad=count_include_pad,
        )
        """The validated geometry."""
        self.in_shape = self.geometry.in_shape
        self.out_shape = (self.in_shape[0], *self.geometry.out_spatial)

    def _make_structure(self) -> Structure:
        return pool_structure(self.geometry, Weighting.FIXED, average=True)

    def _describe(self) -> list[str]:
        return describe_pool(self.geometry)


class AvgPool1d(_AvgPoolNd):
    """1-D average pooling over ``in_shape = (C, L)``: exact rational entries, no parameters.

    ``stride`` defaults to ``kernel_size``; keywords as in ``torch.nn.AvgPool1d``.

    Parameters
    ----------
    in_shape : tuple of int
        Input shape ``(C, L)``, channels first; each channel is pooled alone.
    kernel_size : int or tuple of 1 ints
        Window size.
    stride : int or tuple of int, optional
        Step of the window; ``kernel_size`` by default.
    padding : int or tuple of int
        Zero padding on both sides of each axis (default 0).
    ceil_mode : bool
        Round the output size up instead of down, as in PyTorch (default False).
    count_include_pad : bool
        Divide by the whole window (True, the default) or only by its real inputs.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.AvgPool1d((1, 4), 2).matrix()
    Matrix([
    [1/2, 1/2,   0,   0],
    [  0,   0, 1/2, 1/2]])
    """

    dims = 1


class AvgPool2d(_AvgPoolNd):
    """2-D average pooling over ``in_shape = (C, H, W)``: exact rational entries, no parameters.

    ``stride`` defaults to ``kernel_size``; keywords as in ``torch.nn.AvgPool2d``.

    Parameters
    ----------
    in_shape : tuple of int
        Input shape ``(C, H, W)``, channels first; each channel is pooled alone.
    kernel_size : int or tuple of 2 ints
        Window size.
    stride : int or tuple of int, optional
        Step of the window; ``kernel_size`` by default.
    padding : int or tuple of int
        Zero padding on both sides of each axis (default 0).
    ceil_mode : bool
        Round the output size up instead of down, as in PyTorch (default False).
    count_include_pad : bool
        Divide by the whole window (True, the default) or only by its real inputs.

    Examples
    --------
    >>> import symconv as sc
    >>> pool = sc.AvgPool2d((1, 3, 3), 2, stride=1, padding=1, count_include_pad=False)
    >>> pool.matrix()[0, :4]
    Matrix([[1, 0, 0, 0]])
    >>> pool.num_parameters
    0
    """

    dims = 2


class Subsample2d(Layer):
    """LeNet-5's trainable subsampling over ``in_shape = (C, H, W)``.

    Each output unit is ``w_c * (sum of its window) + b_c``: one coefficient and
    one bias per channel. ``stride`` defaults to ``kernel_size``.

    Parameters
    ----------
    in_shape : tuple of int
        Input shape ``(C, H, W)``.
    kernel_size : int or tuple of 2 ints
        Window size (default 2, as in LeNet-5).
    stride : int or tuple of int, optional
        Step of the window; ``kernel_size`` by default.
    bias : bool
        Add one bias symbol per channel (default True).
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

    Examples
    --------
    >>> import symconv as sc
    >>> s2 = sc.Subsample2d((6, 28, 28), 2)
    >>> s2.out_shape, s2.num_parameters, s2.num_connections
    ((6, 14, 14), 12, 5880)
    """

    def __init__(
        self,
        in_shape: tuple[int, int, int],
        kernel_size: int | tuple[int, int] = 2,
        stride: int | tuple[int, int] | None = None,
        bias: bool = True,
        *,
        weight_name: str = "w",
        bias_name: str = "b",
    ) -> None:
        self.geometry = pool_geometry("Subsample2d", 2, in_shape, kernel_size, stride)
        """The validated geometry."""
        self.in_shape = self.geometry.in_shape
        channels = self.in_shape[0]
        self.out_shape = (channels, *self.geometry.out_spatial)
        self.weight_shape = (channels,)
        self.bias_shape = (channels,) if as_flag(bias, "bias") else None
        self._set_names(weight_name, bias_name)

    _weight_channel_axes = (0,)

    def _make_structure(self) -> Structure:
        return pool_structure(
            self.geometry, Weighting.PER_CHANNEL, bias=self.bias_shape is not None
        )

    def _describe(self) -> list[str]:
        return describe_pool(self.geometry)
