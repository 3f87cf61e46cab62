"""The teaching figure: a convolution beside the dense layer between the same sizes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from symconv.dense import Dense
from symconv.plots.connectivity import connectivity_figure, diagram_size
from symconv.plots.figures import new_figure
from symconv.plots.selection import select
from symconv.plots.style import font_size, ink

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from symconv.layer import Layer

__all__ = ["plot_dense_vs_conv"]


def plot_dense_vs_conv(conv: Layer, *, fig: Figure | None = None) -> Figure:
    """Draw a convolution's connectivity beside that of the equivalent dense layer.

    Both panels read the same input and write the same output (the dense
    layer's outputs are laid out like the convolution's); each is titled with
    its parameter and connection counts. The convolution shows a few weights
    repeating over short lines; the dense layer joins every output to every
    input, each line with its own weight. A layer too big to read shows the same
    part of the output in both panels.

    Parameters
    ----------
    conv
        The layer to compare, usually a convolution (any symconv layer works).
    fig
        An empty figure to draw into; by default a new one sized to fit.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with the convolution's axes first.

    Examples
    --------
    >>> import symconv as sc
    >>> fig = sc.plot_dense_vs_conv(sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False))
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['Convolution', 'Dense']
    """
    dense = Dense(conv.in_shape, conv.n_out, bias=conv.bias_shape is not None)
    conv_part = select(conv)
    view = conv_part.out_view
    window = ((slice(view.rows.start, view.rows.stop),) if view.shape[1] > 1 else ()) + (
        slice(view.cols.start, view.cols.stop),
    )
    dense_part = select(dense, conv.out_shape, channels=view.slices, window=window)
    sizes = [diagram_size(conv_part, 6.0), diagram_size(dense_part, 6.0)]
    if fig is None:
        fig = new_figure((sizes[0][0] + sizes[1][0], max(sizes[0][1], sizes[1][1]) + 0.4))
    left, right = fig.subplots(1, 2, width_ratios=[sizes[0][0], sizes[1][0]])
    connectivity_figure(conv, conv_part, left, name="Convolution")
    connectivity_figure(dense, dense_part, right, name="Dense")
    fig.suptitle(
        f"Same input {_shape(conv.in_shape)}, same output {_shape(conv.out_shape)}: "
        f"{conv.num_parameters:,} parameters against {dense.num_parameters:,}",
        fontsize=font_size("title"), color=ink(),
    )
    return fig


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape))
