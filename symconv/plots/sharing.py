"""The seed figure of weight sharing: a multi-channel 1-D convolution beside its weight count.

The convolution is drawn with one colour per weight; the count is set against the
dense layer's ``K L`` as the input grows.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from symconv.conv import Conv1d
from symconv.errors import LayerConfigError
from symconv.plots.connectivity import connectivity_figure, diagram_size
from symconv.plots.selection import select
from symconv.plots.style import FONT_SIZES, ink, muted_ink, set_titles

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_weight_sharing"]


def _counts(conv: Conv1d, lengths: list[int]) -> tuple[list[int], list[int], list[int]]:
    """Per input length: the dense ``K L``, the convolution's weights, uses of each.

    Closed forms from the geometry; nothing is built.
    """
    dense, shared, uses = [], [], []
    weights = conv.num_weight_parameters
    for n in lengths:
        geometry = dataclasses.replace(conv.geometry, in_shape=(conv.in_shape[0], n))
        inputs = conv.in_shape[0] * n
        outputs = conv.out_shape[0] * geometry.out_spatial[0]
        dense.append(inputs * outputs)
        shared.append(weights)
        uses.append(geometry.out_spatial[0])
    return dense, shared, uses


def _growth(ax: Axes, conv: Conv1d) -> None:
    """Weights of the dense layer (``K L``) and of the convolution against the input length."""
    from matplotlib.ticker import MaxNLocator

    length = conv.in_shape[1]
    least = conv.in_shape[1] - conv.out_shape[1] + 1  # the shortest input with an output
    lengths = sorted({max(least, 1), *range(max(least, 2), 4 * length + 1)})
    dense, shared, uses = _counts(conv, lengths)
    c_in, c_out, k = conv.in_shape[0], conv.out_shape[0], conv.geometry.kernel[0]
    # neutral inks: the palette's colours stand for weights in the left panel
    ax.plot(lengths, dense, color=muted_ink(), linewidth=2,
            label=f"dense: K·L = ({c_in}n)·({c_out}·n_out)")
    ax.plot(lengths, shared, color=ink(), linewidth=2.5,
            label=f"convolution: {c_out}·{c_in}·{k} = {shared[0]} at every n")
    ax.plot(lengths, uses, color=muted_ink(), linewidth=1.5, linestyle="--",
            label="uses of each shared weight (n_out)")
    here = lengths.index(length)
    for series in (dense, shared, uses):
        ax.plot([length], [series[here]], "o", color=ink(), markersize=4, zorder=3)
    ax.annotate(f"drawn: n = {length}\nK·L = {dense[here]} vs {shared[here]}",
                (length, dense[here]), xytext=(8, 4), textcoords="offset points",
                fontsize=FONT_SIZES["small"], color=ink(), va="bottom")
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("input length n (per channel)", fontsize=FONT_SIZES["label"], color=ink())
    ax.set_ylabel("count (log scale)", fontsize=FONT_SIZES["label"], color=ink())
    ax.grid(True, color="#E4E4E4", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=FONT_SIZES["small"], colors=muted_ink())
    ax.legend(frameon=False, fontsize=FONT_SIZES["small"], loc="upper left")
    set_titles(ax, "Weights against the number of inputs",
               "K inputs, L outputs: a dense layer needs K·L weights,\n"
               "the convolution the same few however long the input")


def plot_weight_sharing(conv: Conv1d, *, fig: Figure | None = None) -> Figure:
    """Draw a multi-channel 1-D convolution, one colour per weight, beside its weight count.

    The left panel is the "multiple input, multiple output" picture: every input
    channel feeds every output channel, each line in the colour of its weight, so a
    colour that repeats along a row is a shared weight. The right panel states the
    weight-sharing arithmetic as the input length ``n`` grows: a dense layer from
    ``K = C_in n`` inputs to ``L = C_out n_out`` outputs needs ``K L`` weights, the
    convolution ``C_out C_in k`` whatever ``n``, each used ``n_out`` times.

    Parameters
    ----------
    conv
        A :class:`~symconv.Conv1d`, best small (two or three channels, a few inputs).
    fig
        An empty figure to draw into; by default a new one made through pyplot.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, the connectivity axes first.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import symconv as sc
    >>> fig = sc.plot_weight_sharing(sc.Conv1d((2, 5), 2, 2, bias=False), fig=Figure())
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['Multiple input, multiple output', 'Weights against the number of inputs']
    """
    if not isinstance(conv, Conv1d):
        raise LayerConfigError(
            f"plot_weight_sharing draws a Conv1d; got {type(conv).__name__}"
        )
    part = select(conv)
    width, height = diagram_size(part, 6.0)
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(width + 5.2, max(height, 4.2)), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[width, 5.0])
    connectivity_figure(conv, part, left, name="Multiple input, multiple output")
    _growth(right, conv)
    return fig
