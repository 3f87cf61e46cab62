"""Which outputs and inputs a connectivity figure shows: all of them, or a labelled part.

A layer too big to read is cut automatically to its first output channel and a
small window of output positions; the inputs shown are the ones those outputs
read. Every cut is reported in words, so the figure says what it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.connectivity import Connectivity
from symconv.errors import SymconvError
from symconv.plots.entries import Entries, entries_of, joined, row_connections
from symconv.plots.layout import GridView, layout_shape

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["MAX_LINES", "MAX_OUTPUTS", "Selection", "dense_beside", "select"]

MAX_OUTPUTS = 64
"""Most output units drawn before a figure shows a part of the output."""
MAX_LINES = 20_000
"""Most connections drawn before a figure shows a part of the output."""
AUTO_WINDOW = 3
"""Side of the output window shown of a layer too big to draw (rows and columns)."""
AUTO_WINDOW_ROW = 12
"""Length of the output window shown of a one-row output too big to draw."""
MAX_INPUT_SLICES = 4
"""Most input channels drawn side by side."""
MAX_INPUT_SIDE = 32
"""Most input rows (and columns) drawn."""


@dataclass(frozen=True)
class Selection:
    """The shown output and input views and the entries drawn between them."""

    out_shape: tuple[int, ...]
    """The output's shape as labelled (``h_{1,1}`` ...)."""
    out_view: GridView
    in_view: GridView
    entries: Entries
    hidden: int
    """Connections of shown outputs to inputs outside the input view (not drawn)."""

    def notes(self) -> str:
        """What the figure leaves out, one line per side, or ``""``."""
        lines = [self.out_view.describe("shown outputs"), self.in_view.describe("inputs")]
        if self.hidden:
            lines.append(f"{self.hidden:,} connections to inputs outside the view not drawn")
        return "\n".join(line for line in lines if line)


def _channel_list(value: Any, count: int, name: str) -> tuple[int, ...]:
    values = [value] if isinstance(value, (int, np.integer)) else list(value)
    if not values or not all(isinstance(v, (int, np.integer)) and 0 <= v < count
                             for v in values):
        raise SymconvError(f"{name}={value!r} must be channel indices in 0..{count - 1}")
    return tuple(sorted({int(v) for v in values}))


def _window(value: Any, rows: int, cols: int) -> tuple[range, range]:
    """Rows and columns of a ``window`` of slices or ``(start, stop)`` pairs, one per axis."""
    axes = [value] if isinstance(value, slice) else list(value)
    lengths = (rows, cols) if rows > 1 else (cols,)
    if len(axes) != len(lengths):
        raise SymconvError(
            f"window={value!r} needs one slice or (start, stop) pair per output axis "
            f"({len(lengths)})"
        )
    ranges = []
    for axis, n in zip(axes, lengths, strict=True):
        window = axis if isinstance(axis, slice) else slice(*axis)
        start, stop, step = window.indices(n)
        if step != 1 or start >= stop:
            raise SymconvError(f"window={value!r} selects no outputs of an axis of length {n}")
        ranges.append(range(start, stop))
    return (ranges[0], ranges[1]) if rows > 1 else (range(1), ranges[0])


def _span(lo: int, hi: int, length: int, whole: bool) -> range:
    """Input positions ``lo..hi`` (or all), at most :data:`MAX_INPUT_SIDE` of them."""
    if whole or hi < lo:
        return range(min(length, MAX_INPUT_SIDE))
    return range(lo, min(hi + 1, lo + MAX_INPUT_SIDE))


def _input_view(
    shape: tuple[int, int, int], reads: list[np.ndarray], in_channels: Any, whole: bool
) -> GridView:
    """The inputs to show: the channels and the window the given reads span (linear time)."""
    read = np.zeros(shape[0], dtype=bool)
    lo, hi = [shape[1], shape[2]], [-1, -1]
    for units in reads:
        s, r, c = np.unravel_index(units, shape)
        read[s] = True
        for axis, positions in enumerate((r, c)):
            if len(positions):
                lo[axis] = min(lo[axis], int(positions.min()))
                hi[axis] = max(hi[axis], int(positions.max()))
    if in_channels is None:
        slices = tuple(np.flatnonzero(read)[:MAX_INPUT_SLICES].tolist()) or (0,)
    else:
        slices = _channel_list(in_channels, shape[0], "in_channels")
    return GridView(shape, slices, _span(lo[0], hi[0], shape[1], whole),
                    _span(lo[1], hi[1], shape[2], whole))


