"""Sparsity patterns: the matrix's nonzeros coloured by weight, with its block structure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.plots.entries import (
    Entries,
    entries_of,
    entry_texts,
    joined,
    matrix_entries,
    row_connections,
)
from symconv.plots.figures import axes_size, new_axes, plot_function
from symconv.plots.labels import geometry_caption, input_name, output_name
from symconv.plots.legend import draw_key, fit_legend
from symconv.plots.style import (
    ParameterColors,
    cell_edge,
    fitting_size,
    font_size,
    ink,
    muted_ink,
    set_titles,
    text_color_on,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from symconv.layer import Layer

__all__ = ["MatrixPicture", "draw_matrix", "matrix_picture", "plot_sparsity"]

MAX_SIDE = 8192
"""Most matrix rows (or columns) drawn; a larger matrix shows its top-left corner."""
MAX_CELLS = 6_000_000
"""Most matrix cells drawn (as one image); a larger matrix shows its first rows."""
MAX_ASPECT = 6.0
"""Matrices more elongated than this are drawn with non-square cells."""
MAX_SYMBOL_CELLS = 1024
"""Most cells of a matrix whose entries are written out automatically."""
MAX_UNIT_LABELS = 40
"""Most rows (or columns) labelled with unit names."""
MAX_BLOCK_LINES = 128
"""Most boundaries drawn for one level of the block structure."""
MIN_BLOCK_POINTS = 6.0
"""Smallest block (or cell) on the page, in points, that gets boundary lines."""
POINTS_PER_CELL = 26.0


@dataclass(frozen=True)
class MatrixPicture:
    """The rows and columns of a matrix a figure draws, and their nonzeros.

    Everything is drawn in matrix coordinates: entry ``(r, c)`` is centred at ``x = c, y = r``.
    """

    rows: range
    cols: range
    entries: Entries

    def rgba(self, colors: ParameterColors) -> np.ndarray:
        """An image of the shown part: white, each nonzero in its weight's colour."""
        image = np.full((len(self.rows), len(self.cols), 4), 255, dtype=np.uint8)
        rgba = np.round(255 * colors.rgba(self.entries.key)).astype(np.uint8)
        image[self.entries.out_unit - self.rows.start, self.entries.in_unit - self.cols.start] = (
            rgba
        )
        return image

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """The image's extent (left, right, bottom, top) in matrix coordinates."""
        return (self.cols.start - 0.5, self.cols.stop - 0.5, self.rows.stop - 0.5,
                self.rows.start - 0.5)

    @property
    def square(self) -> bool:
        """Whether the cells are drawn square (the matrix is not too elongated)."""
        return 1 / MAX_ASPECT <= len(self.rows) / len(self.cols) <= MAX_ASPECT

    def notes(self, layer: Layer) -> str:
        """What is left out, or ``""``."""
        cut = [
            f"{name} {part.start + 1:,}–{part.stop:,} of {total:,}"
            for name, part, total in (("rows", self.rows, layer.n_out),
                                      ("columns", self.cols, layer.n_in))
            if len(part) < total
        ]
        return "shown: " + ", ".join(cut) if cut else ""


