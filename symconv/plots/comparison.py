"""The teaching figure: a convolution beside the dense layer between the same sizes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from symconv.dense import Dense
from symconv.errors import SymconvError
from symconv.plots.connectivity import connectivity_figure, diagram_size
from symconv.plots.figures import new_figure, plot_function, root_figure
from symconv.plots.selection import dense_beside, select
from symconv.plots.style import font_size, ink

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from symconv.layer import Layer

__all__ = ["plot_dense_vs_conv"]


@plot_function()
def plot_dense_vs_conv(
    conv: Layer, ax: Axes | None = None, *, fig: Figure | None = None, style: Any = None
) -> Figure:
    """Draw a convolution's connectivity beside that of the equivalent dense layer.

    Both panels read the same input and write the same output (the dense
    layer's outputs are laid out like the convolution's); each is titled with
    its parameter and connection counts. The convolution shows a few weights
    repeating over short lines; the dense layer joins every output to every
    input, each line with its own weight (and its own colour). A layer too big
    to read shows the same part of the output and the same window of the input
    in both panels.

    Parameters
    ----------
    conv
        The layer to compare, usually a convolution (any symconv layer works).
    ax
        An Axes whose place the two panels take (it is removed); by default a
        new figure sized to fit.
    fig
        An empty figure to draw into instead.
    style
        A matplotlib style applied while drawing (e.g. ``"dark_background"``).

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
    dense_part = dense_beside(dense, conv_part)
    sizes = [diagram_size(conv_part, 6.0), diagram_size(dense_part, 6.0)]
    if ax is not None:
        fig = root_figure(ax)
        spec = ax.get_subplotspec()
        if spec is None:
            raise SymconvError(f"plot_dense_vs_conv: ax={ax!r} is not on a grid of subplots")
        grid = spec.subgridspec(1, 2, width_ratios=[sizes[0][0], sizes[1][0]])
        ax.remove()
        left, right = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    else:
        if fig is None:
            fig = new_figure((sizes[0][0] + sizes[1][0], max(sizes[0][1], sizes[1][1]) + 0.4))
        left, right = fig.subplots(1, 2, width_ratios=[sizes[0][0], sizes[1][0]])
    connectivity_figure(conv, conv_part, left, name="Convolution")
    # the units sit where the convolution's panel names them already
    connectivity_figure(dense, dense_part, right, name="Dense", labels=False)
    fig.suptitle(
        f"Same input {_shape(conv.in_shape)}, same output {_shape(conv.out_shape)}: "
        f"{conv.num_parameters:,} parameters against {dense.num_parameters:,}",
        fontsize=font_size("title"), color=ink(),
    )
    return fig


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape))