def select(
    layer: Layer,
    out_shape: Sequence[int] | None = None,
    *,
    channels: Any = None,
    in_channels: Any = None,
    window: Any = None,
) -> Selection:
    """The views and entries of a connectivity figure, cut automatically when too big.

    ``out_shape`` lays out the output (default ``layer.out_shape``); a dense layer
    drawn beside a convolution takes the convolution's.

    Examples
    --------
    >>> import symconv as sc
    >>> selection = select(sc.Conv2d((1, 28, 28), 8, 3))
    >>> print(selection.notes())
    shown outputs: channel 1 of 8, rows 1–3 of 26, columns 1–3 of 26
    inputs: rows 1–5 of 28, columns 1–5 of 28
    """
    labelled = tuple(layer.out_shape if out_shape is None else out_shape)
    shape = layout_shape(labelled)
    n_slices, n_rows, n_cols = shape
    per_unit = layer.num_weight_connections / max(layer.n_out, 1)

    def too_big(units: int) -> bool:
        return units > MAX_OUTPUTS or units * per_unit > MAX_LINES

    slices = (tuple(range(n_slices)) if channels is None
              else _channel_list(channels, n_slices, "channels"))
    rows, cols = (range(n_rows), range(n_cols)) if window is None else _window(
        window, n_rows, n_cols
    )
    if channels is None and too_big(len(slices) * len(rows) * len(cols)):
        slices = slices[:1]
    if window is None and too_big(len(slices) * n_rows * n_cols):
        if n_rows > 1:
            rows, cols = range(min(n_rows, AUTO_WINDOW)), range(min(n_cols, AUTO_WINDOW))
        else:
            cols = range(min(n_cols, AUTO_WINDOW_ROW))
    out_view = GridView(shape, slices, rows, cols)
    in_shape = layout_shape(layer.in_shape)
    if out_view.complete:
        conn = layer.connectivity
        in_view = _input_view(in_shape, [conn.in_unit], in_channels, whole=True)
        keep = in_view.locate(conn.in_unit)[0]
        shown, hidden = conn.where(keep), int((~keep).sum())
    else:  # row by row: a dense layer's rows can be millions of connections long
        units = out_view.units.tolist()
        reads = [layer.structure.row(u) for u in units]
        in_view = _input_view(in_shape, [r[0] for r in reads], in_channels, whole=False)
        parts = [row_connections(layer, u, *r).where(in_view.locate(r[0])[0])
                 for u, r in zip(units, reads, strict=True)]
        shown = joined(layer, parts)
        hidden = sum(len(r[0]) for r in reads) - len(shown)
    return Selection(labelled, out_view, in_view, entries_of(shown), hidden)



def dense_beside(dense: Layer, beside: Selection) -> Selection:
    """The dense layer's part of a comparison: the outputs and inputs ``beside`` shows.

    Every shown output joins every shown input, built from the two views alone
    (a dense row of a large layer has millions of entries; only the shown ones
    are made). Weight ``(i, j)`` of a dense layer is parameter ``i * n_in + j``.

    Examples
    --------
    >>> import symconv as sc
    >>> conv = sc.Conv2d((1, 28, 28), 8, 3)
    >>> part = dense_beside(sc.Dense(conv.in_shape, conv.n_out), select(conv))
    >>> len(part.entries), part.in_view == select(conv).in_view
    (225, True)
    """
    out_units, in_units = beside.out_view.units, beside.in_view.units
    out_unit = np.repeat(out_units, len(in_units))
    in_unit = np.tile(in_units, len(out_units))
    conn = Connectivity(out_unit, in_unit, out_unit * dense.n_in + in_unit, None, dense.n_out,
                        dense.n_in, False)
    hidden = len(out_units) * (dense.n_in - len(in_units))
    return Selection(beside.out_shape, beside.out_view, beside.in_view, entries_of(conn), hidden)
