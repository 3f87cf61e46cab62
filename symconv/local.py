"""Locally connected layers: a convolution's sparse connectivity without weight sharing.

Every output unit has its own kernel. The weight's layout is
``(C_out, *out_spatial, C_in, *kernel)``: the kernel of output unit
``(c, i, j)`` is ``weight[c, i, j]``, an array like a convolution's
``weight[c]``. The bias has one entry per output unit, shape ``(C_out, *out_spatial)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from symconv.connectivity import AxisMap, BiasSharing, ChannelPairs, Structure, Weighting
from symconv.display import describe_window
from symconv.geometry import (
    Padding,
    as_int,
    as_tuple,
    check_in_shape,
    conv_output_length,
    resolve_padding,
)
from symconv.layer import Layer

__all__ = ["LocalGeometry", "LocallyConnected1d", "LocallyConnected2d"]


@dataclass(frozen=True)
class LocalGeometry:
    """Everything that fixes a locally connected layer's structure (hashable)."""

    in_shape: tuple[int, ...]
    out_channels: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: Padding
    dilation: tuple[int, ...]
    bias: bool

    @property
    def out_spatial(self) -> tuple[int, ...]:
        """Output spatial shape (a convolution's)."""
        return tuple(
            conv_output_length(n, k, s, p, d, axis)
            for axis, (n, k, s, p, d) in enumerate(
                zip(self.in_shape[1:], self.kernel, self.stride, self.padding, self.dilation,
                    strict=True),
                start=1,
            )
        )


@lru_cache(maxsize=256)
def local_structure(geometry: LocalGeometry) -> Structure:
    """The factored connectivity of a locally connected layer (cached on its geometry)."""
    axes = tuple(
        AxisMap.convolution(n, o, k, s, d, p[0])
        for n, o, k, s, d, p in zip(
            geometry.in_shape[1:], geometry.out_spatial, geometry.kernel, geometry.stride,
            geometry.dilation, geometry.padding, strict=True,
        )
    )
    return Structure(
        axes, ChannelPairs(geometry.out_channels, geometry.in_shape[0]), geometry.kernel,
        Weighting.UNTIED, bias=BiasSharing.PER_UNIT if geometry.bias else None,
    )


class _LocallyConnectedNd(Layer):
    dims: ClassVar[int]

    def __init__(
        self,
        in_shape: tuple[int, ...],
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        *,
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] | str = 0,
        dilation: int | tuple[int, ...] = 1,
        bias: bool = True,
        weight_name: str = "w",
        bias_name: str = "b",
    ) -> None:
        shape = check_in_shape(in_shape, self.dims, type(self).__name__)
        out_channels = as_int(out_channels, "out_channels")
        kernel = as_tuple(kernel_size, self.dims, "kernel_size")
        stride_t = as_tuple(stride, self.dims, "stride")
        dilation_t = as_tuple(dilation, self.dims, "dilation")
        pads = resolve_padding(padding, kernel, stride_t, dilation_t)
        self._padding_arg = padding
        self._geometry = LocalGeometry(
            shape, out_channels, kernel, stride_t, pads, dilation_t, bool(bias)
        )
        out_spatial = self._geometry.out_spatial
        self.in_shape = shape
        self.out_shape = (out_channels, *out_spatial)
        self.weight_shape = (out_channels, *out_spatial, shape[0], *kernel)
        self.bias_shape = self.out_shape if bias else None
        self.weight_name, self.bias_name = weight_name, bias_name

    @property
    def geometry(self) -> LocalGeometry:
        """The resolved geometry."""
        return self._geometry

    def _make_structure(self) -> Structure:
        return local_structure(self._geometry)

    def _weight_name_drop(self) -> tuple[int, ...]:
        g = self._geometry
        if g.out_channels == 1 and g.in_shape[0] == 1:
            return (0, 1 + self.dims)
        return ()

    def _bias_name_drop(self) -> tuple[int, ...]:
        return (0,) if self._geometry.out_channels == 1 else ()

    def _describe(self) -> list[str]:
        g = self._geometry
        return describe_window(g.kernel, g.stride, g.dilation, self._padding_arg, g.padding)


class LocallyConnected1d(_LocallyConnectedNd):
    """Locally connected 1-D layer over ``in_shape = (C, L)``: untied weights.

    Weight layout ``(C_out, L_out, C_in, k)``; bias ``(C_out, L_out)``.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.LocallyConnected1d((1, 4), 1, 2, bias=False).matrix()
    Matrix([
    [w_{1,1}, w_{1,2},       0,       0],
    [      0, w_{2,1}, w_{2,2},       0],
    [      0,       0, w_{3,1}, w_{3,2}]])
    """

    dims = 1


class LocallyConnected2d(_LocallyConnectedNd):
    """Locally connected 2-D layer over ``in_shape = (C, H, W)``: untied weights.

    Weight layout ``(C_out, H_out, W_out, C_in, kH, kW)``; bias ``(C_out, H_out, W_out)``.
    Symbol ``w_{i,j,k,l}`` is tap ``(k, l)`` of output ``(i, j)`` (single channel).

    Examples
    --------
    >>> import symconv as sc
    >>> sc.LocallyConnected2d((1, 4, 4), 1, 2, stride=2)
    LocallyConnected2d((1, 4, 4) -> (1, 2, 2), kernel 2x2, stride 2: 20 parameters, 20 connections)
    """

    dims = 2
