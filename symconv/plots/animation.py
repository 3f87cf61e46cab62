"""An animated GIF of the kernel sliding over the input, in step with the matrix row it fills."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from symconv.errors import SymconvError
from symconv.plots.entries import matrix_entries
from symconv.plots.figures import new_figure
from symconv.plots.labels import output_label
from symconv.plots.receptive import ReceptivePanels, grids_extent, receptive_views
from symconv.plots.sparsity import MAX_SIDE, draw_matrix, matrix_picture
from symconv.plots.style import (
    HIGHLIGHT,
    ParameterColors,
    clean_axes,
    distinct,
    font_size,
    ink,
)

if TYPE_CHECKING:
    from matplotlib.animation import FuncAnimation
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

    from symconv.layer import Layer

__all__ = ["MAX_FRAMES", "SlidingWindow", "animate_convolution"]

MAX_FRAMES = 64
"""Most frames made by default (one per output unit of the first output channel)."""
DIM = 0.6
"""Opacity of the white veil over the matrix rows that are not lit."""
MAX_MATRIX_SYMBOLS = 10
"""Most distinct entries written out in the matrix panel."""
WIDTH = 7.2
"""Width of the animation, in inches."""
MAX_WHOLE_MATRIX = 4096
"""Most matrix entries shown whole; a larger matrix shows the animated rows only."""


class SlidingWindow:
    """The frames of :func:`animate_convolution`: one lit output unit per frame.

    The top panel shows the input grid with the unit's receptive field coloured by
    weight and the output grid with the unit lit; the bottom panel shows the
    matrix with the unit's row lit and the other rows veiled.

    Examples
    --------
    >>> import symconv as sc
    >>> window = SlidingWindow(sc.Conv1d((1, 4), 1, 2), [0, 1, 2])
    >>> window.show(1)[0].get_title()
    'Output $h_{2}$ (2 of 3)'
    """

    def __init__(self, layer: Layer, units: Sequence[int]) -> None:
        from matplotlib.patches import Rectangle

        self.layer = layer
        self.units = [int(u) for u in units]
        self.rows = [matrix_entries(layer, np.array([u])) for u in self.units]
        reads = np.concatenate([e.in_unit for e in self.rows])
        picture = matrix_picture(layer, *_matrix_window(layer, self.units, reads))
        self.colors = ParameterColors.of(picture.entries.key, layer.num_weight_parameters)
        in_view, out_view = receptive_views(layer, reads, np.array(self.units))
        width, depth = grids_extent(in_view, out_view)
        heights = (float(np.clip(WIDTH * depth / width, 0.8, 3.4)) + 0.5,
                   float(np.clip(WIDTH * len(picture.rows) / len(picture.cols), 0.6, 3.0)) + 1.0)
        self.figure: Figure = new_figure((WIDTH, sum(heights) + 0.5))
        self.grids, self.matrix = self.figure.subplots(2, 1, height_ratios=heights)
        self.panels = ReceptivePanels(self.grids, layer, in_view, out_view)
        self.grids.autoscale_view()
        clean_axes(self.grids)
        # the grids name the units already; few distinct texts keep every frame fast
        # (matplotlib re-parses mathtext once a figure holds more than 50 strings)
        few = len(distinct(picture.entries.key)) <= MAX_MATRIX_SYMBOLS
        draw_matrix(self.matrix, layer, picture, symbols=None if few else False, blocks=True,
                    unit_names=False)
        self.picture = picture
        self.veil = self.matrix.imshow(
            np.zeros((len(picture.rows), len(picture.cols), 4), dtype=np.float32),
            extent=picture.extent, zorder=4.5, interpolation="nearest",
            aspect=self.matrix.get_aspect(),
        )
        left, right, _, _ = picture.extent
        self.band = Rectangle((left, -0.5), right - left, 1, fill=False, edgecolor=HIGHLIGHT,
                              linewidth=3.0, zorder=5)
        self.matrix.add_patch(self.band)
        notes = picture.notes(layer)
        self.notes = f" ({notes.removeprefix('shown: ')})" if notes else ""
        self.figure.suptitle(layer.short_repr().replace("->", "→"),
                             fontsize=font_size("title"), fontweight="bold", color=ink())

    def show(self, frame: int) -> list[Artist]:
        """Draw frame ``frame`` (0-based); returns the axes it changed."""
        unit, entries = self.units[frame], self.rows[frame]
        self.panels.light(unit, entries, self.colors)
        veil = np.ones((len(self.picture.rows), len(self.picture.cols), 4), dtype=np.float32)
        veil[..., 3] = DIM
        lit = unit in self.picture.rows
        if lit:
            veil[unit - self.picture.rows.start, :, 3] = 0.0
        self.veil.set_data(veil)
        self.band.set_y(unit - 0.5)
        self.band.set_visible(lit)
        name = output_label(self.layer.out_shape, unit)
        self.grids.set_title(f"Output {name} ({frame + 1} of {len(self.units)})",
                             fontsize=font_size("title") - 1, color=ink())
        self.matrix.set_title(f"the row of {name} in the matrix{self.notes}",
                              fontsize=font_size("label"), color=ink())
        return [self.grids, self.matrix]


def _matrix_window(layer: Layer, units: list[int], reads: np.ndarray) -> tuple[range, range]:
    """The matrix rows of the animated units and the columns they read, whole when small."""
    if layer.n_out * layer.n_in <= MAX_WHOLE_MATRIX:
        return range(layer.n_out), range(layer.n_in)
    first = int(reads.min()) if len(reads) else 0
    last = int(reads.max()) if len(reads) else 0
    return range(min(units), max(units) + 1), range(first, min(last + 1, first + MAX_SIDE))


def _default_units(layer: Layer) -> list[int]:
    per_channel = layer.n_out // layer.out_shape[0] if len(layer.out_shape) > 1 else layer.n_out
    return list(range(min(per_channel, MAX_FRAMES)))


def animate_convolution(
    layer: Layer,
    path: str | os.PathLike[str] | None = None,
    *,
    fps: int = 2,
    units: Sequence[int] | None = None,
    dpi: float = 80,
) -> FuncAnimation:
    """Animate the kernel sliding over the input, and the matrix row each step fills.

    Each frame lights one output unit, colours the input window it reads by
    weight (as in :func:`plot_receptive_field`) and, in a matrix panel below,
    lights that unit's row of the matrix (as in :func:`plot_sparsity`). The
    canonical 4x4 input with a 2x2 kernel and stride 2 makes four frames.

    Parameters
    ----------
    layer
        Any symconv layer (a convolution shows the sliding window best).
    path
        Where to write the animation as a GIF (Pillow writer); nothing is written
        by default. The file appears complete or not at all; a path not ending
        in ``.gif`` raises :class:`~symconv.ExportError`.
    fps
        Frames per second.
    units
        The output units to light, in order (flat 0-based indices or
        ``(channel, *position)`` tuples); by default every unit of the first
        output channel, at most :data:`MAX_FRAMES`.
    dpi
        Resolution of the GIF.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        The animation (display it in a notebook with ``to_jshtml()``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import symconv as sc
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "conv.gif"
    ...     animation = sc.animate_convolution(sc.Conv1d((1, 3), 1, 2), path)
    ...     path.exists()
    True
    >>> type(animation).__name__
    'FuncAnimation'
    """
    from matplotlib.animation import FuncAnimation, PillowWriter

    from symconv.exporting import atomic_path, checked_target

    target = None if path is None else checked_target(path, (".gif",))
    if not isinstance(fps, int) or isinstance(fps, bool) or fps < 1:
        raise SymconvError(f"fps={fps!r} must be a positive integer")
    chosen = _default_units(layer) if units is None else [layer.output_unit(u) for u in units]
    if not chosen:
        raise SymconvError("units=[] must list at least one output unit")
    window = SlidingWindow(layer, chosen)
    animation = FuncAnimation(window.figure, window.show, frames=len(chosen),
                              interval=1000 / fps, blit=False, repeat=True)
    if target is not None:
        with atomic_path(target) as partial:
            animation.save(partial, writer=PillowWriter(fps=fps), dpi=dpi)
    return animation
