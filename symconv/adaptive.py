"""Adaptive average pooling: a fixed output size, windows of varying length.

``torch.nn.AdaptiveAvgPool1d/2d`` give output position ``i`` of an axis of
length ``L`` cut into ``n`` the window ``floor(i*L/n) <= j < ceil((i+1)*L/n)``;
windows may differ in length and overlap. Every entry is the exact
``Rational`` 1/(window size), one window per channel, no parameters.
"""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np

from symconv.connectivity import AxisMap, ChannelPairs, Structure, Weighting
from symconv.errors import LayerConfigError
from symconv.geometry import as_int, check_in_shape
from symconv.layer import Layer

__all__ = ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "adaptive_axis"]


def adaptive_axis(in_len: int, out_len: int) -> tuple[AxisMap, np.ndarray]:
    """The windows of one axis (PyTorch's start/end rule) and each window's length.

    Examples
    --------
    >>> axis, sizes = adaptive_axis(5, 3)
    >>> axis.out_pos.tolist(), axis.in_pos.tolist(), sizes.tolist()
    ([0, 0, 1, 1, 1, 2, 2], [0, 1, 1, 2, 3, 3, 4], [2, 3, 2])
    """
    i = np.arange(out_len, dtype=np.int64)
    start = (i * in_len) // out_len
    end = -((-(i + 1) * in_len) // out_len)
    sizes = end - start
    out_pos = np.repeat(i, sizes)
    tap = np.arange(len(out_pos), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return AxisMap.from_arrays(out_pos, tap, start[out_pos] + tap, out_len, in_len), sizes


class _AdaptiveAvgPoolNd(Layer):
    dims: ClassVar[int]

    def __init__(
        self, in_shape: tuple[int, ...], output_size: int | tuple[int | None, ...] | None
    ) -> None:
        name = type(self).__name__
        self.in_shape = check_in_shape(in_shape, self.dims, name)
        sizes = (output_size,) * self.dims if not isinstance(output_size, tuple | list) \
            else tuple(output_size)
        if len(sizes) != self.dims or not all(
            s is None or isinstance(s, numbers.Integral) for s in sizes
        ):
            raise LayerConfigError(
                f"output_size={output_size!r} must be an int, None or a tuple of "
                f"{self.dims} of those"
            )
        self.output_size = tuple(
            n if s is None else as_int(s, "output_size")
            for s, n in zip(sizes, self.in_shape[1:], strict=True)
        )
        """The output's spatial shape (``None`` entries resolved to the input's)."""
        self.out_shape = (self.in_shape[0], *self.output_size)

    def _make_structure(self) -> Structure:
        channels = self.in_shape[0]
        windows = [adaptive_axis(n, o)
                   for n, o in zip(self.in_shape[1:], self.output_size, strict=True)]
        return Structure(
            tuple(axis for axis, _ in windows), ChannelPairs(channels, channels, groups=channels),
            tuple(int(sizes.max()) for _, sizes in windows), Weighting.FIXED,
            divisors=tuple(sizes.take for _, sizes in windows),
        )

    def _describe(self) -> list[str]:
        return ["output " + "x".join(map(str, self.output_size))]


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Adaptive average pooling over ``(C, L)`` to ``output_size`` positions.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.AdaptiveAvgPool1d((1, 5), 3).matrix()
    Matrix([
    [1/2, 1/2,   0,   0,   0],
    [  0, 1/3, 1/3, 1/3,   0],
    [  0,   0,   0, 1/2, 1/2]])
    """

    dims = 1


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Adaptive average pooling over ``(C, H, W)`` to ``output_size`` (an int or a pair).

    Examples
    --------
    >>> import symconv as sc
    >>> pool = sc.AdaptiveAvgPool2d((512, 14, 14), 7)
    >>> pool.out_shape, pool.num_parameters
    ((512, 7, 7), 0)
    >>> sc.AdaptiveAvgPool2d((1, 3, 2), (1, None)).matrix()
    Matrix([
    [1/3,   0, 1/3,   0, 1/3,   0],
    [  0, 1/3,   0, 1/3,   0, 1/3]])
    """

    dims = 2
