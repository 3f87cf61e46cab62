"""Flat grids of unit cells whose colours and texts can be repainted (receptive fields, frames)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

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
    from matplotlib.artist import Artist
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
    """A flat grid of cells drawn once, with a few cells lit on top of it at a time.

    The grid and the unit names never change; lighting units fills an overlay of
    just those cells (gid ``<gid>-lit``) and writes their labels on it, so an
    animation redraws only what a frame changes (see :attr:`moving`).
    """

    plane: Plane
    view: GridView
    cells: PolyCollection
    lit: PolyCollection
    names: list[str]
    size: float | None = None
    """Font size of the cell texts (``None``: cells too small to write in)."""
    texts: list[Text] = field(default_factory=list)
    """Texts of the lit cells (a pool: the ones not in use are hidden)."""
    roomy: bool = False
    """Whether the cells' texts are small enough to be replaced by weight symbols."""

    @property
    def moving(self) -> list[Artist]:
        """The artists that change when other units are lit."""
        return [self.lit, *self.texts]

    def paint(
        self, units: np.ndarray, faces: np.ndarray, labels: list[str] | None = None
    ) -> None:
        """Light the shown ``units`` only, in ``faces``, with their ``labels`` (or names)."""
        shown, rank, r, c = self.view.locate(units)
        index = ((rank * self.plane.rows + r) * self.plane.cols + c).tolist()
        lit = np.asarray(faces)[shown]
        polygons = self.plane.cell_polygons()
        self.lit.set_verts([polygons[k] for k in index])
        self.lit.set_facecolor([tuple(face) for face in lit.tolist()])
        if self.size is None:
            return
        new = (np.asarray(labels, dtype=object)[shown].tolist() if labels is not None
               else [None] * len(index))
        ax = cast("Axes", self.lit.axes)
        while len(self.texts) < len(index):
            self.texts.append(ax.text(0, 0, "", ha="center", va="center", fontsize=self.size,
                                      zorder=4, animated=self.lit.get_animated(),
                                      in_layout=False))
        x, y = self.plane.centres(*(np.asarray(v)[shown] for v in (rank, r, c)))
        for text, k, color, label, xi, yi in zip(
            self.texts, index, text_color_on(lit).tolist(), new, x.tolist(), y.tolist(),
            strict=False,
        ):
            text.set(text=self.names[k] if label is None else label, color=color,
                     position=(xi, yi), visible=True)
        for text in self.texts[len(index):]:
            text.set_visible(False)


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
    lit = PolyCollection([], edgecolors=cell_edge(), linewidths=0.7, zorder=3.5)
    lit.set_gid(f"{gid}-lit")
    ax.add_collection(lit)
    ax.add_collection(PolyCollection(
        [plane.outline(k) for k in range(plane.n_slices)], facecolors="none", edgecolors=ink(),
        linewidths=1.1, zorder=3.6,
    ))
    panel = GridPanel(plane, view, cells, lit, names)
    room = (0.9 * scale, 0.9 * scale)
    size = fitting_size([*names, *(room_labels or [])], room, font_size("label"))
    panel.roomy = size is not None
    if size is None:
        size = fitting_size(names, room, font_size("label"))
    panel.size = size
    if size is not None:
        rank, r, c = (a.ravel() for a in np.indices((plane.n_slices, plane.rows, plane.cols)))
        x, y = plane.centres(rank, r, c)
        for xi, yi, name in zip(x.tolist(), y.tolist(), names, strict=True):
            ax.text(xi, yi, name, ha="center", va="center", fontsize=size, color=muted_ink(),
                    zorder=3, in_layout=False)
    return panel
