"""Where units sit in a figure: shown parts of a shape, and planes of cells.

Any layer input or output is laid out as *slices* of ``rows x columns`` cells:
``(C, H, W)`` as ``C`` grids, ``(C, L)`` as ``C`` rows, ``(F,)`` as one row, and
``(C, D, H, W)`` as ``C * D`` grids. A :class:`GridView` is the part of such a
layout a figure shows; a :class:`Plane` places a view's cells on the page, flat
or in an oblique projection (a grid lying on a table, seen from the front).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["OBLIQUE", "GridView", "Plane", "layout_shape"]

OBLIQUE = (0.5, 0.35)
"""Depth squash and shear of the oblique projection: a row recedes 0.5 up, 0.35 right."""


def layout_shape(shape: Sequence[int]) -> tuple[int, int, int]:
    """``shape`` as ``(slices, rows, columns)``, keeping the flat C order of units.

    Examples
    --------
    >>> layout_shape((16,)), layout_shape((2, 5)), layout_shape((2, 3, 4, 5))
    ((1, 1, 16), (2, 1, 5), (6, 4, 5))
    """
    if len(shape) == 1:
        return (1, 1, int(shape[0]))
    if len(shape) == 2:
        return (int(shape[0]), 1, int(shape[1]))
    return (math.prod(shape[:-2]), int(shape[-2]), int(shape[-1]))


@dataclass(frozen=True)
class GridView:
    """The shown part of a laid-out shape: some slices, a window of rows and columns.

    Examples
    --------
    >>> view = GridView.whole((1, 4, 4))
    >>> view.complete, view.units[:5].tolist()
    (True, [0, 1, 2, 3, 4])
    >>> part = GridView((1, 4, 4), (0,), range(0, 2), range(1, 3))
    >>> part.units.tolist()
    [1, 2, 5, 6]
    >>> part.locate(np.array([5, 15]))
    (array([ True, False]), array([0]), array([1]), array([0]))
    """

    shape: tuple[int, int, int]
    slices: tuple[int, ...]
    rows: range
    cols: range

    @classmethod
    def whole(cls, shape: Sequence[int]) -> GridView:
        """Every unit of ``shape``."""
        slices, rows, cols = layout_shape(shape)
        return cls((slices, rows, cols), tuple(range(slices)), range(rows), range(cols))

    @property
    def complete(self) -> bool:
        """Whether every unit is shown."""
        return self == GridView.whole(self.shape)

    @property
    def units(self) -> np.ndarray:
        """Flat indices of the shown units, slice by slice, row by row."""
        s = np.asarray(self.slices, dtype=np.int64)[:, None, None]
        r = np.asarray(self.rows, dtype=np.int64)[None, :, None]
        c = np.asarray(self.cols, dtype=np.int64)[None, None, :]
        _, n_rows, n_cols = self.shape
        return ((s * n_rows + r) * n_cols + c).ravel()

    def locate(self, units: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Which ``units`` are shown, and the shown ones' slice rank, row and column.

        Rows and columns count from the view's first shown row and column.
        """
        s, r, c = np.unravel_index(np.asarray(units, dtype=np.int64), self.shape)
        slices = np.asarray(self.slices, dtype=np.int64)
        shown = (
            np.isin(s, slices)
            & (r >= self.rows.start) & (r < self.rows.stop)
            & (c >= self.cols.start) & (c < self.cols.stop)
        )
        rank = np.searchsorted(slices, s[shown])
        return shown, rank, r[shown] - self.rows.start, c[shown] - self.cols.start

    def describe(self, noun: str) -> str:
        """What the view shows of the whole, in words (1-based), or ``""`` when complete."""
        n_slices, n_rows, n_cols = self.shape
        parts = []
        if len(self.slices) < n_slices:
            parts.append(f"{_ranges(self.slices)} of {n_slices}")
        if len(self.rows) < n_rows:
            parts.append(f"rows {self.rows.start + 1}–{self.rows.stop} of {n_rows}")
        if len(self.cols) < n_cols:
            label = "columns" if n_rows > 1 else "positions"
            parts.append(f"{label} {self.cols.start + 1}–{self.cols.stop} of {n_cols}")
        if not parts:
            return ""
        return f"{noun}: " + ", ".join(parts)


