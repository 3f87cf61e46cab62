"""Pictures of networks: how a deep unit's receptive field grows, and where it lies.

* :func:`plot_receptive_field_growth` draws a 1-D network as rows of units, input
  at the bottom, one line per connection, and lights the cone of units and
  connections that one deep unit depends on (the classic picture of Goodfellow,
  Bengio and Courville, *Deep Learning*, 2016, figure 9.4).
* :func:`plot_network_receptive_field` lights the exact receptive field of a
  deep unit on a 2-D input, with the analytic field's box around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.errors import ShapeMismatchError, SizeLimitError
from symconv.plots.figures import new_axes, plot_function
from symconv.plots.style import (
    HIGHLIGHT,
    cell_edge,
    cell_face,
    clean_axes,
    font_size,
    ink,
    muted_ink,
    set_titles,
)
from symconv.receptive import analytic_fields, dependency_sets, trace_receptive_field

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from symconv.layer import Layer

__all__ = [
    "MAX_ROW_UNITS", "plot_network_receptive_field", "plot_receptive_field_growth", "unit_places",
]

MAX_ROW_UNITS = 256
"""Most units a row of :func:`plot_receptive_field_growth` may hold."""
CONE_EDGE = "#B07800"
"""Lines of the lit cone: a darker shade of the highlight, visible on white."""


def unit_places(layers: Sequence[Layer]) -> list[np.ndarray]:
    """Horizontal place of every unit of every level (input first), in input positions.

    A unit sits over the centre of its analytic receptive field; where the
    formulas do not apply (dense, transposed) the units spread over the input.
    Channels of a level follow each other, as the units are numbered.

    Examples
    --------
    >>> import symconv as sc
    >>> [p.tolist() for p in unit_places([sc.Conv1d((1, 5), 1, 3, stride=2)])]
    [[0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 3.0]]
    """
    length = layers[0].in_shape[-1]
    fields = [None, *analytic_fields(layers)]
    shapes = [layers[0].in_shape, *(layer.out_shape for layer in layers)]
    places = []
    for level, (shape, field) in enumerate(zip(shapes, fields, strict=True)):
        channels, positions = (shape[0], shape[1]) if len(shape) == 2 else (1, shape[0])
        if level == 0:
            x = np.arange(positions, dtype=float)
        elif field is not None and len(shape) == 2 and field[0].jump:
            f = field[0]
            x = f.start + np.arange(positions) * f.jump + (f.size - 1) / 2
        else:
            x = np.linspace(0, length - 1, positions) if positions > 1 else np.array(
                [(length - 1) / 2]
            )
        span = length + 1.0  # channels side by side, one gap apart
        places.append((x[None, :] + span * np.arange(channels)[:, None]).ravel())
    return places


@plot_function(layer=False)
def plot_receptive_field_growth(
    network: Any,
    output_unit: int | Sequence[int] | None = None,
    ax: Axes | None = None,
    *,
    style: Any = None,
) -> Axes:
    """A 1-D network as rows of units, with the cone of units one deep unit depends on lit.

    Input units form the bottom row, each layer's outputs the row above; every
    connection is a thin grey line. The chosen output unit, the units it depends
    on at every level (its receptive field grows row by row towards the input)
    and the connections between them are highlighted. Each unit sits over the
    centre of its analytic receptive field, so strides show as wider spacing.

    Parameters
    ----------
    network
        A :class:`~symconv.Sequential` (or a single layer) on inputs of shape
        ``(C, L)`` or ``(n,)``, at most :data:`MAX_ROW_UNITS` units per row.
    output_unit
        Flat index or ``(channel, position)`` of the deep unit; default the
        middle unit of the last row.
    ax
        Axes to draw into; by default a new figure.
    style
        A matplotlib style applied while drawing (e.g. ``"dark_background"``).

    Returns
    -------
    matplotlib.axes.Axes
        Units are a collection with gid ``"units"``, the connections one with gid
        ``"connections"`` and the lit connections one with gid ``"cone"``.

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.Sequential.build((1, 9), *[(sc.Conv1d, 1, 3, {"padding": 1})] * 3)
    >>> ax = sc.plot_receptive_field_growth(net, 4)
    >>> ax.get_title()
    'Receptive field of $h^{(3)}_{5}$: 7 of 9 inputs'
    """
    from matplotlib.collections import LineCollection

    layers = list(getattr(network, "layers", [network]))
    shapes = [layers[0].in_shape, *(layer.out_shape for layer in layers)]
    for shape in shapes:
        if len(shape) > 2 or np.prod(shape) > MAX_ROW_UNITS:
            raise ShapeMismatchError(
                f"plot_receptive_field_growth draws 1-D networks of at most {MAX_ROW_UNITS} "
                f"units per row; a row has shape {shape}"
            )
    last = layers[-1]
    unit = last.output_unit(last.n_out // 2 if output_unit is None else output_unit)
    cone = dependency_sets(layers, unit)
    places = unit_places(layers)
    width = max(float(x.max()) for x in places) + 1
    ax = new_axes(ax, (min(12.0, 1.6 + 0.32 * width), 1.2 + 0.9 * len(shapes)))

    plain, lit = [], []
    for level, layer in enumerate(layers, start=1):
        conn = layer.connectivity
        inside = np.isin(conn.out_unit, cone[level]) & np.isin(conn.in_unit, cone[level - 1])
        segments = np.stack([
            np.column_stack([places[level - 1][conn.in_unit], np.full(len(conn), level - 1.0)]),
            np.column_stack([places[level][conn.out_unit], np.full(len(conn), float(level))]),
        ], axis=1)
        plain.append(segments[~inside])
        lit.append(segments[inside])
    for parts, color, line_width, gid in ((plain, cell_edge(), 0.6, "connections"),
                                          (lit, CONE_EDGE, 1.4, "cone")):
        ax.add_collection(LineCollection(list(np.concatenate(parts)), colors=color,
                                         linewidths=line_width, zorder=1 + (gid == "cone"),
                                         gid=gid))

    xs = np.concatenate(places)
    ys = np.concatenate([np.full(len(x), float(level)) for level, x in enumerate(places)])
    in_cone = np.concatenate([np.isin(np.arange(len(x)), cone[level])
                              for level, x in enumerate(places)])
    face, edge = cell_face(), cell_edge()
    ax.scatter(xs, ys, s=60, c=[HIGHLIGHT if lit else face for lit in in_cone.tolist()],
               edgecolors=[CONE_EDGE if lit else edge for lit in in_cone.tolist()],
               linewidths=0.8, zorder=3, gid="units")
    names = ["input", *(type(layer).__name__ for layer in layers)]
    for level, name in enumerate(names):
        ax.text(-1.0, level, f"{name}  {len(cone[level])}/{len(places[level])}",
                ha="right", va="center", fontsize=font_size("small"), color=muted_ink())
    clean_axes(ax)
    ax.set_aspect("auto")
    ax.set_xlim(-1.0 - 0.12 * width - 3, width)
    ax.set_ylim(-0.6, len(shapes) - 0.4)
    label = _unit_label(last.out_shape, unit, len(layers))
    set_titles(ax, f"Receptive field of ${label}$: {len(cone[0])} of {layers[0].n_in} inputs",
               "lit: the units and connections it depends on, layer by layer")
    return ax


def _unit_label(shape: tuple[int, ...], unit: int, level: int) -> str:
    """``h^{(level)}_{i}`` with 1-based indices (channel left out when there is one)."""
    index = [int(i) + 1 for i in np.unravel_index(unit, shape)]
    if len(shape) > 1 and shape[0] == 1:
        index = index[1:]
    return f"h^{{({level})}}_{{{','.join(map(str, index))}}}"


@plot_function(layer=False)
def plot_network_receptive_field(
    network: Any,
    output_unit: int | Sequence[int],
    ax: Axes | None = None,
    *,
    image: Any = None,
    style: Any = None,
) -> Axes:
    """The exact receptive field of a deep unit on a 2-D input, on a grid of input cells.

    Every input cell is drawn (with 1-based row and column numbers on the edges);
    the cells the unit depends on (in any channel) are filled and counted in the
    subtitle, and the dashed box is the analytic field (start and size per axis,
    Araujo et al., 2019), which may reach into the padding beyond the input.

    Parameters
    ----------
    network
        A :class:`~symconv.Sequential` (or a single layer) on inputs ``(C, H, W)``.
    output_unit
        Flat index or ``(channel, *position)`` of the unit.
    ax
        Axes to draw into; by default a new figure.
    image
        Optional ``(H, W)`` or ``(H, W, 3)`` array shown under the field.
    style
        A matplotlib style applied while drawing (e.g. ``"dark_background"``).

    Returns
    -------
    matplotlib.axes.Axes
        The lit field is an image with gid ``"field"``, the analytic box a patch
        with gid ``"analytic"``, the cell grid a collection with gid ``"grid"``.

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.Sequential.build((1, 16, 16), (sc.Conv2d, 1, 3), (sc.MaxPool2d, 2),
    ...                           (sc.Conv2d, 1, 3))
    >>> ax = sc.plot_network_receptive_field(net, (0, 2, 2))
    >>> ax.get_title()
    'Receptive field of $h^{(3)}_{3,3}$: 8×8 of 16×16 inputs'
    """
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    layers = list(getattr(network, "layers", [network]))
    in_shape = layers[0].in_shape
    if len(in_shape) != 3:
        raise ShapeMismatchError(
            f"plot_network_receptive_field draws 2-D inputs (C, H, W); the input is {in_shape}"
        )
    height, width = in_shape[1:]
    if image is not None and np.shape(image)[:2] != (height, width):
        raise ShapeMismatchError(
            f"image has shape {np.shape(image)}; the input is {height}x{width}"
        )
    if height * width > 4096 * 4096:
        raise SizeLimitError(f"an input of {height}x{width} is too large to draw")
    field = trace_receptive_field(layers, output_unit)
    lit = field.mask().any(axis=0)
    side = float(np.clip(0.3 * max(height, width), 4.0, 7.0))
    ax = new_axes(ax, (side + 0.6, side * height / width + 1.6))
    if image is not None:
        ax.imshow(image, cmap="gray", interpolation="nearest", zorder=0)
    else:
        ax.add_patch(Rectangle((-0.5, -0.5), width, height, facecolor=cell_face(),
                               edgecolor="none", zorder=0))
    overlay = np.zeros((height, width, 4))
    overlay[lit] = to_rgba(HIGHLIGHT, 0.55 if image is not None else 1.0)
    ax.imshow(overlay, interpolation="nearest", zorder=1, gid="field")
    _cell_grid(ax, height, width)
    if field.size is not None and field.start is not None:
        (r0, c0), (rh, cw) = field.start, field.size
        ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), cw, rh, fill=False, edgecolor=ink(),
                               linestyle="--", linewidth=1.4, zorder=4, gid="analytic"))
        pad = max(0, -r0, -c0, r0 + rh - height, c0 + cw - width)
        ax.set_xlim(-0.5 - pad, width - 0.5 + pad)
        ax.set_ylim(height - 0.5 + pad, -0.5 - pad)
    else:
        ax.set_xlim(-0.5, width - 0.5)
        ax.set_ylim(height - 0.5, -0.5)
    _cell_numbers(ax, height, width)
    ax.set_aspect("equal")
    for spine in ax.spines.values():
        spine.set_visible(False)
    extent = "no inputs" if field.span is None else "×".join(
        str(last - first + 1) for first, last in field.span
    ) + f" of {height}×{width} inputs"
    name = _unit_label(layers[-1].out_shape, field.unit, len(layers))
    subtitle = f"lit: the {int(lit.sum()):,} input cells it depends on (exact)"
    if field.size is not None:
        subtitle += "\ndashed: the analytic field"
    set_titles(ax, f"Receptive field of ${name}$: {extent}", subtitle)
    return ax


MAX_GRID_CELLS = 64
"""Longest input side drawn with a line between every two cells."""


def _cell_grid(ax: Axes, height: int, width: int) -> None:
    """Thin lines between input cells (every cell up to :data:`MAX_GRID_CELLS` a side)."""
    from matplotlib.collections import LineCollection

    step = max(1, -(-max(height, width) // MAX_GRID_CELLS))
    rows = [((-0.5, y), (width - 0.5, y)) for y in np.arange(-0.5, height, step).tolist()]
    cols = [((x, -0.5), (x, height - 0.5)) for x in np.arange(-0.5, width, step).tolist()]
    if height % step:  # the closing edges
        rows.append(((-0.5, height - 0.5), (width - 0.5, height - 0.5)))
    if width % step:
        cols.append(((width - 0.5, -0.5), (width - 0.5, height - 0.5)))
    ax.add_collection(LineCollection([*rows, *cols], colors=[cell_edge()], linewidths=0.5,
                                     zorder=3, gid="grid"))


def _cell_numbers(ax: Axes, height: int, width: int) -> None:
    """1-based row numbers on the left and column numbers below."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(8, integer=True))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v) + 1}"))
    ax.tick_params(length=0, labelsize=font_size("small"), colors=muted_ink())
    ax.set_xlabel("input column", fontsize=font_size("small"), color=muted_ink())
    ax.set_ylabel("input row", fontsize=font_size("small"), color=muted_ink())
