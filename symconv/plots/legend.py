"""The key of a figure's colours: a legend of weight symbols, or a caption when there are many."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.plots.figures import root_figure
from symconv.plots.labels import key_labels
from symconv.plots.style import (
    ParameterColors,
    distinct,
    font_size,
    ink,
    muted_ink,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from symconv.layer import Layer

__all__ = ["draw_key", "fit_legend"]

LEGEND_ROW = 6
"""Most legend entries per row."""


def _row_major(items: list[Any], ncols: int) -> list[Any]:
    """Reorder items so that matplotlib's column-by-column legend reads row by row."""
    nrows = -(-len(items) // ncols)
    return [items[i * ncols + j] for j in range(ncols) for i in range(nrows)
            if i * ncols + j < len(items)]


def draw_key(
    ax: Axes, layer: Layer, colors: ParameterColors, keys: np.ndarray, *, marker: str = "line"
) -> None:
    """Below ``ax``: a legend of the weights' symbols, or a caption when there are many.

    ``keys`` are the keys drawn (parameter indices and neutral keys); ``marker``
    is ``"line"`` (connections) or ``"square"`` (matrix cells).

    Examples
    --------
    >>> import numpy as np
    >>> import symconv as sc
    >>> from symconv.plots.figures import new_axes
    >>> ax = new_axes(None, (3, 2))
    >>> draw_key(ax, sc.Conv1d((1, 4), 1, 2), ParameterColors.of([0, 1]), np.array([0, 1]))
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['$w_{1}$', '$w_{2}$']
    """
    from matplotlib.lines import Line2D

    found = distinct(keys)
    neutral = found[found < 0][::-1].tolist()
    shown = [*(colors.params.tolist() if colors.qualitative else []), *neutral]
    caption = None
    if not colors.qualitative:  # a legend of so many entries would be useless
        caption = (f"each of the {len(colors.params):,} weights shown has a colour of its own"
                   if len(colors.params) > 1 else "one weight shown")
    if not shown and caption is None:
        return
    ncols = max(1, -(-len(shown) // -(-len(shown) // LEGEND_ROW))) if shown else 1
    style: dict[str, Any] = (
        {"linewidth": 2.5} if marker == "line"
        else {"linestyle": "none", "marker": "s", "markersize": 9}
    )
    handles = [Line2D([], [], color=colors.hex(k), **style) for k in shown]
    key = ax.legend(
        _row_major(handles, ncols), _row_major(key_labels(layer, shown), ncols),
        loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=ncols, frameon=False,
        fontsize=font_size("legend"), handlelength=1.6 if marker == "line" else 1.0,
        columnspacing=1.4, title=caption, title_fontsize=font_size("subtitle"),
        borderaxespad=0.5 + _below_axes(ax) / font_size("legend"),
        labelcolor=ink(),
    )
    key.get_title().set_color(muted_ink())


def _below_axes(ax: Axes) -> float:
    """Points from the bottom of ``ax`` to the bottom of its x-axis ticks and label."""
    figure = root_figure(ax)
    get_renderer = getattr(figure.canvas, "get_renderer", None)
    if get_renderer is None or not ax.xaxis.get_visible() or not len(ax.get_xticks()):
        return 0.0
    renderer = get_renderer()
    decorations = ax.xaxis.get_tightbbox(renderer)
    if decorations is None:
        return 0.0
    gap = ax.get_window_extent(renderer).y0 - decorations.y0
    return max(0.0, float(gap)) * 72 / figure.dpi


def fit_legend(ax: Axes) -> None:
    """Widen the figure of ``ax`` so that its legend fits.

    Examples
    --------
    >>> import numpy as np
    >>> import symconv as sc
    >>> from symconv.plots.figures import new_axes
    >>> ax = new_axes(None, (1, 2))
    >>> layer = sc.Conv1d((1, 9), 1, 8)
    >>> draw_key(ax, layer, ParameterColors.of(range(8)), np.arange(8))
    >>> fit_legend(ax)
    >>> float(ax.figure.get_size_inches()[0]) > 1
    True
    """
    key = ax.get_legend()
    if key is None:
        return
    figure = root_figure(ax)
    needed = key.get_window_extent().width / figure.dpi + 0.3
    width, height = figure.get_size_inches()
    if needed > width:
        figure.set_size_inches(needed, height)
