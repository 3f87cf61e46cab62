"""Tiled convolution: ``t`` kernels cycled over the output, between convolution and local.

Goodfellow, Bengio and Courville's *Deep Learning* (section 9.5) place tiled
convolution between a convolution and a locally connected layer: along each
spatial axis the layer learns ``t`` kernels, and output position ``i`` uses
kernel ``i mod t``. ``tiles=1`` is a convolution; ``tiles`` equal to the output
size is a locally connected layer.

The weight's layout is ``(C_out, *tiles, C_in, *kernel)``, the locally connected
layout ``(C_out, *out_spatial, C_in, *kernel)`` with the output positions folded
modulo the tiles: output ``(c, i, j)`` uses ``weight[c, i % t_1, j % t_2]``.
The bias follows the same rule, shape ``(C_out, *tiles)``.
"""

from __future__ import annotations

from functools import lru_cache

from symconv.connectivity import BiasSharing, ChannelPairs, Structure, Weighting
from symconv.conv import ConvGeometry, conv_axes
from symconv.errors import LayerConfigError
from symconv.geometry import as_tuple
from symconv.local import _LocallyConnectedNd

__all__ = ["TiledConv1d", "TiledConv2d", "tiled_structure"]


@lru_cache(maxsize=256)
def tiled_structure(geometry: ConvGeometry, tiles: tuple[int, ...]) -> Structure:
    """A convolution's window whose kernel cycles with period ``tiles`` (cached)."""
    return Structure(
        conv_axes(geometry), ChannelPairs(geometry.out_channels, geometry.in_shape[0]),
        geometry.kernel, Weighting.TILED,
        bias=BiasSharing.PER_TILE if geometry.bias else None, tiles=tiles,
    )


class _TiledConvNd(_LocallyConnectedNd):
    def __init__(
        self,
        in_shape: tuple[int, ...],
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        tiles: int | tuple[int, ...],
        *,
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] | str = 0,
        dilation: int | tuple[int, ...] = 1,
        bias: bool = True,
        weight_name: str = "w",
        bias_name: str = "b",
    ) -> None:
        super().__init__(
            in_shape, out_channels, kernel_size, stride=stride, padding=padding,
            dilation=dilation, bias=bias, weight_name=weight_name, bias_name=bias_name,
        )
        self.tiles = as_tuple(tiles, self.dims, "tiles")
        """Kernels cycled along each spatial axis."""
        for axis, (t, n) in enumerate(zip(self.tiles, self.out_shape[1:], strict=True), 1):
            if t > n:
                raise LayerConfigError(
                    f"tiles={tiles!r} exceeds the output size ({n}) along axis {axis}: "
                    f"kernel {n + 1} and up would never be used"
                )
        c_out, c_in = self.out_shape[0], self.in_shape[0]
        self.weight_shape = (c_out, *self.tiles, c_in, *self.geometry.kernel)
        self.bias_shape = (c_out, *self.tiles) if bias else None

    def _make_structure(self) -> Structure:
        return tiled_structure(self.geometry, self.tiles)

    def _weight_name_drop(self) -> tuple[int, ...]:
        """Channel axes of length 1, and the tile axes when there is a single tile."""
        drop = super()._weight_name_drop()
        if set(self.tiles) == {1}:
            drop = (*drop, *range(1, 1 + self.dims))
        return drop

    def _describe(self) -> list[str]:
        shown = "x".join(map(str, self.tiles))
        return [*super()._describe(), f"{shown} tiles"]


class TiledConv1d(_TiledConvNd):
    """Tiled 1-D convolution over ``in_shape = (C, L)``: ``tiles`` kernels cycled.

    Output position ``i`` uses kernel ``i mod tiles``. Weight layout
    ``(C_out, tiles, C_in, k)``; bias ``(C_out, tiles)``.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.TiledConv1d((1, 5), 1, 2, 2, bias=False).matrix()
    Matrix([
    [w_{1,1}, w_{1,2},       0,       0,       0],
    [      0, w_{2,1}, w_{2,2},       0,       0],
    [      0,       0, w_{1,1}, w_{1,2},       0],
    [      0,       0,       0, w_{2,1}, w_{2,2}]])
    >>> sc.TiledConv1d((1, 5), 1, 2, 2)
    TiledConv1d((1, 5) -> (1, 4), kernel 2, 2 tiles: 6 parameters, 12 connections)
    """

    dims = 1


class TiledConv2d(_TiledConvNd):
    """Tiled 2-D convolution over ``in_shape = (C, H, W)``: ``tiles`` kernels per axis.

    Output ``(c, i, j)`` uses kernel ``(c, i mod t_1, j mod t_2)``. Weight layout
    ``(C_out, t_1, t_2, C_in, kH, kW)``; bias ``(C_out, t_1, t_2)``.

    Examples
    --------
    >>> import symconv as sc
    >>> tiled = sc.TiledConv2d((1, 6, 6), 1, 3, 2, bias=False)
    >>> tiled.weight_shape, tiled.num_parameters
    ((1, 2, 2, 1, 3, 3), 36)
    >>> tiled.matrix()[5, 7], tiled.matrix()[0, 0]
    (w_{2,2,1,1}, w_{1,1,1,1})
    """

    dims = 2
