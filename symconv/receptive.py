"""Receptive fields across layers: exactly which inputs a deep unit depends on.

The exact set
    A layer's connectivity pattern (which input feeds which output) is the
    Kronecker product of a channel pattern and one pattern per spatial axis
    (see :class:`~symconv.connectivity.Structure`). So the dependency set of one
    output unit is a *box*: a set of channels times a set of positions per axis,
    and going back through a layer maps a box to a box, factor by factor: each
    axis's indicator vector is multiplied by that axis's 0/1 pattern matrix
    (``scipy.sparse``), and the channels follow the layer's channel pairs. This
    is the boolean product of the layers' pattern matrices, taken backward from
    the output unit's row, without ever building a full pattern matrix (a
    VGG-16 layer's has billions of entries). Where a layer regroups units
    (``Flatten``, a ``Dense`` reading a multi-axis input) the set is re-read in
    the new shape, split into several boxes if it is not one.

The analytic figures
    For chains of window layers (convolution, pooling, locally connected,
    elementwise) receptive-field calculators report, per spatial axis, the
    field's *size* ``r``, its *jump* ``j`` (the distance in input units between
    the fields of neighbouring output units: the product of the strides) and
    its *start* (the input position of the field's first unit, negative where
    it reaches into padding). Araujo, Norris and Sim, "Computing receptive
    fields of convolutional neural networks", Distill 2019, give the recursion
    used here, forward from the input (``r = 1, j = 1, start = 0``)::

        r_l = r_{l-1} + d_l (k_l - 1) j_{l-1}      (dilation d: extent d (k - 1) + 1)
        start_l = start_{l-1} - p_l j_{l-1}        (p_l: padding before)
        j_l = j_{l-1} s_l

    equivalent to their backward form ``r_{l-1} = s_l r_l + (k_l - s_l)``. A
    ``Dense`` layer sees the whole input (size = input length, jump 0, start 0).
    The formulas do not apply to transposed convolutions (an output reads a
    number of inputs that depends on its position modulo the stride), so from
    one on the analytic figures are ``None``; the exact set is always given.
    For an interior unit (its analytic field inside the input) the exact set
    spans exactly ``[start, start + size - 1]`` along each axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse

from symconv.connectivity import AxisMap, ChannelPairs, Structure
from symconv.conv import ConvGeometry
from symconv.dense import Dense
from symconv.errors import LayerConfigError
from symconv.layer import Layer
from symconv.normalization import _BatchNormNd
from symconv.pooling import PoolGeometry
from symconv.residual import Residual
from symconv.structural import Flatten, Identity, _Elementwise

__all__ = [
    "AxisField",
    "ReceptiveField",
    "analytic_fields",
    "dependency_sets",
    "trace_receptive_field",
]

Box = tuple[np.ndarray, ...]
"""A set of units that is a product: sorted indices per axis of a shape."""

WINDOW_GEOMETRIES = (ConvGeometry, PoolGeometry)
ONE_TO_ONE = (_Elementwise, _BatchNormNd, Flatten, Identity)


# --- the exact set -------------------------------------------------------------------
def _axis_inputs(axis: AxisMap, positions: np.ndarray) -> np.ndarray:
    """Input positions that the given output positions read along one axis."""
    pattern = scipy.sparse.csr_array(
        (np.ones(len(axis.out_pos), dtype=np.int64), (axis.out_pos, axis.in_pos)),
        shape=(axis.out_len, axis.in_len),
    )
    indicator = np.zeros(axis.out_len, dtype=np.int64)
    indicator[positions] = 1
    return np.flatnonzero(pattern.T @ indicator)


def _channel_inputs(pairs: ChannelPairs, channels: np.ndarray) -> np.ndarray:
    """Input channels that the given output channels read."""
    if pairs.table is None:  # channels of one group read the same inputs: ask one each
        per_group = pairs.out_channels // pairs.groups
        channels = np.unique(channels // per_group) * per_group
    return np.unique(np.concatenate([pairs.for_output(int(c))[0] for c in channels]))


def _back_through(structure: Structure, box: Box) -> Box:
    """The inputs that a box of output units reads (a box of input units)."""
    spatial = tuple(
        _axis_inputs(axis, positions)
        for axis, positions in zip(structure.axes, box[1:], strict=True)
    )
    return (_channel_inputs(structure.channels, box[0]), *spatial)


def _flat(boxes: list[Box], shape: tuple[int, ...]) -> np.ndarray:
    """Sorted flat indices of the union of boxes."""
    parts = [np.ravel_multi_index(np.ix_(*box), shape).ravel() for box in boxes]
    return parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))


def _boxes_of(coords: tuple[np.ndarray, ...]) -> list[Box]:
    """Split a set of distinct units (given by their coordinates) into boxes."""
    box = tuple(np.unique(c) for c in coords)
    if math.prod(len(b) for b in box) == len(coords[0]):
        return [box]
    return [
        (np.array([value]), *rest)
        for value in box[0].tolist()
        for rest in _boxes_of(tuple(c[coords[0] == value] for c in coords[1:]))
    ]


def _regroup(boxes: list[Box], shape: tuple[int, ...], new: tuple[int, ...]) -> list[Box]:
    """The same units, read in another shape of the same size."""
    if shape == new:
        return boxes
    return _boxes_of(np.unravel_index(_flat(boxes, shape), new))


def _level_boxes(layers: Sequence[Layer], unit: int) -> list[tuple[list[Box], tuple[int, ...]]]:
    """The dependency set of ``unit`` at every level, input first, as boxes in a shape."""
    shape = layers[-1].out_shape
    boxes = [tuple(np.array([i]) for i in np.unravel_index(unit, shape))]
    levels = [(boxes, shape)]
    for layer in reversed(layers):
        if isinstance(layer, Residual):  # two paths: read the union off its pattern
            rows = layer.pattern()[_flat(boxes, shape), :]
            boxes = _boxes_of(np.unravel_index(np.unique(rows.indices), layer.in_shape))
            shape = layer.in_shape
            levels.append((boxes, shape))
            continue
        structure = layer.structure
        view = (structure.out_channels, *structure.out_spatial)
        inputs = [_back_through(structure, box) for box in _regroup(boxes, shape, view)]
        unique = {tuple(b.tobytes() for b in box): box for box in inputs}
        boxes, shape = list(unique.values()), (structure.in_channels, *structure.in_spatial)
        levels.append((boxes, shape))
    return levels[::-1]


def dependency_sets(layers: Sequence[Layer], unit: int | Sequence[int]) -> list[np.ndarray]:
    """For each level, input first, the units (flat, sorted) that output ``unit`` depends on.

    Level 0 is the network's input, level ``l`` the output of layer ``l``;
    the last level holds ``unit`` alone.

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.Sequential.build((1, 6), (sc.Conv1d, 1, 3), (sc.Conv1d, 1, 2))
    >>> [s.tolist() for s in dependency_sets(net, 1)]
    [[1, 2, 3, 4], [1, 2], [1]]
    """
    flat_unit = layers[-1].output_unit(unit)
    return [_flat(boxes, shape) for boxes, shape in _level_boxes(layers, flat_unit)]


# --- the analytic figures ------------------------------------------------------------
@dataclass(frozen=True)
class AxisField:
    """The analytic receptive field along one input axis (Araujo et al., 2019).

    Output position ``i`` of the layer sees input positions
    ``start + i * jump`` to ``start + i * jump + size - 1``.

    Examples
    --------
    >>> import symconv as sc
    >>> (field,) = analytic_fields([sc.Conv1d((1, 9), 1, 3, stride=2, padding=1)])[0]
    >>> field
    AxisField(size=3, jump=2, start=-1)
    """

    size: int
    jump: int
    start: int


def _window(layer: Layer) -> list[tuple[int, int, int, int]] | None:
    """Per axis ``(kernel, stride, dilation, padding before)`` of a window layer."""
    geometry = getattr(layer, "geometry", None)
    if not isinstance(geometry, WINDOW_GEOMETRIES):
        return None
    dims = len(geometry.kernel)
    dilation = getattr(geometry, "dilation", (1,) * dims)
    pads = [p if isinstance(p, int) else p[0] for p in geometry.padding]
    return list(zip(geometry.kernel, geometry.stride, dilation, pads, strict=True))


def _next_field(
    field: tuple[AxisField, ...] | None, layer: Layer, in_spatial: tuple[int, ...]
) -> tuple[AxisField, ...] | None:
    if isinstance(layer, Dense):
        return tuple(AxisField(n, 0, 0) for n in in_spatial)
    if field is None or isinstance(layer, ONE_TO_ONE):
        return field
    window = _window(layer)
    if window is None:
        return None
    return tuple(
        AxisField(f.size + d * (k - 1) * f.jump, f.jump * s, f.start - p * f.jump)
        for f, (k, s, d, p) in zip(field, window, strict=True)
    )


def analytic_fields(layers: Sequence[Layer]) -> list[tuple[AxisField, ...] | None]:
    """The analytic receptive field after each layer, per spatial axis of the input.

    ``None`` where the formulas do not apply (from a transposed convolution on).

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.Sequential.build((1, 32, 32), (sc.Conv2d, 1, 3, {"padding": 1}),
    ...                           (sc.MaxPool2d, 2), (sc.Conv2d, 1, 3, {"dilation": 2}))
    >>> [f[0] for f in analytic_fields(net)]  # doctest: +NORMALIZE_WHITESPACE
    [AxisField(size=3, jump=1, start=-1), AxisField(size=4, jump=2, start=-1),
     AxisField(size=12, jump=2, start=-1)]
    """
    in_spatial = layers[0].in_shape[1:]
    field: tuple[AxisField, ...] | None = tuple(AxisField(1, 1, 0) for _ in in_spatial)
    fields = []
    for layer in layers:
        field = _next_field(field, layer, in_spatial)
        fields.append(field)
    return fields


def _position_shape(layers: Sequence[Layer]) -> tuple[int, ...] | None:
    """The shape in which the last layer's units have spatial positions of the input's rank.

    Elementwise layers and ``Flatten`` keep unit numbers, so an earlier layer's
    shape serves; after a ``Dense`` positions do not matter (jump 0): ``None``.
    """
    shape: tuple[int, ...] | None = layers[0].in_shape
    for layer in layers:
        if isinstance(layer, Dense):
            shape = None
        elif len(layer.out_shape) == len(layers[0].in_shape):
            shape = layer.out_shape
    return shape


# --- the result ----------------------------------------------------------------------
@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field of one output unit of a network, exact and analytic.

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.Sequential.build((1, 8, 8), (sc.Conv2d, 1, 3), (sc.Conv2d, 1, 3))
    >>> field = trace_receptive_field(net, (0, 1, 1))
    >>> len(field.units), field.span, field.size, field.interior
    (25, ((1, 5), (1, 5)), (5, 5), True)
    """

    unit: int
    """The output unit (flat, 0-based)."""
    units: tuple[int, ...]
    """The input units it depends on (flat, 0-based, sorted): the exact set."""
    in_shape: tuple[int, ...]
    """Shape of the network's input."""
    span: tuple[tuple[int, int], ...] | None
    """First and last input position of the exact set per spatial axis (``None`` if empty).

    A unit whose window lies wholly in zero padding depends on no input.
    """
    size: tuple[int, ...] | None
    """Analytic size per spatial axis (``None`` where the formulas do not apply)."""
    jump: tuple[int, ...] | None
    """Analytic jump (effective stride) per spatial axis."""
    start: tuple[int, ...] | None
    """Analytic first input position of this unit's field per axis (may be negative)."""

    @property
    def interior(self) -> bool:
        """Whether the analytic field lies inside the input along every axis."""
        if self.size is None or self.start is None:
            return False
        return all(
            s >= 0 and s + r <= n
            for s, r, n in zip(self.start, self.size, self.in_shape[1:], strict=True)
        )

    def mask(self) -> np.ndarray:
        """A boolean array of the input's shape, true on the receptive field.

        Examples
        --------
        >>> import symconv as sc
        >>> net = sc.Sequential(sc.Conv1d((1, 5), 1, 2))
        >>> net.receptive_field_details(1).mask()
        array([[False,  True,  True, False, False]])
        """
        flat = np.zeros(math.prod(self.in_shape), dtype=bool)
        flat[list(self.units)] = True
        return flat.reshape(self.in_shape)


