"""An animation of the kernel sliding over the input, in step with the matrix row it fills.

The figure is drawn once; each frame then redraws only what changes (the lit
cells and their labels, the veil over the matrix, the titles) over a copy of
that first drawing, as matplotlib's blitting does. The frames become an
animation of images, so writing a GIF or the notebook's HTML player costs an
image per frame, not a figure.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.errors import SymconvError
from symconv.layer import Layer
from symconv.plots.entries import matrix_entries
from symconv.plots.figures import check_drawable, checked_dpi, fit_canvas, new_figure, off_screen
from symconv.plots.labels import geometry_caption, output_name
from symconv.plots.receptive import ReceptivePanels, grids_extent, receptive_views
from symconv.plots.sparsity import MAX_SIDE, draw_matrix, matrix_picture
from symconv.plots.style import (
    HIGHLIGHT,
    ParameterColors,
    clean_axes,
    distinct,
    font_size,
    ink,
    paper,
)

if TYPE_CHECKING:
    from matplotlib.animation import ArtistAnimation
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

__all__ = ["MAX_FRAMES", "ConvolutionAnimation", "SlidingWindow", "animate_convolution"]

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
    >>> print(window.show(1)[0].get_title())
    Output h₂ (2 of 3)
    kernel 2 · stride 1 · padding 0 · dilation 1
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
        with off_screen():  # frames are images: pyplot must not show the figure too
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
        self.caption = geometry_caption(layer)
        from matplotlib.colors import to_rgba

        self.paper = np.array(to_rgba(paper()), dtype=np.float32)

    @property
    def moving(self) -> list[Artist]:
        """The artists a frame changes, drawn over the still part of the figure."""
        panels = self.panels
        return [*panels.inputs.moving, *panels.outputs.moving, self.veil, self.band,
                self.grids.title, self.matrix.title]

    def frames(self, dpi: float) -> list[np.ndarray]:
        """Every frame as an RGBA image at ``dpi``: the still part drawn once, then blitted."""
        figure = self.figure
        figure.set_dpi(dpi)
        self.show(0)  # the titles of a frame take their room in the layout
        fit_canvas(figure)
        for artist in self.moving:
            artist.set_animated(True)
        self.veil.set_visible(False)  # images are drawn even when animated
        canvas = figure.canvas
        canvas.draw()
        still = canvas.copy_from_bbox(figure.bbox)  # type: ignore[attr-defined]
        self.veil.set_visible(True)
        images = []
        for frame in range(len(self.units)):
            self.show(frame)
            canvas.restore_region(still)  # type: ignore[attr-defined]
            for artist in self.moving:
                figure.draw_artist(artist)
            images.append(np.array(canvas.buffer_rgba()))  # type: ignore[attr-defined]
        return images

    def show(self, frame: int) -> list[Artist]:
        """Draw frame ``frame`` (0-based); returns the axes it changed."""
        unit, entries = self.units[frame], self.rows[frame]
        self.panels.light(unit, entries, self.colors)
        veil = np.empty((len(self.picture.rows), len(self.picture.cols), 4), dtype=np.float32)
        veil[...] = self.paper
        veil[..., 3] = DIM
        lit = unit in self.picture.rows
        if lit:
            veil[unit - self.picture.rows.start, :, 3] = 0.0
        self.veil.set_data(veil)
        self.band.set_y(unit - 0.5)
        self.band.set_visible(lit)
        name = output_name(self.layer.out_shape, unit)
        heading = f"Output {name} ({frame + 1} of {len(self.units)})"
        self.grids.set_title(f"{heading}\n{self.caption}" if self.caption else heading,
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


class ConvolutionAnimation:
    """The frames of :func:`animate_convolution`; a notebook shows them as a player.

    It holds the rendered frames (:attr:`frames`, RGBA arrays) and a matplotlib
    :class:`~matplotlib.animation.ArtistAnimation` of them (:attr:`animation`),
    saved at the resolution they were rendered at. ``_repr_html_`` is
    :meth:`to_jshtml`, so a notebook cell ending with it shows a playable
    animation with controls.

    Examples
    --------
    >>> import symconv as sc
    >>> animation = sc.animate_convolution(sc.Conv1d((1, 3), 1, 2))
    >>> len(animation.frames), animation.frames[0].shape[2]
    (2, 4)
    """

    def __init__(self, frames: list[np.ndarray], dpi: float, fps: int) -> None:
        self.frames = frames
        self.dpi = dpi
        self.fps = fps

    @functools.cached_property
    def animation(self) -> ArtistAnimation:
        """The frames as a matplotlib animation (made when first asked for)."""
        from matplotlib.animation import ArtistAnimation
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        height, width = self.frames[0].shape[:2]
        figure = Figure(figsize=(width / self.dpi, height / self.dpi), dpi=self.dpi)
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_axis_off()
        shown = [[ax.imshow(image, interpolation="none", aspect="auto", animated=True)]
                 for image in self.frames]
        return ArtistAnimation(figure, shown, interval=1000 / self.fps, blit=False,
                               repeat=True)

    def save_gif(self, path: str | os.PathLike[str]) -> None:
        """Write the frames as a looping GIF with Pillow (a palette per frame, no dithering)."""
        from PIL import Image

        first, *rest = (
            Image.fromarray(frame[..., :3]).quantize(
                method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
            for frame in self.frames
        )
        first.save(path, format="GIF", save_all=True, append_images=rest,
                   duration=round(1000 / self.fps), loop=0)

    def save(self, filename: Any, writer: Any = None, **options: Any) -> None:
        """Save as :meth:`matplotlib.animation.Animation.save`, at the frames' resolution."""
        options.setdefault("dpi", self.dpi)
        self.animation.save(filename, writer, **options)

    def to_jshtml(self) -> str:
        """The animation as an HTML player with controls (frames embedded)."""
        return str(self.animation.to_jshtml(fps=self.fps))

    def _repr_html_(self) -> str:
        return self.to_jshtml()


def animate_convolution(
    layer: Layer,
    path: str | os.PathLike[str] | None = None,
    *,
    fps: int = 2,
    units: Sequence[int] | None = None,
    dpi: float = 80,
) -> ConvolutionAnimation:
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
        Resolution of the frames (20 to 1200).

    Returns
    -------
    ConvolutionAnimation
        A matplotlib animation of the rendered frames. Ending a notebook cell
        with it shows a player (its ``_repr_html_`` is ``to_jshtml()``); its
        ``save`` writes any format matplotlib writes.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import symconv as sc
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "conv.gif"
    ...     animation = sc.animate_convolution(sc.Conv1d((1, 3), 1, 2), path)
    ...     path.exists()
    True
    >>> "<script" in animation._repr_html_()
    True
    """
    from symconv.exporting import atomic_path, checked_target

    if not isinstance(layer, Layer):
        raise SymconvError(f"animate_convolution animates one layer; got {type(layer).__name__}")
    check_drawable("animate_convolution", layer)
    target = None if path is None else checked_target(path, (".gif",))
    if not isinstance(fps, int) or isinstance(fps, bool) or fps < 1:
        raise SymconvError(f"fps={fps!r} must be a positive integer")
    resolution = checked_dpi(dpi)
    chosen = _default_units(layer) if units is None else [layer.output_unit(u) for u in units]
    if not chosen:
        raise SymconvError("units=[] must list at least one output unit")
    animation = ConvolutionAnimation(SlidingWindow(layer, chosen).frames(resolution),
                                     resolution, fps)
    if target is not None:
        with atomic_path(target) as partial:
            animation.save_gif(partial)
    return animation
