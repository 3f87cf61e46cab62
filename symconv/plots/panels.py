"""Flat grids of unit cells whose colours and texts can be repainted (receptive fields, frames)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from symconv.plots.layout import GridView, Plane
from symconv.plots.style import (
    cell_edge,
    cell_face,
    distinct,
    fitting_size,
    font_size,
    ink,
    muted_ink,
    text_color_on,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PolyCollection
    from matplotlib.text import Text

__all__ = ["GridPanel", "around", "draw_panel"]

MAX_PANEL_SIDE = 32
"""Most rows (or columns) of a panel; a larger grid shows a window around what is lit."""
MARGIN = 3
"""Cells of context kept around what is lit when a grid is cut to a window."""


def _window(lo: int, hi: int, length: int) -> range:
    """At least ``2 * MARGIN`` cells of context around ``[lo, hi]``, within ``length``."""
    if length <= MAX_PANEL_SIDE:
        return range(length)
    start = max(0, lo - MARGIN)
    stop = min(length, max(hi + 1 + MARGIN, start + 2 * MARGIN + 1))
    return range(start, min(stop, start + MAX_PANEL_SIDE))


def around(shape: tuple[int, int, int], units: np.ndarray, max_slices: int = 4) -> GridView:
    """A view of ``shape`` showing ``units``: all of it when small, else a window around them.

    Examples
    --------
    >>> view = around((1, 64, 64), np.array([0, 1, 64, 65]))
    >>> view.rows, view.cols
    (range(0, 7), range(0, 7))
    >>> around((1, 4, 4), np.array([5])).complete
    True
    """
    s, r, c = np.unravel_index(np.asarray(units, dtype=np.int64), shape)
    slices = tuple(distinct(s)[:max_slices].tolist()) if len(s) else (0,)
    if shape[0] <= max_slices and len(s):
        slices = tuple(range(shape[0]))
    if not len(r):
        return GridView(shape, slices, _window(0, 0, shape[1]), _window(0, 0, shape[2]))
    return GridView(shape, slices, _window(int(r.min()), int(r.max()), shape[1]),
                    _window(int(c.min()), int(c.max()), shape[2]))


@dataclass
class GridPanel:
    """A flat grid of cells drawn once, then lit and dimmed unit by unit."""

    plane: Plane
    view: GridView
    cells: PolyCollection
    names: list[str]
    texts: list[Text] = field(default_factory=list)
    roomy: bool = False
    """Whether the cells' texts are small enough to be replaced by weight symbols."""

    def paint(
        self, units: np.ndarray, faces: np.ndarray, labels: list[str] | None = None
    ) -> None:
        """Reset every cell, then give the shown ``units`` their ``faces`` (and ``labels``)."""
        from matplotlib.colors import to_rgba

        shown, rank, r, c = self.view.locate(units)
        index = ((rank * self.plane.rows + r) * self.plane.cols + c).tolist()
        lit = np.asarray(faces)[shown]
        base = np.tile(to_rgba(cell_face()), (len(self.names), 1))
        base[index] = lit
        self.cells.set_facecolor([tuple(face) for face in base.tolist()])
        if not self.texts:
            return
        for text, name in zip(self.texts, self.names, strict=True):
            text.set_text(name)
            text.set_color(muted_ink())
        new = (np.asarray(labels, dtype=object)[shown].tolist() if labels is not None
               else [None] * len(index))
        for k, color, label in zip(index, text_color_on(lit).tolist(), new, strict=True):
            self.texts[k].set_color(color)
            if label is not None:
                self.texts[k].set_text(label)


def draw_panel(
    ax: Axes, view: GridView, plane: Plane, names: list[str], scale: float, gid: str,
    room_labels: list[str] | None = None,
) -> GridPanel:
    """Draw a flat grid of a view's cells, with unit names when they fit at ``scale``.

    ``room_labels`` are other texts the cells may have to hold (weight symbols):
    the font size fits them too if it can, and :attr:`GridPanel.roomy` says so.
    """
    from matplotlib.collections import PolyCollection

    cells = PolyCollection(list(plane.cell_polygons()), facecolors=cell_face(),
                           edgecolors=cell_edge(), linewidths=0.7, zorder=1)
    cells.set_gid(gid)
    ax.add_collection(cells)
    ax.add_collection(PolyCollection(
        [plane.outline(k) for k in range(plane.n_slices)], facecolors="none", edgecolors=ink(),
        linewidths=1.1, zorder=2,
    ))
    panel = GridPanel(plane, view, cells, names)
    room = (0.9 * scale, 0.9 * scale)
    size = fitting_size([*names, *(room_labels or [])], room, font_size("label"))
    panel.roomy = size is not None
    if size is None:
        size = fitting_size(names, room, font_size("label"))
    if size is not None:
        rank, r, c = (a.ravel() for a in np.indices((plane.n_slices, plane.rows, plane.cols)))
        x, y = plane.centres(rank, r, c)
        panel.texts = [
            ax.text(xi, yi, name, ha="center", va="center", fontsize=size, color=muted_ink(),
                    zorder=3)
            for xi, yi, name in zip(x.tolist(), y.tolist(), names, strict=True)
        ]
    return panel
