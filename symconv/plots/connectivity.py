"""Connectivity diagrams: input and output grids, a line per connection, a colour per weight."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.plots.figures import axes_size, new_axes, plot_function
from symconv.plots.labels import geometry_caption, input_name, output_name
from symconv.plots.layout import Plane
from symconv.plots.legend import draw_key, fit_legend
from symconv.plots.selection import Selection, select
from symconv.plots.style import (
    ParameterColors,
    cell_edge,
    cell_face,
    clean_axes,
    fitting_size,
    font_size,
    ink,
    muted_ink,
    set_titles,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from symconv.layer import Layer

__all__ = ["connectivity_figure", "diagram_size", "plot_connectivity"]

MAX_LABELLED_CELLS = 64
"""Most cells of a plane that get unit labels (when labels are automatic)."""
POINTS_PER_CELL = 38.0
"""Page size of a cell, in points, in a figure made to fit a small diagram."""


def _fit(out_pos: np.ndarray, in_pos: np.ndarray) -> tuple[float, float]:
    """Fit ``mean input position read = slope * output position + offset`` over the outputs."""
    outputs, inverse = np.unique(out_pos, return_inverse=True)
    if not len(outputs):
        return 0.0, 0.0
    centroid = np.bincount(inverse, weights=in_pos) / np.bincount(inverse)
    if len(outputs) < 2:
        return 1.0, float(centroid[0] - outputs[0])
    slope, offset = np.polyfit(outputs.astype(float), centroid, 1)
    return float(slope), float(offset)


def _planes(selection: Selection) -> tuple[Plane, Plane]:
    """The input plane on the table and the output plane above the inputs it reads.

    Output cells are as large as the stride, so that each output sits over the
    middle of its receptive field. Outputs without a spatial order (dense) are
    spread evenly over the input.
    """
    in_view, out_view, entries = selection.in_view, selection.out_view, selection.entries
    flat = in_view.shape[1] == 1 and out_view.shape[1] == 1
    in_plane = Plane(len(in_view.slices), len(in_view.rows), len(in_view.cols), flat=flat)
    _, _, in_r, in_c = in_view.locate(entries.in_unit)
    _, _, out_r, out_c = out_view.locate(entries.out_unit)
    (col_slope, col_offset), (row_slope, row_offset) = _fit(out_c, in_c), _fit(out_r, in_r)
    slope = min(col_slope, row_slope) if len(out_view.rows) > 1 else col_slope
    ordered = slope >= 0.5
    if not ordered:
        slope = len(in_view.cols) / len(out_view.cols)
        if len(out_view.rows) > 1 and len(in_view.rows) > 1:
            slope = min(slope, len(in_view.rows) / len(out_view.rows))
    pitch = float(np.clip(slope, 1.0, 8.0))
    out_rows, out_cols = len(out_view.rows), len(out_view.cols)
    out_plane = Plane(len(out_view.slices), out_rows, out_cols, pitch=pitch, gap=1 / pitch)
    u0 = (in_plane.width - out_plane.width) / 2
    v0 = (in_plane.depth - out_plane.depth) / 2
    if ordered and len(in_view.slices) == len(out_view.slices) == 1:
        # the mean output sits over its fitted receptive-field centre
        o_c, o_r = out_c.mean(), out_r.mean()
        u0 = col_slope * o_c + col_offset + 0.5 - pitch * (o_c + 0.5)
        v0 = in_plane.rows - 0.5 - (row_slope * o_r + row_offset) - pitch * (out_rows - 0.5 - o_r)
    # the output's lowest page point keeps a clearance above the input's highest
    clearance = max(2.5 if flat else 2.0, 0.3 * in_plane.width ** 0.8)
    z = in_plane.squash * (in_plane.depth - v0) + clearance
    return in_plane, Plane(len(out_view.slices), out_rows, out_cols, pitch=pitch, u0=u0, v0=v0,
                           z=z, flat=flat, gap=1 / pitch)


def _extent(in_plane: Plane, out_plane: Plane) -> tuple[float, float]:
    """Page width and height of a diagram, in data units."""
    width = max(in_plane.width, out_plane.width) + in_plane.shear * in_plane.depth
    height = out_plane.z + out_plane.squash * (out_plane.v0 + out_plane.depth)
    return width, height


def _points_per_unit(ax: Axes, in_plane: Plane, out_plane: Plane) -> float:
    """About how many points one data unit will span in ``ax`` (equal aspect)."""
    width, height = _extent(in_plane, out_plane)
    room_w, room_h = axes_size(ax)
    return min(0.8 * room_w / width, 0.75 * room_h / height)


def _draw_plane(ax: Axes, plane: Plane, zorder: float) -> None:
    from matplotlib.collections import PolyCollection

    ax.add_collection(PolyCollection(
        list(plane.cell_polygons()), facecolors=cell_face(), edgecolors=cell_edge(),
        linewidths=0.7, zorder=zorder,
    ))
    ax.add_collection(PolyCollection(
        [plane.outline(k) for k in range(plane.n_slices)], facecolors="none", edgecolors=ink(),
        linewidths=1.1, zorder=zorder + 0.1,
    ))


def _draw_labels(ax: Axes, plane: Plane, labels: Sequence[str], scale: float) -> None:
    """Unit names at cell centres, as large as fits a cell at ``scale`` points per unit."""
    room = (0.8 * plane.pitch * scale, plane.pitch * plane.squash * scale)
    size = fitting_size(labels, room, font_size("label"))
    if size is None:
        return
    rank, r, c = (a.ravel() for a in np.indices((plane.n_slices, plane.rows, plane.cols)))
    x, y = plane.centres(rank, r, c)
    box = {"boxstyle": "round,pad=0.12", "facecolor": cell_face(), "edgecolor": "none",
           "alpha": 0.9}
    for xi, yi, text in zip(x.tolist(), y.tolist(), labels, strict=True):
        ax.text(xi, yi, text, ha="center", va="center", fontsize=size, color=ink(), zorder=4,
                bbox=box, in_layout=False)  # inside the axes: the layout need not measure it


def _caption(ax: Axes, plane: Plane, text: str) -> None:
    """A small caption left of a plane (``input 1×4×4``)."""
    x, y = plane.project(np.array([plane.u0]), np.array([plane.v0 + plane.depth / 2]))
    ax.text(float(x[0]) - 0.35, float(y[0]), text, ha="right", va="center",
            fontsize=font_size("small"), color=muted_ink())


def _draw(ax: Axes, layer: Layer, selection: Selection, legend: bool, labels: bool | None) -> None:
    """Draw a selection's planes, connections, labels and key onto ``ax``."""
    from matplotlib.collections import LineCollection

    out_view, in_view, entries = selection.out_view, selection.in_view, selection.entries
    in_plane, out_plane = _planes(selection)
    x0, y0 = out_plane.centres(*out_view.locate(entries.out_unit)[1:])
    x1, y1 = in_plane.centres(*in_view.locate(entries.in_unit)[1:])
    if in_plane.flat:  # rows of units: lines join the facing edges
        y0, y1 = y0 - out_plane.pitch / 2, y1 + in_plane.pitch / 2
    colors = ParameterColors.of(entries.key, layer.num_weight_parameters)
    n = len(entries)
    lines = LineCollection(
        list(np.stack([np.stack([x0, y0], -1), np.stack([x1, y1], -1)], axis=1)),
        colors=colors.rgba(entries.key),
        linewidths=1.8 if n <= 64 else 1.2 if n <= 512 else 0.6 if n <= 4096 else 0.3,
        alpha=0.9 if n <= 512 else 0.55, zorder=2, capstyle="round",
    )
    lines.set_gid("connections")
    _draw_plane(ax, in_plane, zorder=1)
    _draw_plane(ax, out_plane, zorder=1.5)
    ax.add_collection(lines)
    scale = _points_per_unit(ax, in_plane, out_plane)
    if labels if labels is not None else len(in_view.units) <= MAX_LABELLED_CELLS:
        _draw_labels(ax, in_plane, [input_name(u) for u in in_view.units.tolist()], scale)
    if labels if labels is not None else len(out_view.units) <= MAX_LABELLED_CELLS:
        names = [output_name(selection.out_shape, u) for u in out_view.units.tolist()]
        _draw_labels(ax, out_plane, names, scale)
    _caption(ax, in_plane, "input " + "×".join(map(str, layer.in_shape)))
    _caption(ax, out_plane, "output " + "×".join(map(str, selection.out_shape)))
    ax.autoscale_view()
    clean_axes(ax)
    if legend:
        draw_key(ax, layer, colors, entries.key)