def check_chain(layers: Sequence[Layer]) -> None:
    """Refuse ``layers`` unless it is a Sequential or a list of layers that join up."""
    from symconv.network import Sequential

    if not isinstance(layers, Sequential):
        if isinstance(layers, str | bytes) or not isinstance(layers, Sequence):
            raise LayerConfigError(f"layers={layers!r} must be a Sequential or a list of layers")
        Sequential(*layers)  # checks that they are layers and join up


def trace_receptive_field(layers: Sequence[Layer], unit: int | Sequence[int]) -> ReceptiveField:
    """The exact receptive field of one output unit, with its analytic size, jump and start.

    ``layers`` is a :class:`~symconv.Sequential` (or a list of layers that join
    up); ``unit`` is a flat 0-based index or ``(channel, *position)``.

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.Sequential.build((1, 10), (sc.Conv1d, 1, 3, {"dilation": 2}))
    >>> field = trace_receptive_field(net, 0)
    >>> field.units, field.span, field.size
    ((0, 2, 4), ((0, 4),), (5,))
    >>> trace_receptive_field([sc.Conv1d((1, 5), 1, 3), sc.Conv1d((1, 9), 1, 3)], 0)
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeMismatchError: layer 2 (Conv1d) expects in_shape (1, 9), but layer 1 ...
    """
    check_chain(layers)
    flat_unit = layers[-1].output_unit(unit)
    boxes, shape = _level_boxes(layers, flat_unit)[0]
    units = _flat(boxes, shape)
    in_shape = layers[0].in_shape
    positions = np.unravel_index(units, in_shape)[1:]
    span = tuple((int(p.min()), int(p.max())) for p in positions) if len(units) else None
    field = analytic_fields(layers)[-1]
    if field is None:
        return ReceptiveField(flat_unit, tuple(units.tolist()), in_shape, span, None, None, None)
    position_shape = _position_shape(layers)
    where = (0,) * len(field) if position_shape is None else tuple(
        int(i) for i in np.unravel_index(flat_unit, position_shape)[1:]
    )
    return ReceptiveField(
        flat_unit,
        tuple(units.tolist()),
        in_shape,
        span,
        tuple(f.size for f in field),
        tuple(f.jump for f in field),
        tuple(f.start + i * f.jump for f, i in zip(field, where, strict=True)),
    )
