"""Locally connected layers: a convolution's sparse connectivity without weight sharing.

Every output unit has its own kernel. The weight's layout is
``(C_out, *out_spatial, C_in, *kernel)``: the kernel of output unit
``(c, i, j)`` is ``weight[c, i, j]``, an array like a convolution's
``weight[c]``. The bias has one entry per output unit, shape ``(C_out, *out_spatial)``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from symconv.connectivity import BiasSharing, ChannelPairs, Structure, Weighting, shared_while_used
from symconv.conv import ConvGeometry, conv_axes
from symconv.describe import describe_window
from symconv.geometry import as_flag, check_window, resolve_padding
from symconv.layer import Layer
from symconv.options import check_torch_options

__all__ = ["LocallyConnected1d", "LocallyConnected2d", "local_structure"]


@shared_while_used
def local_structure(geometry: ConvGeometry) -> Structure:
    """A convolution's window with one kernel per output unit (cached on its geometry)."""
    return Structure(
        conv_axes(geometry), ChannelPairs(geometry.out_channels, geometry.in_shape[0]),
        geometry.kernel, Weighting.UNTIED,
        bias=BiasSharing.PER_UNIT if geometry.bias else None,
    )


class _LocallyConnectedNd(Layer):
    dims: ClassVar[int]

    def __init__(
        self,
        in_shape: tuple[int, ...],
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] | str = 0,
        dilation: int | tuple[int, ...] = 1,
        bias: bool = True,
        *,
        weight_name: str = "w",
        bias_name: str = "b",
        **torch_options: Any,
    ) -> None:
        check_torch_options(type(self).__name__, torch_options)
        shape, out_channels, kernel, stride_t, dilation_t, _ = check_window(
            type(self).__name__, self.dims, in_shape, out_channels, kernel_size, stride,
            dilation,
        )
        pads = resolve_padding(padding, kernel, stride_t, dilation_t)
        self._padding_arg = padding
        self.geometry = ConvGeometry(
            shape, out_channels, kernel, stride_t, pads, dilation_t, 1, "zeros", False, None,
            as_flag(bias, "bias"),
        )
        """The resolved geometry (a zero-padded convolution's)."""
        out_spatial = self.geometry.out_spatial
        self.in_shape = shape
        self.out_shape = (out_channels, *out_spatial)
        self.weight_shape = (out_channels, *out_spatial, shape[0], *kernel)
        self.bias_shape = self.out_shape if bias else None
        self._set_names(weight_name, bias_name)
        self._weight_channel_axes = (0, 1 + self.dims)

    def _make_structure(self) -> Structure:
        return local_structure(self.geometry)

    def _describe(self) -> list[str]:
        g = self.geometry
        return describe_window(g.kernel, g.stride, g.dilation, self._padding_arg, g.padding)


class LocallyConnected1d(_LocallyConnectedNd):
    """Locally connected 1-D layer over ``in_shape = (C, L)``: untied weights.

    Weight layout ``(C_out, L_out, C_in, k)``; bias ``(C_out, L_out)``.

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
        Zero padding, as for :class:`Conv1d`. Weights whose taps fall on the
        padding only ever meet zeros: they are parameters without connections.
    dilation : int or tuple of int
        Spacing between the kernel's taps (default 1).
    bias : bool
        Add one bias symbol per output unit (default True).
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

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
        Zero padding, as for :class:`Conv2d`. Weights whose taps fall on the
        padding only ever meet zeros: they are parameters without connections.
    dilation : int or tuple of int
        Spacing between the kernel's taps (default 1).
    bias : bool
        Add one bias symbol per output unit (default True).
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.LocallyConnected2d((1, 4, 4), 1, 2, stride=2)
    LocallyConnected2d((1, 4, 4) -> (1, 2, 2), kernel 2x2, stride 2: 20 parameters, 20 connections)
    """

    dims = 2