def diagram_size(selection: Selection, max_width: float = 9.0) -> tuple[float, float]:
    """Figure size in inches that shows a selection's diagram at a readable scale."""
    width, height = _extent(*_planes(selection))
    scale = min(POINTS_PER_CELL, max_width * 72 / width) / 72
    notes = selection.notes()
    text_height = 1.2 + (0.3 + 0.2 * notes.count("\n") if notes else 0.0)
    return max(4.5, width * scale + 0.6), height * scale + text_height


def connectivity_figure(
    layer: Layer,
    selection: Selection,
    ax: Axes | None,
    *,
    legend: bool = True,
    labels: bool | None = None,
    name: str | None = None,
) -> Axes:
    """Draw a selection into ``ax`` (or a figure sized for it), titled with the layer's counts."""
    created = ax is None
    ax = new_axes(ax, diagram_size(selection))
    _draw(ax, layer, selection, legend, labels)
    if created:
        fit_legend(ax)
    notes = selection.notes()
    counts = "\n".join(filter(None, [
        geometry_caption(layer),
        f"{layer.num_parameters:,} parameters · {layer.num_connections:,} connections",
    ]))
    set_titles(ax, (name or layer.short_repr()).replace("->", "→"),
               counts + (f"\n{notes}" if notes else ""))
    return ax


