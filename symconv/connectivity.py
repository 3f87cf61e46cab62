"""The connectivity core: which input feeds which output through which weight.

A layer's structure factors into one :class:`AxisMap` per spatial axis (which input
position each output position reads through each kernel tap) and a list of channel
pairs. Everything else is derived from those factors, vectorised with NumPy:

* :meth:`Structure.build` gives the :class:`Connectivity` arrays, one entry per
  connection: output unit, input unit, weight index (and a divisor for pooling);
* :meth:`Structure.row` gives the same entries for a single output unit;
* :attr:`Structure.num_nonzeros` and friends count without building anything,
  because a product of per-axis maps has a product of per-axis counts.

Units are numbered from 0 in C order (channel, then spatial axes), exactly like
``torch.Tensor.flatten()``; weight indices address the layer's weight array
flattened in C order.
"""

from __future__ import annotations

import functools
import math
import threading
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

import numpy as np

__all__ = [
    "AxisMap",
    "BiasSharing",
    "ChannelPairs",
    "Connectivity",
    "Structure",
    "Weighting",
    "frozen",
    "shared_while_used",
    "window_count",
]

Index = np.ndarray


def shared_while_used(
    builder: Callable[..., Structure],
) -> Callable[..., Structure]:
    """Cache a structure builder for as long as some layer still holds its result.

    Layers with the same geometry share one :class:`Structure` (and the arrays it
    builds), but the cache keeps nothing alive: once the last layer using a
    structure is gone, its memory is freed.

    Examples
    --------
    >>> @shared_while_used
    ... def build(n):
    ...     return Structure((), ChannelPairs(n, n), (), Weighting.TIED)
    >>> first = build(3)
    >>> first is build(3), len(build.cache)
    (True, 1)
    >>> del first
    >>> len(build.cache)
    0
    """
    cache: weakref.WeakValueDictionary[Hashable, Structure] = weakref.WeakValueDictionary()
    lock = threading.Lock()

    @functools.wraps(builder)
    def cached(*args: Hashable, **kwargs: Hashable) -> Structure:
        key = (args, tuple(sorted(kwargs.items())))
        with lock:
            found = cache.get(key)
            if found is None:
                found = cache[key] = builder(*args, **kwargs)
        return found

    cached.cache = cache  # type: ignore[attr-defined]
    return cached


class Weighting(Enum):
    """How the weight of a connection is chosen."""

    TIED = "tied"
    """One kernel per channel pair, shared by every output position (convolution)."""
    UNTIED = "untied"
    """A separate kernel for every output unit (locally connected)."""
    TILED = "tiled"
    """``t`` kernels per axis cycled over output positions: position ``i`` uses ``i mod t``."""
    PER_CHANNEL = "per_channel"
    """One coefficient per output channel for the whole window (LeNet subsampling)."""
    FIXED = "fixed"
    """No trainable weight: each connection is ``1 / divisor`` (average pooling)."""


class BiasSharing(Enum):
    """Which output units share a bias parameter."""

    PER_CHANNEL = "per_channel"
    PER_UNIT = "per_unit"
    PER_TILE = "per_tile"


def frozen(*arrays: Index | None) -> None:
    """Make core arrays read-only, so that a view writing into one fails loudly.

    Examples
    --------
    >>> a = np.arange(3)
    >>> frozen(a, None)
    >>> a[0] = 5
    Traceback (most recent call last):
    ...
    ValueError: assignment destination is read-only
    """
    for array in arrays:
        if array is not None:
            array.flags.writeable = False


def _position_tap_grid(length: int, kernel: int) -> tuple[Index, Index]:
    """Every ``(position, tap)`` pair of one axis, position-major."""
    position = np.repeat(np.arange(length, dtype=np.int64), kernel)
    return position, np.tile(np.arange(kernel, dtype=np.int64), length)


_CHUNK = 1 << 20


