"""The shared look of symconv's figures: one colour per parameter, fonts, clean diagram axes.

Every figure that colours connections by their weight uses :class:`ParameterColors`,
so a weight has the same colour in a connectivity diagram, a sparsity pattern, a
receptive field and an animation of the same layer. Up to eight parameters get the
Okabe–Ito palette, nine or ten Petroff's ten-colour palette (both designed to stay
distinct under colour-vision deficiencies); beyond ten, individual colours cannot be
told apart anyway, so parameters are coloured by index along a continuous colormap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap, Normalize
    from matplotlib.figure import Figure

__all__ = [
    "CELL_EDGE",
    "CELL_FACE",
    "FIGURE_RC",
    "FIXED",
    "FOLDED",
    "FONT_SIZES",
    "HIGHLIGHT",
    "INK",
    "MAX_QUALITATIVE",
    "MUTED_INK",
    "OKABE_ITO",
    "PETROFF_10",
    "ParameterColors",
    "axes_size",
    "clean_axes",
    "distinct",
    "figure_style",
    "fitting_size",
    "new_axes",
    "new_figure",
    "root_figure",
    "set_titles",
    "text_color_on",
    "text_width",
]

OKABE_ITO = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"
)
"""Okabe and Ito's colour-blind-safe palette (blue, orange, bluish green, vermillion, ...)."""

PETROFF_10 = (
    "#3F90DA", "#FFA90E", "#BD1F01", "#94A4A2", "#832DB6",
    "#A96B59", "#E76300", "#B9AC70", "#717581", "#92DADD",
)
"""Petroff's accessible ten-colour sequence (2021), for nine or ten parameters."""

MAX_QUALITATIVE = len(PETROFF_10)
"""Most parameters that get a palette colour and a legend; more use a colormap."""

COLORMAP = "viridis"
COLORMAP_RANGE = (0.0, 0.9)
"""Part of the colormap in use: its pale yellow end is hard to see on white."""

FIXED = -1
"""Key of a connection without a parameter (the constant of average pooling)."""
FOLDED = -2
"""Key of a matrix entry that sums several weights (folded padding taps)."""
FIXED_COLOR = "#6E6E6E"
FOLDED_COLOR = "#3A3A3A"

CELL_FACE = "#F4F4F4"
"""Face of a unit cell that takes no part in what a figure highlights."""
CELL_EDGE = "#A8A8A8"
HIGHLIGHT = "#FFC20A"
"""The lit output unit of receptive-field and animation figures."""
INK = "#222222"
MUTED_INK = "#5A5A5A"

FONT_SIZES = {"title": 12.0, "subtitle": 9.0, "label": 9.0, "small": 7.5, "legend": 9.0}
"""Font sizes in points, chosen to stay legible on a slide and in a two-column paper."""
MIN_FONT_SIZE = 6.5
"""Labels that would need a smaller font are left out."""


def distinct(values: Iterable[int] | np.ndarray) -> np.ndarray:
    """The sorted distinct integers among ``values``.

    By sorting: NumPy's own ``unique`` (hash-based since NumPy 2.3) is very slow on
    millions of distinct values, the weight indices of a large dense layer.

    Examples
    --------
    >>> distinct([3, 1, 3, 2]).tolist()
    [1, 2, 3]
    """
    array = np.sort(np.fromiter(values, dtype=np.int64) if not isinstance(values, np.ndarray)
                    else values.astype(np.int64, copy=False).ravel())
    if not len(array):
        return array
    return array[np.concatenate(([True], array[1:] != array[:-1]))]


