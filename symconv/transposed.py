"""Transposed convolutions ``ConvTranspose1d/2d/3d``: the transpose of a convolution's matrix.

Input position ``i`` scatters through tap ``k`` to output ``i*stride + k*dilation - padding``;
the weight has PyTorch's layout ``(C_in, C_out/groups, *kernel)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

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
from symconv.geometry import as_flag, as_tuple, check_window, transposed_output_length
from symconv.layer import Layer
from symconv.options import check_torch_options

__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "TransposedGeometry"]


@dataclass(frozen=True)
class TransposedGeometry:
    """Everything that fixes a transposed convolution's structure (hashable)."""

    in_shape: tuple[int, ...]
    out_channels: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    output_padding: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int
    bias: bool

    @property
    def out_spatial(self) -> tuple[int, ...]:
        """Output spatial shape (PyTorch's formula)."""
        return tuple(
            transposed_output_length(n, k, s, p, d, op, axis)
            for axis, (n, k, s, p, d, op) in enumerate(
                zip(self.in_shape[1:], self.kernel, self.stride, self.padding, self.dilation,
                    self.output_padding, strict=True),
                start=1,
            )
        )

    @property
    def channels(self) -> ChannelPairs:
        """The connected channel pairs, kernels indexed input-channel first."""
        return ChannelPairs(self.out_channels, self.in_shape[0], self.groups, kernel_major="in")


@shared_while_used
def transposed_structure(geometry: TransposedGeometry) -> Structure:
    """The factored connectivity of a transposed convolution (cached on its geometry)."""
    axes = tuple(
        AxisMap.transposed(n, o, k, s, d, p)
        for n, o, k, s, d, p in zip(
            geometry.in_shape[1:], geometry.out_spatial, geometry.kernel, geometry.stride,
            geometry.dilation, geometry.padding, strict=True,
        )
    )
    return Structure(
        axes, geometry.channels, geometry.kernel, Weighting.TIED,
        bias=BiasSharing.PER_CHANNEL if geometry.bias else None,
    )


class _ConvTransposeNd(Layer):
    dims: ClassVar[int]

    def __init__(
        self,
        in_shape: tuple[int, ...],
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] = 0,
        output_padding: int | tuple[int, ...] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | tuple[int, ...] = 1,
        *,
        weight_name: str = "w",
        bias_name: str = "b",
        **torch_options: Any,
    ) -> None:
        name = type(self).__name__
        check_torch_options(name, torch_options, {"padding_mode": "zeros"})
        shape, out_channels, kernel, stride_t, dilation_t, groups = check_window(
            name, self.dims, in_shape, out_channels, kernel_size, stride, dilation, groups
        )
        if isinstance(padding, str):
            raise LayerConfigError(
                f"padding={padding!r} must be an int or a tuple for {name} (as in PyTorch)"
            )
        padding_t = as_tuple(padding, self.dims, "padding", minimum=0)
        output_padding_t = as_tuple(output_padding, self.dims, "output_padding", minimum=0)
        self.geometry = TransposedGeometry(
            shape, out_channels, kernel, stride_t, padding_t, output_padding_t, dilation_t,
            groups, as_flag(bias, "bias"),
        )
        """The validated geometry."""
        self.in_shape = shape
        self.out_shape = (out_channels, *self.geometry.out_spatial)
        self.weight_shape = (shape[0], out_channels // groups, *kernel)
        self.bias_shape = (out_channels,) if bias else None
        self._set_names(weight_name, bias_name)

    def _make_structure(self) -> Structure:
        return transposed_structure(self.geometry)

    def _describe(self) -> list[str]:
        g = self.geometry
        pairs = tuple((p, p) for p in g.padding)
        parts = describe_window(g.kernel, g.stride, g.dilation, 0, pairs)
        if any(op != 0 for op in g.output_padding):
            parts.append("output_padding " + "x".join(map(str, g.output_padding)))
        if g.groups != 1:
            parts.append(f"groups {g.groups}")
        return parts


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution over ``in_shape = (C, L)``; keywords as in PyTorch.

    Its matrix is the transpose of the matching ``Conv1d``'s. As in PyTorch, the only
    ``padding_mode`` is ``'zeros'``.

    Parameters
    ----------
    in_shape : tuple of int
        Input shape ``(C, L)``, channels first.
    out_channels : int
        Number of output channels.
    kernel_size : int or tuple of 1 ints
        Window size, one value for every axis or one per axis.
    stride : int or tuple of int
        Stride of the matching convolution: the output grows by this factor.
    padding : int or tuple of int
        Padding of the matching convolution, removed from the output's borders
        (no words such as ``"same"``, as in PyTorch).
    output_padding : int or tuple of int
        Extra units at the end of each output axis, smaller than the stride or the
        dilation: picks among the input sizes that the convolution maps to one size.
    groups : int
        Split the channels into this many groups connected pairwise (default 1).
    bias : bool
        Add one bias symbol per output channel (default True).
    dilation : int or tuple of int
        Spacing between the kernel's taps (default 1).
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.ConvTranspose1d((1, 2), 1, 2, stride=2, bias=False).matrix()
    Matrix([
    [w_1,   0],
    [w_2,   0],
    [  0, w_1],
    [  0, w_2]])
    """

    dims = 1


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution over ``in_shape = (C, H, W)``; keywords as in PyTorch.

    Parameters
    ----------
    in_shape : tuple of int
        Input shape ``(C, H, W)``, channels first.
    out_channels : int
        Number of output channels.
    kernel_size : int or tuple of 2 ints
        Window size, one value for every axis or one per axis.
    stride : int or tuple of int
        Stride of the matching convolution: the output grows by this factor.
    padding : int or tuple of int
        Padding of the matching convolution, removed from the output's borders
        (no words such as ``"same"``, as in PyTorch).
    output_padding : int or tuple of int
        Extra units at the end of each output axis, smaller than the stride or the
        dilation: picks among the input sizes that the convolution maps to one size.
    groups : int
        Split the channels into this many groups connected pairwise (default 1).
    bias : bool
        Add one bias symbol per output channel (default True).
    dilation : int or tuple of int
        Spacing between the kernel's taps (default 1).
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.ConvTranspose2d((1, 2, 2), 1, 2, stride=2)
    ConvTranspose2d((1, 2, 2) -> (1, 4, 4), kernel 2x2, stride 2: 5 parameters, 32 connections)
    """

    dims = 2


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution over ``in_shape = (C, D, H, W)``; keywords as in PyTorch.

    Parameters
    ----------
    in_shape : tuple of int
        Input shape ``(C, D, H, W)``, channels first.
    out_channels : int
        Number of output channels.
    kernel_size : int or tuple of 3 ints
        Window size, one value for every axis or one per axis.
    stride : int or tuple of int
        Stride of the matching convolution: the output grows by this factor.
    padding : int or tuple of int
        Padding of the matching convolution, removed from the output's borders
        (no words such as ``"same"``, as in PyTorch).
    output_padding : int or tuple of int
        Extra units at the end of each output axis, smaller than the stride or the
        dilation: picks among the input sizes that the convolution maps to one size.
    groups : int
        Split the channels into this many groups connected pairwise (default 1).
    bias : bool
        Add one bias symbol per output channel (default True).
    dilation : int or tuple of int
        Spacing between the kernel's taps (default 1).
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.ConvTranspose3d((2, 2, 2, 2), 4, 3, groups=2).weight_shape
    (2, 2, 3, 3, 3)
    """

    dims = 3
