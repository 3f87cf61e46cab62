"""Flat unit diagrams: rows of units joined by their connections (the textbooks' picture).

Goodfellow, Bengio and Courville (*Deep Learning*, 2016, chapter 9) draw layers as
a row of input units under a row of output units, a line per connection. A layer
of any dimension is drawn on its flattened units; a network gets one row per level.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.errors import SizeLimitError, SymconvError
from symconv.layer import Layer
from symconv.plots.entries import entry_texts, matrix_entries
from symconv.plots.figures import axes_size, check_drawable, new_axes, plot_function
from symconv.plots.network import unit_places
from symconv.plots.style import (
    HIGHLIGHT,
    ParameterColors,
    cell_edge,
    fitting_size,
    font_size,
    ink,
    paper,
    set_titles,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MAX_ROW_UNITS", "plot_unit_rows"]

MAX_ROW_UNITS = 128
"""Most units in one row of a unit diagram."""
INCHES_PER_UNIT = 0.5


def _unit_ids(level: int, count: int, levels: int) -> list[str]:
    """Node ids of a level: ``x1 ...`` for the input, ``h1 ...`` (``h2_1 ...`` in networks)."""
    if level == 0:
        return [f"x{k + 1}" for k in range(count)]
    prefix = "h" if levels == 1 else f"h{level}_"
    return [f"{prefix}{k + 1}" for k in range(count)]


def _unit_names(level: int, count: int, levels: int) -> list[str]:
    """Mathtext names: ``x_{3}``, ``h_{3}``, or ``h^{(2)}_{3}`` in networks."""
    if level == 0:
        return [f"$x_{{{k + 1}}}$" for k in range(count)]
    mark = "" if levels == 1 else f"^{{({level})}}"
    return [f"$h{mark}_{{{k + 1}}}$" for k in range(count)]


def _places(layers: Sequence[Layer]) -> list[np.ndarray]:
    """Horizontal place of each unit of each level: an output over the inputs it reads.

    1-D layers place each output over the centre of its window (padding
    included, see :func:`~symconv.plots.network.unit_places`); flattened 2-D
    layers over the mean of the inputs it reads.
    """
    if all(len(shape) <= 2 for part in layers for shape in (part.in_shape, part.out_shape)):
        return unit_places(layers)
    places = [np.arange(layers[0].n_in, dtype=float)]
    for layer in layers:
        conn = layer.connectivity
        below = places[-1][conn.in_unit]
        total = np.bincount(conn.out_unit, weights=below, minlength=layer.n_out)
        count = np.bincount(conn.out_unit, minlength=layer.n_out)
        centre = np.divide(total, count, out=np.zeros(layer.n_out), where=count > 0)
        span = float(places[-1].max()) if len(places[-1]) else 0.0
        even = np.linspace(0.0, span, layer.n_out) if layer.n_out > 1 else np.array([span / 2])
        spread = len(np.unique(np.round(centre, 6))) == layer.n_out and count.all()
        places.append(centre if spread else even)
    return places


@plot_function(layer=False)
def plot_unit_rows(
    layer: Any,
    ax: Axes | None = None,
    *,
    lit_units: Iterable[str] = (),
    lit_edges: Iterable[tuple[str, str]] = (),
    edge_labels: bool = False,
    weights: bool = False,
    title: str | None = None,
    style: Any = None,
) -> Axes:
    """Draw a layer (flattened) or a network as rows of units, one line per connection.

    Inputs form the bottom row, each layer's outputs the row above; an output
    unit sits over the middle of the inputs it reads (rows spread evenly where
    every output reads every input). Units are named as in
    :func:`symconv.layer_graph`, and are lit by their node ids.

    Parameters
    ----------
    layer
        A layer (of any dimension, drawn on its flattened units) or a
        :class:`~symconv.Sequential`; at most :data:`MAX_ROW_UNITS` units a row.
    ax
        Axes to draw into; by default a new figure.
    lit_units
        Node ids to highlight: ``"x3"`` (input 3), ``"h2"`` (output 2); in a
        network ``"h2_5"`` is unit 5 of layer 2's output.
    lit_edges
        ``(from, to)`` pairs of node ids whose connections are highlighted.
    edge_labels
        Write each connection's weight on it.
    weights
        Colour every connection by its weight (the colours of
        :func:`plot_connectivity`) instead of grey.
    title
        The title; by default the layer's name and counts.
    style
        A matplotlib style applied while drawing (e.g. ``"dark_background"``).

    Returns
    -------
    matplotlib.axes.Axes
        Units are a collection with gid ``"units"``, connections one with gid
        ``"connections"``.

    Examples
    --------
    >>> import symconv as sc
    >>> ax = sc.plot_unit_rows(sc.Conv1d((1, 5), 1, 3, padding=1, bias=False),
    ...                        lit_units=["h3"], lit_edges=[("x2", "h3")])
    >>> [len(c.get_segments()) for c in ax.collections if c.get_gid() == "connections"]
    [13]
    """
    from matplotlib.collections import LineCollection

    if isinstance(layer, Layer):
        layers = [layer]
    elif hasattr(layer, "layers"):
        layers = list(layer.layers)
    else:
        raise SymconvError(f"plot_unit_rows draws a layer or a network; got {layer!r:.60}")
    for part in layers:
        check_drawable("plot_unit_rows", part)
    sizes = [layers[0].n_in, *(part.n_out for part in layers)]
    if max(sizes) > MAX_ROW_UNITS:
        raise SizeLimitError(f"plot_unit_rows draws rows of at most {MAX_ROW_UNITS} units; "
                             f"a row of {layers[-1].short_repr()} has {max(sizes):,}")
    places = _places(layers)
    width = max(float(p.max()) for p in places) + 1
    ax = new_axes(ax, (min(16.0, 1.0 + INCHES_PER_UNIT * width), 0.9 + 1.1 * len(sizes)))
    ids = [_unit_ids(level, n, len(layers)) for level, n in enumerate(sizes)]
    lit_units, lit_edges = set(lit_units), set(lit_edges)
    segments, colors, widths, labels = [], [], [], []
    for level, part in enumerate(layers, start=1):
        entries = matrix_entries(part)
        palette = ParameterColors.of(entries.key, part.num_weight_parameters)
        rgba = palette.rgba(entries.key)
        texts = entry_texts(part, entries) if edge_labels else None
        for k, (i, o) in enumerate(zip(entries.in_unit.tolist(), entries.out_unit.tolist(),
                                       strict=True)):
            lit = (ids[level - 1][i], ids[level][o]) in lit_edges
            segments.append(((places[level - 1][i], level - 1.0), (places[level][o], level)))
            colors.append(ink() if lit else tuple(rgba[k]) if weights else cell_edge())
            widths.append(2.0 if lit else 1.0)
            if texts is not None:
                labels.append((float(places[level - 1][i]), float(places[level][o]), level,
                               texts[k]))
    lines = LineCollection(segments, colors=colors, linewidths=widths, zorder=1,
                           gid="connections")
    ax.add_collection(lines)
    xs = np.concatenate(places)
    ys = np.concatenate([np.full(len(p), float(level)) for level, p in enumerate(places)])
    flat_ids = [name for level in ids for name in level]
    faces = [HIGHLIGHT if name in lit_units else paper() for name in flat_ids]
    room = _unit_room(ax, width, len(sizes))
    ax.scatter(xs, ys, s=(0.8 * room) ** 2, c=faces, edgecolors=ink(), linewidths=1.0,
               zorder=3, gid="units")
    names = [name for level, n in enumerate(sizes) for name in _unit_names(level, n, len(layers))]
    size = fitting_size(names, (0.7 * room, 0.7 * room), font_size("label"))
    if size is not None:
        for x, y, name, unit in zip(xs.tolist(), ys.tolist(), names, flat_ids, strict=True):
            ax.text(x, y, name, ha="center", va="center", fontsize=size, zorder=4,
                    color="black" if unit in lit_units else ink(), in_layout=False)
    _edge_labels(ax, labels)
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(-0.45, len(sizes) - 0.55)
    ax.set_axis_off()
    if title is None:
        described = layers[0] if len(layers) == 1 else layer
        title = (f"{described.short_repr().replace('->', '→')}: "
                 f"{described.num_parameters:,} parameters")
    set_titles(ax, title)
    return ax


def _unit_room(ax: Axes, width: float, rows: int) -> float:
    """Points available for one unit's circle: the spacing of units on the page."""
    room_w, room_h = axes_size(ax)
    return float(min(room_w / width, room_h / (rows + 0.2) * 0.55, 30.0))


def _edge_labels(ax: Axes, labels: list[tuple[float, float, int, str]]) -> None:
    """Each connection's weight written on it, nearer its output (where lines part)."""
    box = {"boxstyle": "round,pad=0.1", "facecolor": paper(), "linewidth": 0}
    for x0, x1, level, text in labels:
        ax.text(x0 + (x1 - x0) * 0.62, level - 0.38, text, ha="center", va="center",
                fontsize=font_size("small"), color=ink(), zorder=2, bbox=box,
                in_layout=False)
