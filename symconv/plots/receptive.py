"""Receptive fields: one output unit lit, the input cells it reads coloured by their weights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.errors import SymconvError
from symconv.layer import Layer
from symconv.plots.entries import Entries, entry_texts, matrix_entries
from symconv.plots.figures import axes_size, check_drawable, new_axes, plot_function
from symconv.plots.labels import geometry_caption, input_name, output_label, output_name
from symconv.plots.layout import GridView, Plane, layout_shape
from symconv.plots.legend import draw_key, fit_legend
from symconv.plots.panels import around, draw_panel
from symconv.plots.style import (
    HIGHLIGHT,
    ParameterColors,
    clean_axes,
    distinct,
    font_size,
    muted_ink,
    paper,
    set_titles,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from symconv.network import Sequential

__all__ = ["ReceptivePanels", "grids_extent", "plot_receptive_field", "receptive_views"]

GAP = 2.5
"""Space between the input and the output grid, in cells."""
MAX_NAMED_WEIGHTS = 50_000
"""Layers with more weights show them by colour only (naming them all would be slow)."""
SAMPLE = 16
"""Entries whose texts size the font of the input cells."""


def _planes(in_view: GridView, out_view: GridView) -> tuple[Plane, Plane]:
    """Flat input grid on the left, output grid on the right, centred on the same height."""
    in_plane = Plane(len(in_view.slices), len(in_view.rows), len(in_view.cols), flat=True)
    out_plane = Plane(len(out_view.slices), len(out_view.rows), len(out_view.cols), flat=True,
                      u0=in_plane.width + GAP, z=(in_plane.depth - len(out_view.rows)) / 2)
    return in_plane, out_plane


def grids_extent(in_view: GridView, out_view: GridView) -> tuple[float, float]:
    """Width and height of the two grids, in cells."""
    in_plane, out_plane = _planes(in_view, out_view)
    return out_plane.u0 + out_plane.width, max(in_plane.depth, out_plane.depth)


class ReceptivePanels:
    """The input and output grids of a layer side by side, ready to light one unit at a time."""

    def __init__(self, ax: Axes, layer: Layer, in_view: GridView, out_view: GridView) -> None:
        self.layer = layer
        in_plane, out_plane = _planes(in_view, out_view)
        width, depth = grids_extent(in_view, out_view)
        room_w, room_h = axes_size(ax)
        scale = 0.9 * min(room_w / width, room_h / depth)
        weights = []  # a sample of the texts the input cells will hold, to size the font
        if layer.num_weight_parameters <= MAX_NAMED_WEIGHTS:
            first = matrix_entries(layer, np.array([0]))
            weights = entry_texts(layer, first.where(np.arange(len(first)) < SAMPLE))
        self.inputs = draw_panel(ax, in_view, in_plane,
                                 [input_name(u) for u in in_view.units.tolist()], scale,
                                 "inputs", weights)
        self.outputs = draw_panel(ax, out_view, out_plane,
                                  [output_name(layer.out_shape, u)
                                   for u in out_view.units.tolist()], scale, "outputs")

    def light(self, unit: int, entries: Entries, colors: ParameterColors) -> None:
        """Light output ``unit`` and colour the inputs it reads by their weights."""
        from matplotlib.colors import to_rgba

        shown = entries.where(self.inputs.view.locate(entries.in_unit)[0])
        texts = entry_texts(self.layer, shown) if self.inputs.roomy else None
        self.inputs.paint(shown.in_unit, colors.rgba(shown.key), texts)
        self.outputs.paint(np.array([unit]), np.array([to_rgba(HIGHLIGHT)]))


def receptive_views(
    layer: Layer, in_units: np.ndarray, out_units: np.ndarray
) -> tuple[GridView, GridView]:
    """Views showing the given input and output units (windows of large grids).

    Multi-channel outputs show the first given unit's channel only.
    """
    in_view = around(layout_shape(layer.in_shape), in_units)
    out_view = around(layout_shape(layer.out_shape), out_units, max_slices=1)
    return in_view, out_view


def _arrow(ax: Axes, panels: ReceptivePanels, unit: int, entries: Entries) -> float | None:
    """An arc from the lit inputs to the lit output; returns the height it needs."""
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.patheffects import withStroke

    inputs, outputs = panels.inputs, panels.outputs
    shown, *where = inputs.view.locate(entries.in_unit)
    _, *target = outputs.view.locate(np.array([unit]))
    if not shown.any() or not len(target[0]):
        return None
    x_in, y_in = inputs.plane.centres(*where)
    x_out, y_out = outputs.plane.centres(*target)
    start = (float(x_in.max()), float(y_in.max()) + 0.5)  # top of the receptive field
    end = (float(x_out[0]), float(y_out[0]) + 0.5)  # top of the output unit
    bend = 0.3
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14,
                                 color=muted_ink(), linewidth=1.3, shrinkA=2, shrinkB=2,
                                 connectionstyle=f"arc3,rad={-bend}", zorder=4,
                                 path_effects=[withStroke(linewidth=4, foreground=paper())]))
    # room above the grids for the arc, whose apex rises bend / 2 of its span
    span = float(np.hypot(end[0] - start[0], end[1] - start[1]))
    return max(start[1], end[1]) + bend / 2 * span + 0.3


@plot_function(layer=False)
def plot_receptive_field(
    layer: Layer | Sequential,
    output_unit: int | Sequence[int],
    ax: Axes | None = None,
    *,
    style: Any = None,
) -> Axes:
    """Light one output unit and colour each input cell it reads by the weight that reaches it.

    The input grid (channels side by side) is on the left, the output grid on the
    right with the chosen unit lit. Each input cell the unit reads takes the colour
    its weight has in :func:`plot_connectivity` and shows the weight's symbol (or
    the summed entry, for folded padding). Large grids show a window around the
    receptive field, multi-channel outputs only the unit's channel.

    Parameters
    ----------
    layer
        Any symconv layer, or a :class:`~symconv.Sequential`: a network on a
        2-D input is drawn by :func:`~symconv.plot_network_receptive_field`,
        one on a 1-D input by :func:`~symconv.plot_receptive_field_growth`.
    output_unit
        The output unit: a flat 0-based index, or ``(channel, *position)``.
    ax
        Axes to draw into; by default a new figure.
    style
        A matplotlib style applied while drawing (e.g. ``"dark_background"``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn into; the input cells are a collection with the gid ``"inputs"``.

    Examples
    --------
    >>> import symconv as sc
    >>> conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
    >>> ax = sc.plot_receptive_field(conv, (0, 0, 1))
    >>> ax.get_title()
    'Receptive field of $h_{1,2}$'
    """
    if not isinstance(layer, Layer):
        return _network_field(layer, output_unit, ax)
    check_drawable("plot_receptive_field", layer)
    unit = layer.output_unit(output_unit)
    entries = matrix_entries(layer, np.array([unit]))
    in_view, out_view = receptive_views(layer, entries.in_unit, np.array([unit]))
    width, depth = grids_extent(in_view, out_view)
    scale = min(34.0, 10.0 * 72 / width)
    reads = len(distinct(entries.in_unit))
    notes = [v for v in (in_view.describe("inputs"), out_view.describe("outputs")) if v]
    subtitle = "\n".join(filter(None, [
        f"{layer.short_repr().replace('->', '→')} · reads {reads:,} inputs",
        geometry_caption(layer), *notes,
    ]))
    created = ax is None
    text_height = (0.5 + 0.2 * (subtitle.count("\n") + 1)) * font_size("title") / 12
    ax = new_axes(ax, (max(4.5, width * scale / 72 + 0.6),
                       depth * scale / 72 + 0.9 + text_height))
    panels = ReceptivePanels(ax, layer, in_view, out_view)
    colors = ParameterColors.of(entries.key, layer.num_weight_parameters)
    panels.light(unit, entries, colors)
    top = _arrow(ax, panels, unit, entries)
    ax.autoscale_view()
    if top is not None:
        ax.set_ylim(top=max(ax.get_ylim()[1], top))
    clean_axes(ax)
    if not panels.inputs.roomy:
        draw_key(ax, layer, colors, entries.key, marker="square")
    set_titles(ax, f"Receptive field of {output_label(layer.out_shape, unit)}", subtitle)
    if created:
        fit_legend(ax)
    return ax


def _network_field(network: Any, output_unit: int | Sequence[int], ax: Axes | None) -> Axes:
    """The receptive field of a network's unit, drawn as fits the network's input."""
    from symconv.plots.network import plot_network_receptive_field, plot_receptive_field_growth

    if not hasattr(network, "layers"):
        raise SymconvError(
            f"plot_receptive_field draws a layer or a network; got {type(network).__name__}"
        )
    if len(network.layers[0].in_shape) == 3:
        return plot_network_receptive_field(network, output_unit, ax)
    return plot_receptive_field_growth(network, output_unit, ax)
