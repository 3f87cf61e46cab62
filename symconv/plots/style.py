"""The shared look of symconv's figures: one colour per weight, ink and fonts from rcParams.

Every figure that colours connections by their weight uses :class:`ParameterColors`,
so a weight has the same colour in a connectivity diagram, a sparsity pattern, a
receptive field and an animation of the same layer. Up to eight weights get the
Okabe–Ito palette, nine or ten Petroff's ten-colour palette (both designed to stay
distinct under colour-vision deficiencies); more get colorcet's Glasbey palette of
256 maximally distinct colours, so neighbouring weights always differ. Ink, paper
and font sizes are read from matplotlib's rcParams when a figure is drawn, so a
user's style (``dark_background``, a larger ``font.size``) applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "FIGURE_RC",
    "FIXED",
    "FOLDED",
    "FONT_SIZES",
    "HIGHLIGHT",
    "MAX_QUALITATIVE",
    "MIN_FONT_SIZE",
    "OKABE_ITO",
    "PETROFF_10",
    "ParameterColors",
    "cell_edge",
    "cell_face",
    "clean_axes",
    "distinct",
    "figure_style",
    "fitting_size",
    "font_size",
    "ink",
    "muted_ink",
    "paper",
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
"""Petroff's accessible ten-colour sequence (2021), for nine or ten weights."""

MAX_QUALITATIVE = len(PETROFF_10)
"""Most weights that get a colour-blind-safe palette and a legend entry each."""

FIXED = -1
"""Key of a connection without a parameter (the constant of average pooling)."""
FOLDED = -2
"""Key of a matrix entry that sums several weights (folded padding taps)."""
FIXED_COLOR = "#6E6E6E"
FOLDED_COLOR = "#3A3A3A"

HIGHLIGHT = "#FFC20A"
"""The lit output unit of receptive-field and animation figures."""

FONT_SIZES = {"title": 12.0, "subtitle": 9.0, "label": 9.0, "small": 7.5, "legend": 9.0}
"""Font sizes in points at ``font.size = 10``; they scale with the user's ``font.size``."""
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


def _glasbey() -> tuple[str, ...]:
    """Colorcet's 256 maximally distinct colours, starting with the ten of Tableau."""
    import colorcet
    from matplotlib.colors import to_hex, to_rgba_array

    return tuple(str(to_hex(rgba)) for rgba in to_rgba_array(colorcet.glasbey_category10))


@dataclass(frozen=True, eq=False)
class ParameterColors:
    """The colour of each weight a figure shows, keyed by parameter index.

    Build it from the parameter indices that appear (:meth:`of`), with ``total``
    the layer's number of weights: the palette depends on ``total`` and a weight's
    colour on its index only, so a weight keeps its colour in every figure of a
    layer, whatever part of the layer a figure shows. Up to
    :data:`MAX_QUALITATIVE` weights get colour-blind-safe palettes (and a legend
    entry each); more get the Glasbey palette, cycled by index. The keys
    :data:`FIXED` and :data:`FOLDED` get neutral greys.

    Examples
    --------
    >>> colors = ParameterColors.of([3, 0, 1, 2, 3, 0])
    >>> colors.params.tolist(), colors.qualitative
    ([0, 1, 2, 3], True)
    >>> colors.hex(2)
    '#009e73'
    >>> many = ParameterColors.of(range(64))
    >>> many.qualitative, len({many.hex(k) for k in range(64)})
    (False, 64)
    >>> ParameterColors.of([5], total=64).hex(5) == many.hex(5)
    True
    """

    params: np.ndarray
    """The distinct parameter indices shown, sorted."""
    total: int
    """How many weights the palette is chosen for (the layer's, or those shown)."""

    @classmethod
    def of(cls, keys: Iterable[int] | np.ndarray, total: int | None = None) -> ParameterColors:
        """The colours of the weights among ``keys`` (neutral keys are left out).

        ``total`` is the layer's number of weights; by default one more than
        the largest index shown.
        """
        found = distinct(keys)
        found = found[found >= 0]
        count = int(found[-1]) + 1 if len(found) else 0
        return cls(found, max(count, 0 if total is None else int(total)))

    @property
    def qualitative(self) -> bool:
        """Whether the weights get a colour-blind-safe palette (and a legend entry each)."""
        return self.total <= MAX_QUALITATIVE

    @property
    def palette(self) -> tuple[str, ...]:
        """The palette in use for this many weights."""
        if self.total <= len(OKABE_ITO):
            return OKABE_ITO
        return PETROFF_10 if self.qualitative else _glasbey()

    def rgba(self, keys: np.ndarray) -> np.ndarray:
        """An ``(n, 4)`` array of colours, one per key (a parameter index or a neutral key)."""
        from matplotlib.colors import to_rgba, to_rgba_array

        keys = np.asarray(keys, dtype=np.int64)
        out = np.empty((len(keys), 4))
        out[keys == FIXED] = to_rgba(FIXED_COLOR)
        out[keys == FOLDED] = to_rgba(FOLDED_COLOR)
        real = keys >= 0
        table = to_rgba_array(self.palette)
        out[real] = table[keys[real] % len(table)]
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