def _ranges(slices: Sequence[int]) -> str:
    """Slice numbers, 1-based, with runs shortened: ``channels 1–3, 5``."""
    runs: list[list[int]] = []
    for s in slices:
        if runs and s == runs[-1][-1] + 1:
            runs[-1].append(s)
        else:
            runs.append([s])
    text = ", ".join(f"{r[0] + 1}–{r[-1] + 1}" if len(r) > 2 else
                     ", ".join(str(v + 1) for v in r) for r in runs)
    return ("channel " if len(slices) == 1 else "channels ") + text


@dataclass(frozen=True)
class Plane:
    """Cells of a view placed on the page: slices side by side, each ``rows x cols`` cells.

    A cell is ``pitch`` wide. In world coordinates ``u`` runs along columns, ``v``
    from the front row (0) to the back row, ``z`` is the height of the plane; the
    page point is ``(u + shear * v, z + squash * v)``. A flat plane has
    ``squash = 1, shear = 0`` and its first row at the top.

    Examples
    --------
    >>> plane = Plane(n_slices=1, rows=2, cols=3, flat=True)
    >>> plane.centres(np.array([0]), np.array([0]), np.array([2]))
    (array([2.5]), array([1.5]))
    >>> plane.width, plane.depth
    (3.0, 2.0)
    """

    n_slices: int
    rows: int
    cols: int
    pitch: float = 1.0
    u0: float = 0.0
    v0: float = 0.0
    z: float = 0.0
    flat: bool = False
    gap: float = 1.0
    """Space between slices, in cells of this plane."""

    @property
    def squash(self) -> float:
        """Vertical page extent of one unit of depth."""
        return 1.0 if self.flat else OBLIQUE[0]

    @property
    def shear(self) -> float:
        """Horizontal page shift of one unit of depth."""
        return 0.0 if self.flat else OBLIQUE[1]

    @property
    def width(self) -> float:
        """World extent along ``u`` of all slices."""
        return self.pitch * (self.n_slices * self.cols + (self.n_slices - 1) * self.gap)

    @property
    def depth(self) -> float:
        """World extent along ``v``."""
        return self.pitch * self.rows

    def project(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Page coordinates of world points on this plane."""
        return u + self.shear * v, self.z + self.squash * v

    def _corner_uv(self, rank: np.ndarray, r: np.ndarray, c: np.ndarray) -> tuple[
        np.ndarray, np.ndarray
    ]:
        """World coordinates of each cell's front-left corner."""
        u = self.u0 + self.pitch * (rank * (self.cols + self.gap) + c)
        v = self.v0 + self.pitch * (self.rows - 1 - r)
        return u, v

    def centres(
        self, rank: np.ndarray, r: np.ndarray, c: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Page coordinates of cell centres."""
        u, v = self._corner_uv(rank, r, c)
        return self.project(u + self.pitch / 2, v + self.pitch / 2)

    def cell_polygons(self) -> np.ndarray:
        """Every cell's outline, ``(n_cells, 4, 2)``, slice by slice, row by row."""
        rank, r, c = (a.ravel() for a in np.indices((self.n_slices, self.rows, self.cols)))
        u, v = self._corner_uv(rank, r, c)
        du = np.array([0.0, 1.0, 1.0, 0.0]) * self.pitch
        dv = np.array([0.0, 0.0, 1.0, 1.0]) * self.pitch
        x, y = self.project(u[:, None] + du, v[:, None] + dv)
        return np.stack([x, y], axis=-1)

    def outline(self, rank: int) -> np.ndarray:
        """The outline of one slice, ``(4, 2)``."""
        u0, v0 = self._corner_uv(np.array([rank]), np.array([self.rows - 1]), np.array([0]))
        du = np.array([0.0, self.cols, self.cols, 0.0]) * self.pitch
        dv = np.array([0.0, 0.0, self.rows, self.rows]) * self.pitch
        x, y = self.project(u0 + du, v0 + dv)
        return np.stack([x, y], axis=-1)