@plot_function()
def plot_connectivity(
    layer: Layer,
    ax: Axes | None = None,
    *,
    channels: int | Sequence[int] | None = None,
    in_channels: int | Sequence[int] | None = None,
    window: Any = None,
    legend: bool = True,
    labels: bool | None = None,
    style: Any = None,
) -> Axes:
    """Draw which input feeds which output, one line per connection, one colour per weight.

    The input grid lies flat (seen obliquely) with the output grid above it; a
    line joins each output to each input it reads, coloured by the weight on that
    connection. A convolution shows its few colours repeating; a dense layer
    shows every line in a colour of its own. Up to ten weights get palette colours
    and a legend of their symbols (``w_{1,1}`` ...). With more, a legend would be
    useless: every weight still gets its own colour, from a continuous colormap
    over the weight index, keyed by a colorbar. Entries that sum several weights
    (folded padding) are dark grey, parameter-free entries (pooling) grey.

    One-dimensional inputs are drawn as rows, channels side by side, and
    three-dimensional inputs as one grid per (channel, depth) pair. A layer too
    big to read is cut to its first output channel and a window of outputs, and
    the subtitle says what is shown.

    Parameters
    ----------
    layer
        Any symconv layer.
    ax
        Axes to draw into; by default a new figure sized to the diagram.
    channels
        Output channels (0-based) to draw; by default all, or the first when too many.
    in_channels
        Input channels to draw; by default those the shown outputs read (up to four).
    window
        Output positions to draw: one ``slice`` (or ``(start, stop)`` pair) per
        spatial axis of the output, 0-based, e.g. ``(slice(0, 3), slice(0, 3))``.
    legend
        Draw the legend (or colorbar) of the weights.
    labels
        Write unit names (``x_1``, ``h_{1,1}`` ...) in the cells; by default only
        in small grids, at a size that fits.
    style
        A matplotlib style (name, file or dict) applied while drawing, e.g.
        ``"dark_background"``; by default the current rcParams.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn into. The connections are one
        :class:`~matplotlib.collections.LineCollection` with the gid ``"connections"``,
        one segment per nonzero matrix entry, ordered by output unit, then input unit.

    Examples
    --------
    >>> import symconv as sc
    >>> ax = sc.plot_connectivity(sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False))
    >>> ax.get_title()
    'Conv2d((1, 4, 4) → (1, 2, 2))'
    >>> [len(c.get_segments()) for c in ax.collections if c.get_gid() == "connections"]
    [16]
    """
    selection = select(layer, channels=channels, in_channels=in_channels, window=window)
    return connectivity_figure(layer, selection, ax, legend=legend, labels=labels)