def ink() -> str:
    """The colour of text and outlines: the user's ``text.color``.

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context({"text.color": "red"}):
    ...     ink()
    'red'
    """
    import matplotlib

    return str(matplotlib.rcParams["text.color"])


def paper() -> str:
    """The background of diagrams: the user's ``axes.facecolor`` (``figure.facecolor`` if none).

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context({"axes.facecolor": "black"}):
    ...     paper()
    'black'
    """
    import matplotlib

    face = matplotlib.rcParams["axes.facecolor"]
    return str(matplotlib.rcParams["figure.facecolor"] if face == "none" else face)


def _blend(share: float) -> tuple[float, float, float, float]:
    """The paper colour with ``share`` of the ink mixed in."""
    from matplotlib.colors import to_rgba

    front, back = np.array(to_rgba(ink())), np.array(to_rgba(paper()))
    mixed = share * front + (1 - share) * back
    return (float(mixed[0]), float(mixed[1]), float(mixed[2]), 1.0)


def muted_ink() -> tuple[float, float, float, float]:
    """Ink for secondary text (subtitles, captions): ink softened towards the paper.

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context({"text.color": "black", "axes.facecolor": "white"}):
    ...     [round(v, 2) for v in muted_ink()]
    [0.35, 0.35, 0.35, 1.0]
    """
    return _blend(0.65)


def cell_face() -> tuple[float, float, float, float]:
    """Face of a unit cell that takes no part in what a figure highlights."""
    return _blend(0.05)


def cell_edge() -> tuple[float, float, float, float]:
    """Edge of a unit cell and thin structural lines."""
    return _blend(0.35)


def font_size(kind: str) -> float:
    """The size in points of a kind of text, scaled by the user's ``font.size``.

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context({"font.size": 20}):
    ...     font_size("title")
    24.0
    """
    import matplotlib

    return FONT_SIZES[kind] * float(matplotlib.rcParams["font.size"]) / 10.0


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


def clean_axes(ax: Axes) -> None:
    """Equal aspect, no ticks, no spines: the axes of a diagram.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
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
    """A bold title and, under it, a smaller muted subtitle (one or more lines).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> set_titles(ax, "Conv2d", "4 parameters")
    >>> ax.get_title(), ax.texts[0].get_text()
    ('Conv2d', '4 parameters')
    """
    lines = subtitle.count("\n") + 1 if subtitle else 0
    size = font_size("subtitle")
    heading = ax.set_title(title, fontsize=font_size("title"), fontweight="bold", color=ink(),
                           pad=6 + 1.3 * size * lines)
    if subtitle:  # hangs under the title, wherever the title ends up
        ax.annotate(
            subtitle, xy=(0.5, 0.0), xycoords=heading, xytext=(0, -2),
            textcoords="offset points", ha="center", va="top", linespacing=1.3,
            fontsize=size, color=muted_ink(),
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