@dataclass(frozen=True, eq=False)
class ParameterColors:
    """The colour of each parameter a figure shows, keyed by parameter index.

    Build it from the parameter indices that appear (:meth:`of`); indices are
    coloured by rank with a palette when there are at most
    :data:`MAX_QUALITATIVE` of them, otherwise by value along a colormap.
    The keys :data:`FIXED` and :data:`FOLDED` get neutral greys.

    Examples
    --------
    >>> colors = ParameterColors.of([3, 0, 1, 2, 3, 0])
    >>> colors.params.tolist(), colors.qualitative
    ([0, 1, 2, 3], True)
    >>> colors.hex(2)
    '#009e73'
    >>> ParameterColors.of(range(64)).qualitative
    False
    """

    params: np.ndarray
    """The distinct parameter indices shown, sorted."""

    @classmethod
    def of(cls, keys: Iterable[int] | np.ndarray) -> ParameterColors:
        """The colours of the parameters among ``keys`` (neutral keys are left out)."""
        found = distinct(keys)
        return cls(found[found >= 0])

    @property
    def qualitative(self) -> bool:
        """Whether the parameters get palette colours (and a legend entry each)."""
        return len(self.params) <= MAX_QUALITATIVE

    @property
    def palette(self) -> tuple[str, ...]:
        """The palette in use for this many parameters."""
        return OKABE_ITO if len(self.params) <= len(OKABE_ITO) else PETROFF_10

    def colormap(self) -> tuple[Colormap, Normalize]:
        """The colormap and the norm over parameter indices (1-based, as labelled)."""
        from matplotlib import colormaps
        from matplotlib.colors import ListedColormap, Normalize

        lo, hi = COLORMAP_RANGE
        cmap = ListedColormap(colormaps[COLORMAP](np.linspace(lo, hi, 256)))
        first, last = (int(self.params[0]), int(self.params[-1])) if len(self.params) else (0, 1)
        return cmap, Normalize(first + 1, max(last + 1, first + 2))

    def rgba(self, keys: np.ndarray) -> np.ndarray:
        """An ``(n, 4)`` array of colours, one per key (a parameter index or a neutral key)."""
        from matplotlib.colors import to_rgba, to_rgba_array

        keys = np.asarray(keys, dtype=np.int64)
        out = np.empty((len(keys), 4))
        out[keys == FIXED] = to_rgba(FIXED_COLOR)
        out[keys == FOLDED] = to_rgba(FOLDED_COLOR)
        real = keys >= 0
        if self.qualitative:
            table = to_rgba_array(self.palette)
            rank = np.searchsorted(self.params, keys[real])
            out[real] = table[rank % len(table)]
        else:
            cmap, norm = self.colormap()
            out[real] = cmap(norm(keys[real] + 1))
        return out

    def hex(self, key: int) -> str:
        """The colour of one key as ``'#rrggbb'``."""
        from matplotlib.colors import to_hex

        return str(to_hex(self.rgba(np.array([key]))[0]))


def text_color_on(rgba: np.ndarray) -> np.ndarray:
    """Black or white text for each background colour, whichever reads better.

    Examples
    --------
    >>> text_color_on(np.array([[0.0, 0.0, 0.0, 1.0], [1.0, 1.0, 0.9, 1.0]]))
    array(['white', 'black'], dtype='<U5')
    """
    luminance = np.asarray(rgba)[:, :3] @ np.array([0.2126, 0.7152, 0.0722])
    return np.where(luminance < 0.45, "white", "black")


FIGURE_RC: dict[Any, Any] = {
    "font.family": ["DejaVu Sans"],
    "mathtext.fontset": "dejavusans",
    "font.size": 10.0,
    "axes.titlesize": FONT_SIZES["title"],
    "legend.fontsize": FONT_SIZES["legend"],
    "savefig.dpi": 100,
    "figure.dpi": 100,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
}
"""The matplotlib settings of :func:`figure_style` (a style dict for ``plt.style.context``)."""


