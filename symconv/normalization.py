"""Batch normalisation at inference and dropout: linear layers of real models.

In eval mode ``torch.nn.BatchNorm1d/2d`` computes, channel by channel,
``gamma * (x - mean) / sqrt(var + eps) + beta`` with its running statistics:
an affine map ``w_c x + b_c`` with one scale ``w_c`` and one shift ``b_c`` per
channel, whose matrix is diagonal. :func:`symconv.from_torch` folds the running
statistics into these two parameters. ``Dropout`` is the identity at inference.
"""

from __future__ import annotations

import numbers
from typing import Any, ClassVar

from symconv.connectivity import AxisMap, BiasSharing, ChannelPairs, Structure, Weighting
from symconv.errors import LayerConfigError
from symconv.geometry import as_flag, check_in_shape
from symconv.layer import Layer
from symconv.options import check_torch_options
from symconv.structural import Identity

__all__ = ["BatchNorm1d", "BatchNorm2d", "Dropout"]

BATCH_NORM_DEFAULTS = {"eps": 1e-5, "momentum": 0.1, "affine": True,
                       "track_running_stats": True}
"""PyTorch's batch-norm keywords, accepted at their defaults (they change no structure)."""


class _BatchNormNd(Layer):
    spatial_dims: ClassVar[tuple[int, ...]]
    """The numbers of spatial axes the input may have."""

    _weight_channel_axes = (0,)

    def __init__(
        self,
        in_shape: int | tuple[int, ...],
        *,
        bias: bool = True,
        weight_name: str = "w",
        bias_name: str = "b",
        **torch_options: Any,
    ) -> None:
        name = type(self).__name__
        check_torch_options(name, torch_options, BATCH_NORM_DEFAULTS)
        shape = (in_shape,) if isinstance(in_shape, numbers.Integral) else in_shape
        if not isinstance(shape, tuple | list) or len(shape) - 1 not in self.spatial_dims:
            raise LayerConfigError(
                f"in_shape={in_shape!r} must be " + " or ".join(
                    "(channels,)" if d == 0 else "(channels, " + ", ".join(
                        ["length"] if d == 1 else ["height", "width"]) + ")"
                    for d in self.spatial_dims
                ) + f" for {name}"
            )
        self.in_shape = check_in_shape(shape, len(shape) - 1, name)
        self.out_shape = self.in_shape
        channels = self.in_shape[0]
        self.weight_shape = (channels,)
        self.bias_shape = (channels,) if as_flag(bias, "bias") else None
        self._set_names(weight_name, bias_name)

    def _make_structure(self) -> Structure:
        channels, spatial = self.in_shape[0], self.in_shape[1:]
        axes = tuple(AxisMap.convolution(n, n, 1, 1, 1, 0) for n in spatial)
        return Structure(
            axes, ChannelPairs(channels, channels, groups=channels), (1,) * len(spatial),
            Weighting.PER_CHANNEL,
            bias=BiasSharing.PER_CHANNEL if self.bias_shape is not None else None,
        )

    def _describe(self) -> list[str]:
        return ["per-channel affine"]


class BatchNorm1d(_BatchNormNd):
    """Batch normalisation in eval mode over ``(C,)`` or ``(C, L)``: ``w_c x + b_c``.

    One scale ``w_c`` and one shift ``b_c`` per channel (the running statistics
    folded in, see :func:`symconv.from_torch`); the matrix is diagonal.

    Examples
    --------
    >>> import symconv as sc
    >>> bn = sc.BatchNorm1d((2, 2))
    >>> bn
    BatchNorm1d((2, 2) -> (2, 2), per-channel affine: 4 parameters, 8 connections)
    >>> bn.matrix()
    Matrix([
    [w_1,   0,   0,   0],
    [  0, w_1,   0,   0],
    [  0,   0, w_2,   0],
    [  0,   0,   0, w_2]])
    >>> bn.forward().T
    Matrix([[b_1 + w_1*x_1, b_1 + w_1*x_2, b_2 + w_2*x_3, b_2 + w_2*x_4]])
    """

    spatial_dims = (0, 1)


class BatchNorm2d(_BatchNormNd):
    """Batch normalisation in eval mode over ``(C, H, W)``: ``w_c x + b_c`` per channel.

    Examples
    --------
    >>> import symconv as sc
    >>> bn = sc.BatchNorm2d((64, 56, 56))
    >>> bn.num_parameters, bn.num_weight_connections, bn.dense_parameters > 10**10
    (128, 200704, True)
    """

    spatial_dims = (2,)


class Dropout(Identity):
    """Dropout at inference: the identity on an input of any shape.

    ``p`` is kept for the record (PyTorch's meaning); it does not change the map.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Dropout((1, 2), p=0.25).matrix()
    Matrix([
    [1, 0],
    [0, 1]])
    """

    p: float
    """The drop probability in training (unused at inference)."""

    def __init__(
        self, in_shape: int | tuple[int, ...], p: float = 0.5, **torch_options: Any
    ) -> None:
        super().__init__(in_shape, **torch_options)
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
            raise LayerConfigError(f"p={p!r} must be a probability between 0 and 1")
        self.p = float(p)

    def _describe(self) -> list[str]:
        return [f"p={self.p:g}, identity at inference"]