def window_count(
    positions: int, kernel: int, stride: int, dilation: int, pad: int, length: int
) -> int:
    """How many ``(p, t)`` with ``0 <= p*stride + t*dilation - pad < length``.

    ``p`` runs over ``range(positions)`` and ``t`` over ``range(kernel)``. The
    count is taken along the shorter of the two ranges, in bounded chunks, so a
    long axis with a small kernel costs microseconds.

    Examples
    --------
    >>> window_count(4, 3, 1, 1, 1, 4)  # a length-4 axis, kernel 3, padding 1
    10
    >>> window_count(10**9, 3, 1, 1, 0, 10**9 + 2)
    3000000000
    """
    if kernel > positions:  # count along positions: swap the roles of the two ranges
        positions, kernel, stride, dilation = kernel, positions, dilation, stride
    total = 0
    for first in range(0, kernel, _CHUNK):
        t = np.arange(first, min(kernel, first + _CHUNK), dtype=np.int64)
        offset = t * dilation - pad
        low = np.maximum(0, -(offset // stride))  # ceil(-offset / stride)
        high = np.minimum(positions - 1, (length - 1 - offset) // stride)
        total += int(np.maximum(high - low + 1, 0).sum())
    return total


def _convolution_arrays(
    in_len: int, out_len: int, kernel: int, stride: int, dilation: int, pad_before: int,
    mode: str, flip: bool,
) -> tuple[Index, Index, Index]:
    out_pos, tap = _position_tap_grid(out_len, kernel)
    in_pos = out_pos * stride + tap * dilation - pad_before
    if mode == "zeros":
        keep = (in_pos >= 0) & (in_pos < in_len)
        out_pos, tap, in_pos = out_pos[keep], tap[keep], in_pos[keep]
    elif mode == "circular":
        in_pos = in_pos % in_len
    elif mode == "reflect":
        in_pos = np.abs(in_pos)
        in_pos = np.where(in_pos >= in_len, 2 * (in_len - 1) - in_pos, in_pos)
    else:  # replicate
        in_pos = np.clip(in_pos, 0, in_len - 1)
    if flip:
        tap = kernel - 1 - tap
    return out_pos, tap, in_pos


def _transposed_arrays(
    in_len: int, out_len: int, kernel: int, stride: int, dilation: int, padding: int
) -> tuple[Index, Index, Index]:
    in_pos, tap = _position_tap_grid(in_len, kernel)
    out_pos = in_pos * stride + tap * dilation - padding
    keep = (out_pos >= 0) & (out_pos < out_len)
    order = np.argsort(out_pos[keep], kind="stable")
    return out_pos[keep][order], tap[keep][order], in_pos[keep][order]


def _given(arrays: tuple[Index, Index, Index]) -> tuple[Index, Index, Index]:
    return arrays


@dataclass(frozen=True, eq=False)
class AxisMap:
    """The connections of one spatial axis, as three equal-length arrays.

    Entry ``n`` says that output position ``out_pos[n]`` reads input position
    ``in_pos[n]`` through kernel tap ``tap[n]``. Entries are sorted by output
    position. Folded padding modes may map two taps of one output to the same
    input position; those connections add up in one matrix entry.

    The arrays are made on first use by ``make`` (a picklable callable); the
    counts are closed forms where ``counts`` gives them, so a long axis is
    counted without building anything.

    Examples
    --------
    >>> axis = AxisMap.convolution(4, 2, kernel=2, stride=2, dilation=1, pad_before=0)
    >>> axis.out_pos.tolist(), axis.tap.tolist(), axis.in_pos.tolist()
    ([0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 2, 3])
    >>> folded = AxisMap.convolution(3, 3, 3, 1, 1, 1, mode="reflect")
    >>> folded.in_pos.tolist()
    [1, 0, 1, 0, 1, 2, 1, 2, 1]
    >>> folded.num_pairs
    7
    >>> AxisMap.convolution(10**9, 10**9 - 2, 3, 1, 1, 0).num_pairs
    2999999994
    """

    out_len: int
    in_len: int
    make: Callable[[], tuple[Index, Index, Index]] = field(repr=False)
    counts: tuple[int, int] | None = None
    """``(entries, distinct pairs)`` in closed form, or ``None`` to count the arrays."""

    @classmethod
    def from_arrays(
        cls, out_pos: Index, tap: Index, in_pos: Index, out_len: int, in_len: int
    ) -> AxisMap:
        """An axis map holding the given arrays."""
        return cls(out_len, in_len, functools.partial(_given, (out_pos, tap, in_pos)))

    @classmethod
    def convolution(
        cls,
        in_len: int,
        out_len: int,
        kernel: int,
        stride: int,
        dilation: int,
        pad_before: int,
        *,
        mode: str = "zeros",
        flip: bool = False,
    ) -> AxisMap:
        """Cross-correlation (or true convolution with ``flip``) along one axis."""
        make = functools.partial(_convolution_arrays, in_len, out_len, kernel, stride,
                                 dilation, pad_before, mode, flip)
        counts = None
        if mode == "zeros":  # taps of one output read distinct inputs: no folding
            entries = window_count(out_len, kernel, stride, dilation, pad_before, in_len)
            counts = (entries, entries)
        return cls(out_len, in_len, make, counts)

    @classmethod
    def transposed(
        cls,
        in_len: int,
        out_len: int,
        kernel: int,
        stride: int,
        dilation: int,
        padding: int,
    ) -> AxisMap:
        """Transposed convolution: input ``i`` feeds ``i*stride + tap*dilation - padding``."""
        make = functools.partial(_transposed_arrays, in_len, out_len, kernel, stride,
                                 dilation, padding)
        entries = window_count(in_len, kernel, stride, dilation, padding, out_len)
        return cls(out_len, in_len, make, (entries, entries))

    @cached_property
    def _arrays(self) -> tuple[Index, Index, Index]:
        arrays = self.make()
        frozen(*arrays)
        return arrays

    @property
    def out_pos(self) -> Index:
        """Output position of each entry (sorted)."""
        return self._arrays[0]

    @property
    def tap(self) -> Index:
        """Kernel tap of each entry."""
        return self._arrays[1]

    @property
    def in_pos(self) -> Index:
        """Input position of each entry."""
        return self._arrays[2]

    @property
    def num_entries(self) -> int:
        """Number of entries (connections along this axis)."""
        return len(self.out_pos) if self.counts is None else self.counts[0]

    @cached_property
    def num_pairs(self) -> int:
        """Number of distinct ``(output, input)`` position pairs along this axis."""
        if self.counts is not None:
            return self.counts[1]
        keys = np.sort(self.out_pos * self.in_len + self.in_pos)
        return int(len(keys) and 1 + np.count_nonzero(np.diff(keys)))

    def restricted_to(self, position: int) -> AxisMap:
        """The entries of one output position only (a long convolution axis stays unbuilt)."""
        make = self.make
        if (isinstance(make, functools.partial) and make.func is _convolution_arrays
                and "_arrays" not in vars(self)):
            in_len, _, kernel, stride, dilation, pad, mode, flip = make.args
            _, tap, in_pos = _convolution_arrays(
                in_len, 1, kernel, stride, dilation, pad - position * stride, mode, flip
            )
            out_pos = np.full(len(tap), position, dtype=np.int64)
            return AxisMap.from_arrays(out_pos, tap, in_pos, self.out_len, self.in_len)
        lo, hi = np.searchsorted(self.out_pos, [position, position + 1])
        return AxisMap.from_arrays(
            self.out_pos[lo:hi], self.tap[lo:hi], self.in_pos[lo:hi], self.out_len, self.in_len
        )


@dataclass(frozen=True, eq=False)
class Connectivity:
    """One entry per connection of a layer: the single source of truth of its matrix.

    ``out_unit`` is sorted. Matrix entry ``(r, c)`` is the sum over the connections
    with ``out_unit == r`` and ``in_unit == c`` of ``weight[param] / divisor``
    (``param == -1`` stands for the constant 1, ``divisor is None`` for 1).
    """

    out_unit: Index
    in_unit: Index
    param: Index
    divisor: Index | None
    n_out: int
    n_in: int
    folded: bool

    def __post_init__(self) -> None:
        frozen(self.out_unit, self.in_unit, self.param, self.divisor)

    def __len__(self) -> int:
        return len(self.out_unit)

    def where(self, keep: Index) -> Connectivity:
        """The connections where the boolean array ``keep`` is True."""
        divisor = None if self.divisor is None else self.divisor[keep]
        return Connectivity(
            self.out_unit[keep], self.in_unit[keep], self.param[keep], divisor,
            self.n_out, self.n_in, self.folded,
        )


def _spatial_product(
    axes: tuple[AxisMap, ...], kernel: tuple[int, ...]
) -> tuple[Index, Index, Index]:
    """Combine per-axis maps into flat spatial (output, tap, input) indices, sorted by output."""
    out_sp = np.zeros(1, dtype=np.int64)
    tap_sp = np.zeros(1, dtype=np.int64)
    in_sp = np.zeros(1, dtype=np.int64)
    for axis, taps in zip(axes, kernel, strict=True):
        out_sp = (out_sp[:, None] * axis.out_len + axis.out_pos[None, :]).ravel()
        tap_sp = (tap_sp[:, None] * taps + axis.tap[None, :]).ravel()
        in_sp = (in_sp[:, None] * axis.in_len + axis.in_pos[None, :]).ravel()
    if len(axes) > 1:
        order = np.argsort(out_sp, kind="stable")
        out_sp, tap_sp, in_sp = out_sp[order], tap_sp[order], in_sp[order]
    return out_sp, tap_sp, in_sp


@dataclass(frozen=True)
class ChannelPairs:
    """Which input channels feed which output channel, and through which kernel.

    Either ``groups`` split the channels into blocks (PyTorch's rule), or a
    boolean ``table`` of shape ``(out_channels, in_channels)`` lists the pairs
    (LeNet-5's C3). ``kernel_major`` names the channel that comes first in the
    weight's layout: ``"out"`` for ``(C_out, C_in/groups, ...)`` (convolution,
    dense), ``"in"`` for ``(C_in, C_out/groups, ...)`` (transposed convolution).
    Each pair's *kernel* index addresses the weight's first two axes, flattened.

    Examples
    --------
    >>> pairs = ChannelPairs(4, 2, groups=2)
    >>> pairs.count, pairs.slots
    (4, 1)
    >>> pairs.for_output(3)
    (array([1]), array([3]))
    >>> ChannelPairs(2, 3, table=((True, False, True), (False, True, False))).count
    3
    """

    out_channels: int
    in_channels: int
    groups: int = 1
    table: tuple[tuple[bool, ...], ...] | None = None
    kernel_major: str = "out"

    @property
    def slots(self) -> int:
        """Length of the weight's second axis."""
        if self.table is not None:
            return self.in_channels
        if self.kernel_major == "in":
            return self.out_channels // self.groups
        return self.in_channels // self.groups

    @property
    def count(self) -> int:
        """Number of connected channel pairs (closed form)."""
        if self.table is not None:
            return sum(map(sum, self.table))
        return self.out_channels * self.in_channels // self.groups

    @property
    def uniform(self) -> bool:
        """Whether every output channel reads the same number of input channels."""
        return self.table is None

    def for_output(self, channel: int, among: Index | None = None) -> tuple[Index, Index]:
        """Input channels read by one output channel, and their kernel indices.

        ``among`` (sorted input channels) keeps only those, without listing the rest.
        """
        if self.table is not None:
            inputs = np.flatnonzero(self.table[channel]).astype(np.int64)
            if among is not None:
                inputs = inputs[np.isin(inputs, among)]
            return inputs, channel * self.in_channels + inputs
        out_per_group = self.out_channels // self.groups
        in_per_group = self.in_channels // self.groups
        group = channel // out_per_group
        if among is None:
            local = np.arange(in_per_group, dtype=np.int64)
        else:
            local = among - group * in_per_group
            local = local[(local >= 0) & (local < in_per_group)]
        inputs = group * in_per_group + local
        if self.kernel_major == "in":
            return inputs, inputs * out_per_group + (channel - group * out_per_group)
        return inputs, channel * in_per_group + local


@dataclass(frozen=True, eq=False)
class Structure:
    """A layer's connectivity in factored form: per-axis maps and channel pairs.

    Parameters
    ----------
    axes
        One :class:`AxisMap` per spatial axis (none for a dense layer).
    channels
        The connected channel pairs (:class:`ChannelPairs`).
    kernel
        The kernel's spatial shape.
    weighting
        How each connection picks its weight (:class:`Weighting`).
    divisors
        For :attr:`Weighting.FIXED`, one callable per axis giving the divisors
        of an array of output positions; a unit's divisor is their product.
    bias
        How output units share biases, or ``None`` for no bias.
    tiles
        For :attr:`Weighting.TILED`, the number of kernels cycled along each axis.

    Examples
    --------
    >>> import symconv as sc
    >>> structure = sc.Conv2d((1, 4, 4), 1, 2, stride=2).structure
    >>> structure.num_connections, structure.num_nonzeros
    (16, 16)
    >>> (structure.row(1)[0] + 1).tolist()
    [3, 4, 7, 8]
    """

    axes: tuple[AxisMap, ...]
    channels: ChannelPairs
    kernel: tuple[int, ...]
    weighting: Weighting
    divisors: tuple[Callable[[Index], Index], ...] | None = None
    bias: BiasSharing | None = None
    tiles: tuple[int, ...] | None = None

    @property
    def out_channels(self) -> int:
        """Number of output channels."""
        return self.channels.out_channels

    @property
    def in_channels(self) -> int:
        """Number of input channels."""
        return self.channels.in_channels

    @property
    def out_spatial(self) -> tuple[int, ...]:
        """Output spatial shape."""
        return tuple(axis.out_len for axis in self.axes)

    @property
    def in_spatial(self) -> tuple[int, ...]:
        """Input spatial shape."""
        return tuple(axis.in_len for axis in self.axes)

    @property
    def n_out(self) -> int:
        """Number of output units."""
        return self.out_channels * math.prod(self.out_spatial)

    @property
    def n_in(self) -> int:
        """Number of input units."""
        return self.in_channels * math.prod(self.in_spatial)

    @property
    def num_connections(self) -> int:
        """Connections before folded taps are merged (entries of :meth:`build`)."""
        return self.channels.count * math.prod(axis.num_entries for axis in self.axes)

    @property
    def num_nonzeros(self) -> int:
        """Nonzero entries of the matrix: distinct ``(output, input)`` pairs."""
        return self.channels.count * math.prod(axis.num_pairs for axis in self.axes)

    @property
    def folded(self) -> bool:
        """Whether some matrix entries sum several connections."""
        return self.num_nonzeros != self.num_connections

    def build(self) -> Connectivity:
        """All connections as flat arrays, sorted by output unit (vectorised)."""
        out_sp, tap_sp, in_sp = _spatial_product(self.axes, self.kernel)
        s_out, s_in = math.prod(self.out_spatial), math.prod(self.in_spatial)
        if self.channels.uniform:
            per_output = [self.channels.for_output(c) for c in range(self.out_channels)]
            blocks = [(np.arange(self.out_channels, dtype=np.int64)[:, None, None],
                       np.stack([p[0] for p in per_output])[:, None, :],
                       np.stack([p[1] for p in per_output])[:, None, :])]
        else:
            blocks = [
                (np.array([[[c]]], dtype=np.int64), inputs[None, None, :], kernels[None, None, :])
                for c in range(self.out_channels)
                for inputs, kernels in [self.channels.for_output(c)]
                if len(inputs)
            ]
        spatial_divisor = None if self.divisors is None else self._spatial_divisor()[out_sp]
        total = sum(p_out.shape[0] * len(out_sp) * p_in.shape[2] for p_out, p_in, _ in blocks)
        columns = [np.empty(total, dtype=np.int64) for _ in range(3 + (self.divisors is not None))]
        start = 0
        for p_out, p_in, p_kernel in blocks:
            # Entries are laid out (output channel, spatial entry, input channel) so
            # that they come sorted by output unit; values are computed with the long
            # spatial axis innermost, (C, n, S), and transposed into place.
            channels, inputs = p_out.shape[0], p_in.shape[2]
            shape = (channels, len(out_sp), inputs)
            stop = start + math.prod(shape)
            views = [column[start:stop].reshape(shape) for column in columns]
            p_in_t, p_kernel_t = p_in.transpose(0, 2, 1), p_kernel.transpose(0, 2, 1)
            views[0][...] = np.repeat(p_out[:, 0] * s_out + out_sp[None, :], inputs, axis=1
                                      ).reshape(shape)
            views[1][...] = (p_in_t * s_in + in_sp[None, None, :]).transpose(0, 2, 1)
            param = self._param(p_out, p_in_t, p_kernel_t, out_sp[None, None, :],
                                tap_sp[None, None, :])
            views[2][...] = np.broadcast_to(param, (channels, inputs, len(out_sp))
                                            ).transpose(0, 2, 1)
            if spatial_divisor is not None:
                views[3][...] = spatial_divisor[None, :, None]
            start = stop
        out_unit, in_unit, param = columns[:3]
        divisor = columns[3] if spatial_divisor is not None else None
        return Connectivity(
            out_unit, in_unit, param, divisor, self.n_out, self.n_in, self.folded
        )

    def _param(self, p_out: Index, p_in: Index, p_kernel: Index, o: Index, tap: Index) -> Index:
        taps = math.prod(self.kernel)
        if self.weighting is Weighting.TIED:
            return p_kernel * taps + tap
        if self.weighting in (Weighting.UNTIED, Weighting.TILED):
            cells = math.prod(self._cell_shape)
            return ((p_out * cells + self._cell(o)) * self.in_channels + p_in) * taps + tap
        if self.weighting is Weighting.PER_CHANNEL:
            return p_out
        return np.full_like(p_out, -1)

    @property
    def _cell_shape(self) -> tuple[int, ...]:
        """Output positions with their own kernel: every one, or one tile's worth."""
        return self.out_spatial if self.tiles is None else self.tiles

    def _cell(self, o: Index) -> Index:
        """The kernel (tile cell) that flat output positions ``o`` use."""
        if self.tiles is None:
            return o
        position = np.unravel_index(o, self.out_spatial)
        return np.ravel_multi_index(
            tuple(p % t for p, t in zip(position, self.tiles, strict=True)), self.tiles
        )

    def _spatial_divisor(self) -> Index:
        assert self.divisors is not None
        divisor = np.ones(1, dtype=np.int64)
        for per_axis, axis in zip(self.divisors, self.axes, strict=True):
            values = per_axis(np.arange(axis.out_len, dtype=np.int64))
            divisor = (divisor[:, None] * values[None, :]).ravel()
        return divisor

    def unravel_output(self, unit: int) -> tuple[int, tuple[int, ...]]:
        """Split a flat output unit into its channel and spatial position."""
        channel, flat = divmod(int(unit), math.prod(self.out_spatial))
        position = np.unravel_index(flat, self.out_spatial) if self.axes else ()
        return channel, tuple(int(p) for p in position)

    def row(
        self, unit: int, in_channels: Index | None = None
    ) -> tuple[Index, Index, Index | None]:
        """The connections of one output unit: input units, weight indices, divisors.

        Costs a few array operations whatever the layer's size. ``in_channels``
        (sorted) keeps only the connections from those input channels.
        """
        channel, position = self.unravel_output(unit)
        windows = tuple(
            axis.restricted_to(p) for axis, p in zip(self.axes, position, strict=True)
        )
        _, kernel_taps, in_sp = _spatial_product(windows, self.kernel)
        inputs, kernels = self.channels.for_output(channel, in_channels)
        s_in = math.prod(self.in_spatial)
        flat_out = int(unit) - channel * math.prod(self.out_spatial)
        in_unit = (inputs[:, None] * s_in + in_sp[None, :]).ravel()
        param = np.broadcast_to(
            self._param(np.full_like(inputs, channel)[:, None], inputs[:, None],
                        kernels[:, None], np.array(flat_out), kernel_taps[None, :]),
            (len(inputs), len(in_sp)),
        ).ravel()
        divisor = None
        if self.divisors is not None:
            value = math.prod(int(d(np.array([p]))[0])
                              for d, p in zip(self.divisors, position, strict=True))
            divisor = np.full(len(in_unit), value, dtype=np.int64)
        return in_unit, param, divisor

    def select(self, units: Sequence[int], columns: Sequence[int] | None = None) -> Connectivity:
        """The connectivity of the given output units only (sorted), built row by row.

        With ``columns``, only the connections to those input units are kept.
        """
        channels = None
        if columns is not None:
            channels = np.unique(np.asarray(columns, dtype=np.int64)
                                 // max(1, math.prod(self.in_spatial)))
        rows = [(u, *self.row(u, channels)) for u in sorted(units)]
        empty = np.zeros(0, dtype=np.int64)
        out_unit = np.concatenate(
            [np.full(len(r[1]), r[0], dtype=np.int64) for r in rows] or [empty]
        )
        in_unit = np.concatenate([r[1] for r in rows] or [empty])
        param = np.concatenate([r[2] for r in rows] or [empty])
        divisor = None
        if self.divisors is not None:
            divisor = np.concatenate([r[3] for r in rows] or [empty])
        conn = Connectivity(out_unit, in_unit, param, divisor, self.n_out, self.n_in, self.folded)
        return conn if columns is None else conn.where(np.isin(conn.in_unit, columns))

    def inputs_of(self, unit: int) -> Index:
        """Sorted distinct input units that output ``unit`` reads."""
        return np.unique(self.row(unit)[0])

    def bias_index(self) -> Index | None:
        """For each output unit, the index of its bias parameter (or ``None``)."""
        if self.bias is None:
            return None
        if self.bias is BiasSharing.PER_CHANNEL:
            return np.repeat(
                np.arange(self.out_channels, dtype=np.int64), math.prod(self.out_spatial)
            )
        if self.bias is BiasSharing.PER_TILE:
            channel = np.arange(self.out_channels, dtype=np.int64)[:, None]
            cell = self._cell(np.arange(math.prod(self.out_spatial), dtype=np.int64))
            return (channel * math.prod(self._cell_shape) + cell[None, :]).ravel()
        return np.arange(self.n_out, dtype=np.int64)