def matrix_picture(
    layer: Layer, rows: range | None = None, cols: range | None = None
) -> MatrixPicture:
    """The nonzeros of the given rows and columns; by default all, or a top-left corner.

    Examples
    --------
    >>> import symconv as sc
    >>> picture = matrix_picture(sc.Conv2d((1, 28, 28), 8, 3), rows=range(2))
    >>> picture.cols, len(picture.entries)
    (range(0, 784), 18)
    """
    cols = range(min(layer.n_in, MAX_SIDE)) if cols is None else cols
    if rows is None:
        rows = range(min(layer.n_out, MAX_SIDE, max(1, MAX_CELLS // len(cols))))
    if len(rows) == layer.n_out:
        entries = matrix_entries(layer)
        shown = (entries.in_unit >= cols.start) & (entries.in_unit < cols.stop)
        return MatrixPicture(rows, cols, entries.where(shown))
    parts = []  # row by row, cut to the columns at once: rows can be millions long
    for unit in rows:
        row = row_connections(layer, unit, *layer.structure.row(unit))
        parts.append(row.where((row.in_unit >= cols.start) & (row.in_unit < cols.stop)))
    return MatrixPicture(rows, cols, entries_of(joined(layer, parts)))


def _block_sizes(shape: tuple[int, ...]) -> list[int]:
    """Units per block at each level of a flattened ``shape``: channel, then row (and depth)."""
    return [math.prod(shape[k + 1:]) for k in range(len(shape) - 1)]


def _cuts(part: range, size: int) -> np.ndarray:
    """Block boundaries inside ``part``, between matrix cells."""
    first = -(-(part.start + 1) // size) * size
    return np.arange(first, part.stop, size) - 0.5


def _draw_blocks(ax: Axes, layer: Layer, picture: MatrixPicture, scale: float) -> None:
    """Lines between the blocks of the (doubly) block-Toeplitz structure, heavier when outer.

    A level whose blocks would be under :data:`MIN_BLOCK_POINTS` on the page is left out.
    """
    from matplotlib.collections import LineCollection

    if not layer.structure.axes:
        return  # a dense layer has no block structure
    styles = ((1.5, ink()), (0.8, muted_ink()), (0.5, cell_edge()))
    left, right, bottom, top = picture.extent
    segments, line_widths, line_colors = [], [], []
    for along, shape, part in (("rows", layer.out_shape, picture.rows),
                               ("cols", layer.in_shape, picture.cols)):
        for level, size in enumerate(_block_sizes(shape)):
            cuts = _cuts(part, size)
            if size == 1 or len(cuts) > MAX_BLOCK_LINES or size * scale < MIN_BLOCK_POINTS:
                continue
            width, color = styles[min(level, 2)]
            for cut in cuts.tolist():
                segments.append(((left, cut), (right, cut)) if along == "rows"
                                else ((cut, top), (cut, bottom)))
                line_widths.append(width)
                line_colors.append(color)
    blocks = LineCollection(segments, colors=line_colors, linewidths=line_widths, zorder=3)
    blocks.set_gid("blocks")
    ax.add_collection(blocks)


def _draw_cell_grid(ax: Axes, picture: MatrixPicture) -> None:
    from matplotlib.collections import LineCollection

    left, right, bottom, top = picture.extent
    rows = [((left, y), (right, y)) for y in np.arange(top, bottom + 1).tolist()]
    cols = [((x, top), (x, bottom)) for x in np.arange(left, right + 1).tolist()]
    ax.add_collection(LineCollection(rows + cols, colors=cell_edge(), linewidths=0.4, zorder=2))


def draw_matrix(
    ax: Axes,
    layer: Layer,
    picture: MatrixPicture,
    *,
    symbols: bool | None,
    blocks: bool,
    unit_names: bool = True,
) -> ParameterColors:
    """Draw a matrix picture into ``ax``: image, cell grid, block lines, entries, unit names.

    Without ``unit_names`` rows and columns get 1-based numbers only.
    """
    colors = ParameterColors.of(picture.entries.key, layer.num_weight_parameters)
    image = ax.imshow(picture.rgba(colors), extent=picture.extent, interpolation="antialiased",
                      interpolation_stage="rgba", zorder=1,
                      aspect="equal" if picture.square else "auto")
    image.set_gid("matrix")
    scale = _points_per_cell(ax, picture)
    if scale >= MIN_BLOCK_POINTS:
        _draw_cell_grid(ax, picture)
    if blocks:
        _draw_blocks(ax, layer, picture, scale)
    if symbols if symbols is not None else len(picture.rows) * len(picture.cols) <= (
        MAX_SYMBOL_CELLS
    ):
        _write_entries(ax, layer, picture, colors, scale)
    _label_units(ax, layer, picture, scale if unit_names else 0.0)
    for spine in ax.spines.values():
        spine.set_color(cell_edge())
    return colors


def _points_per_cell(ax: Axes, picture: MatrixPicture) -> float:
    width, height = axes_size(ax)
    return min(width / len(picture.cols), height / len(picture.rows))


def _write_entries(
    ax: Axes, layer: Layer, picture: MatrixPicture, colors: ParameterColors, scale: float
) -> None:
    entries = picture.entries
    texts = entry_texts(layer, entries)
    size = fitting_size(texts, (0.9 * scale, 0.9 * scale), font_size("label"))
    if size is None:
        return
    inks = text_color_on(colors.rgba(entries.key))
    for r, c, text, color in zip(entries.out_unit.tolist(), entries.in_unit.tolist(), texts,
                               inks.tolist(), strict=True):
        ax.text(c, r, text, ha="center", va="center", fontsize=size, color=color, zorder=4,
                in_layout=False)


def _label_units(ax: Axes, layer: Layer, picture: MatrixPicture, scale: float) -> None:
    """Columns named ``x_j`` below and rows ``h_i`` on the left when few, else 1-based ticks.

    Column names go below the matrix: above it they would meet the subtitle.
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    for axis, part, side in ((ax.xaxis, picture.cols, "input"), (ax.yaxis, picture.rows,
                                                                  "output")):
        size = None
        if len(part) <= MAX_UNIT_LABELS:
            names = ([input_name(i) for i in part] if side == "input"
                     else [output_name(layer.out_shape, i) for i in part])
            room = (scale * (3.0 if side == "output" else 1.0), scale)
            size = fitting_size(names[-1:], room, font_size("small"))
        if size is not None:
            axis.set_ticks(list(part), names, fontsize=size)
            if side == "input" and len(part) > 12:
                for label in axis.get_ticklabels():
                    label.set_rotation(90)
        else:
            axis.set_major_locator(MaxNLocator(6, integer=True))
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v) + 1:,}"))
            axis.set_tick_params(labelsize=font_size("small"))
        axis.set_tick_params(length=0, colors=ink())
        axis.set_label_text(f"{side} units ({'columns' if side == 'input' else 'rows'})",
                            fontsize=font_size("subtitle"), color=ink())


@plot_function()
def plot_sparsity(
    layer: Layer,
    ax: Axes | None = None,
    *,
    symbols: bool | None = None,
    blocks: bool = True,
    style: Any = None,
) -> Axes:
    """Draw the matrix's sparsity pattern, each nonzero in the colour of its weight.

    Rows are output units, columns input units, in flattened order. Each nonzero
    has the colour its weight has in :func:`plot_connectivity` (dark grey for an
    entry that sums several weights, grey for a parameter-free one). Lines mark
    the blocks of the (doubly) block-Toeplitz structure: heavy lines between
    output channels (rows) and input channels (columns), thinner ones between
    rows of a 2-D output or input. A matrix too large for one image (over
    6 million entries, or 8,192 rows or columns) shows its first rows and columns.

    Parameters
    ----------
    layer
        Any symconv layer.
    ax
        Axes to draw into; by default a new figure sized to the matrix.
    symbols
        Write each entry (``w_{1,1}``, ``w_1 + w_3``, ``1/4``) in its cell; by
        default only for small matrices, at a size that fits.
    blocks
        Draw the block boundaries.
    style
        A matplotlib style (name, file or dict) applied while drawing, e.g.
        ``"dark_background"``; by default the current rcParams.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn into; the matrix image has the gid ``"matrix"``.

    Examples
    --------
    >>> import symconv as sc
    >>> ax = sc.plot_sparsity(sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False))
    >>> ax.get_title()
    'Conv2d((1, 4, 4) → (1, 2, 2))'
    >>> [t.get_text() for t in ax.texts[:3]]
    ['$w_{1,1}$', '$w_{1,2}$', '$w_{2,1}$']
    """
    picture = matrix_picture(layer)
    created = ax is None
    rows, cols = len(picture.rows), len(picture.cols)
    scale = min(POINTS_PER_CELL, 9.0 * 72 / cols, 7.0 * 72 / rows) / 72
    size = ((max(4.5, cols * scale + 1.6), max(2.6, rows * scale + 2.2)) if picture.square
            else (7.0, 7.5) if rows > cols else (9.0, 3.4))
    ax = new_axes(ax, size)
    colors = draw_matrix(ax, layer, picture, symbols=symbols, blocks=blocks)
    draw_key(ax, layer, colors, picture.entries.key, marker="square")
    if created:
        fit_legend(ax)
    nonzeros, total = layer.num_weight_connections, layer.n_out * layer.n_in
    weights = layer.num_weight_parameters
    counts = (f"{nonzeros:,} nonzeros of {total:,} entries ({nonzeros / total:.1%}) · "
              + (f"{weights:,} distinct weights" if weights else "no parameters"))
    subtitle = "\n".join(filter(None, [geometry_caption(layer), counts, picture.notes(layer)]))
    set_titles(ax, layer.short_repr().replace("->", "→"), subtitle)
    return ax