@contextmanager
def figure_style() -> Iterator[None]:
    """A fixed, deterministic matplotlib style: DejaVu Sans, sizes, resolution, white paper.

    The plot functions do not impose it, so they follow the user's settings; the
    tests and the docs draw and save figures inside it so that images are reproducible.

    Examples
    --------
    >>> import matplotlib
    >>> with figure_style():
    ...     matplotlib.rcParams["font.family"]
    ['DejaVu Sans']
    """
    import matplotlib

    with matplotlib.rc_context(FIGURE_RC):
        yield


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure of ``size`` inches with constrained layout.

    Examples
    --------
    >>> ax = new_axes(None, (4, 3))
    >>> ax.figure.get_size_inches().tolist()
    [4.0, 3.0]
    """
    if ax is not None:
        return ax
    return new_figure(size).add_subplot()


def new_figure(size: tuple[float, float]) -> Figure:
    """A figure of ``size`` inches with constrained layout and a little margin.

    Examples
    --------
    >>> new_figure((4, 3)).get_layout_engine() is not None
    True
    """
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    return Figure(figsize=size, layout=ConstrainedLayoutEngine(w_pad=0.08, h_pad=0.1))


def root_figure(ax: Axes) -> Figure:
    """The top-level figure ``ax`` belongs to (through any subfigures).

    Examples
    --------
    >>> ax = new_axes(None, (4, 3))
    >>> root_figure(ax) is ax.figure
    True
    """
    from matplotlib.figure import Figure

    figure: Any = ax.figure
    while not isinstance(figure, Figure):
        figure = figure.figure
    return figure


def axes_size(ax: Axes) -> tuple[float, float]:
    """Width and height of ``ax`` in points, before any layout engine runs.

    Examples
    --------
    >>> ax = new_axes(None, (4, 3))
    >>> [round(v) for v in axes_size(ax)]
    [223, 166]
    """
    box = ax.get_position()
    width, height = root_figure(ax).get_size_inches()
    return 72 * box.width * float(width), 72 * box.height * float(height)


def clean_axes(ax: Axes) -> None:
    """Equal aspect, no ticks, no spines: the axes of a diagram.

    Examples
    --------
    >>> ax = new_axes(None, (2, 2))
    >>> clean_axes(ax)
    >>> ax.get_xticks().size, ax.spines["top"].get_visible()
    (0, False)
    """
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def set_titles(ax: Axes, title: str, subtitle: str = "") -> None:
    """A bold title and, under it, a smaller grey subtitle (one or more lines).

    Examples
    --------
    >>> ax = new_axes(None, (3, 2))
    >>> set_titles(ax, "Conv2d", "4 parameters")
    >>> ax.get_title(), ax.texts[0].get_text()
    ('Conv2d', '4 parameters')
    """
    lines = subtitle.count("\n") + 1 if subtitle else 0
    heading = ax.set_title(title, fontsize=FONT_SIZES["title"], fontweight="bold", color=INK,
                           pad=8 + 1.4 * FONT_SIZES["subtitle"] * lines)
    if subtitle:  # hangs under the title, wherever the title ends up
        ax.annotate(
            subtitle, xy=(0.5, 0.0), xycoords=heading, xytext=(0, -2),
            textcoords="offset points", ha="center", va="top", linespacing=1.3,
            fontsize=FONT_SIZES["subtitle"], color=MUTED_INK,
        )


def text_width(text: str, size: float) -> float:
    """Width of a string (mathtext between ``$``) in points at font ``size``.

    Examples
    --------
    >>> text_width("$x_{1}$", 10) > text_width("$x$", 10) > 0
    True
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    width = text_to_path.get_text_width_height_descent(
        text, FontProperties(size=size), ismath="$" in text
    )[0]
    return float(width)


def fitting_size(
    labels: Iterable[str], room: tuple[float, float], size: float
) -> float | None:
    """The largest font size up to ``size`` at which every label fits a box of ``room`` points.

    ``None`` when that size would be too small to read.

    Examples
    --------
    >>> fitting_size(["$x_{1}$"], (40.0, 20.0), 9.0)
    9.0
    >>> fitting_size(["$w_{1,1,1,1}$"], (5.0, 20.0), 9.0) is None
    True
    """
    longest = sorted(set(labels), key=len)[-3:]  # measuring every label would be slow
    widest = max((text_width(t, size) for t in longest), default=0.0)
    fitted = min(size, room[1] / 1.45)
    if widest:
        fitted = min(fitted, size * room[0] / widest)
    return fitted if fitted >= MIN_FONT_SIZE else None
