"""The textbook picture of a recurrent network unrolled in time, one colour per shared weight."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from symconv.plots.style import (
    FONT_SIZES,
    ParameterColors,
    cell_edge,
    cell_face,
    clean_axes,
    ink,
    set_titles,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from symconv.recurrent import RNN

__all__ = ["plot_unrolled_rnn"]


def _positions(rnn: RNN) -> dict[str, tuple[float, float]]:
    """Node centres: one column per step, inputs below, hidden units above."""
    width = max(rnn.input_size, rnn.hidden_size)
    where = {}
    for base, row, count in (("x", 0.0, rnn.input_size), ("h", 2.0, rnn.hidden_size)):
        for t in range(rnn.steps):
            for k in range(count):
                centre = t * (width + 1.5) + (width - 1) / 2
                where[f"{base}{t + 1}_{k + 1}"] = (centre + k - (count - 1) / 2, row)
    return where


def plot_unrolled_rnn(rnn: RNN, *, ax: Axes | None = None) -> Axes:
    """Draw ``rnn`` unrolled over its steps: each colour is one weight, reused at every step.

    Inputs ``x_t`` sit below, hidden states ``h_t`` above; arrows go from ``x_t`` to
    ``h_t`` (``weight_ih``) and from ``h_{t-1}`` to ``h_t`` (``weight_hh``), in the
    colour of the weight they carry. With ``ax=None`` the figure is made through
    pyplot; returns the Axes and never calls ``show()``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import symconv as sc
    >>> ax = sc.plot_unrolled_rnn(sc.LinearRNN((4, 1), 1), ax=Figure().add_subplot())
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['$u$', '$w$']
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    if ax is None:
        import matplotlib.pyplot as plt

        width = max(rnn.input_size, rnn.hidden_size)
        _, ax = plt.subplots(figsize=(1.2 + 0.75 * rnn.steps * (width + 1.5), 3.4),
                             layout="constrained")
    graph = rnn.graph()
    where = _positions(rnn)
    edges = list(graph.edges(data=True))
    params = np.array([data["param"] for *_, data in edges], dtype=np.int64)
    colors = ParameterColors.of(params)
    rgba = colors.rgba(params)
    for (source, target, data), color in zip(edges, rgba, strict=True):
        recurrent = data["kind"] == "weight_hh"
        ax.add_patch(FancyArrowPatch(
            where[source], where[target], arrowstyle="-|>", mutation_scale=9,
            shrinkA=11, shrinkB=11, color=color, linewidth=1.8,
            connectionstyle="arc3,rad=-0.25" if recurrent else "arc3",
            gid="weight_hh" if recurrent else "weight_ih",
        ))
    for node, data in graph.nodes(data=True):
        x, y = where[node]
        ax.scatter([x], [y], s=520, facecolor=cell_face(), edgecolor=cell_edge(), zorder=3)
        ax.text(x, y, f"${data['label']}$", ha="center", va="center",
                fontsize=FONT_SIZES["label"], color=ink(), zorder=4)
    xs = [p[0] for p in where.values()]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(-0.7, 2.9)
    clean_axes(ax)
    keys = colors.params.tolist()
    labels = [f"${rnn.parameters[k]}$" for k in keys]
    handles = [Line2D([], [], color=colors.hex(k), linewidth=2.5) for k in keys]
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              ncols=min(len(keys), 8), frameon=False, fontsize=FONT_SIZES["legend"])
    set_titles(ax, f"{type(rnn).__name__} unrolled over {rnn.steps} steps",
               f"{rnn.num_parameters} shared parameters; "
               f"{rnn.untied_parameters} if every step had its own")
    return ax
