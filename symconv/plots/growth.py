"""How the parameters of dense, locally connected and convolutional layers grow with the input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from symconv.conv import Conv2d
from symconv.dense import Dense
from symconv.errors import SymconvError
from symconv.local import LocallyConnected2d
from symconv.plots.figures import new_axes, plot_function
from symconv.plots.style import OKABE_ITO, font_size, ink, muted_ink, set_titles

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from symconv.layer import Layer

__all__ = ["DEFAULT_SIZES", "plot_parameter_growth"]

DEFAULT_SIZES = (4, 8, 16, 32, 64, 128, 224)
"""Input sides ``n`` plotted by default, up to ImageNet's 224."""

FAMILIES = (
    ("dense", "Dense: every output reads every input", OKABE_ITO[3], "o"),
    ("local", "Locally connected: sparse, untied", OKABE_ITO[1], "s"),
    ("conv", "Convolution: sparse, tied", OKABE_ITO[0], "D"),
)


def _layers(n: int, kernel_size: int, channels: int) -> dict[str, Layer]:
    """The three layers from ``channels x n x n`` to an output of the same shape."""
    shape = (channels, n, n)
    return {
        "dense": Dense(shape, channels * n * n),
        "local": LocallyConnected2d(shape, channels, kernel_size, padding="same"),
        "conv": Conv2d(shape, channels, kernel_size, padding="same"),
    }


def _compact(count: int) -> str:
    """A count in a few characters: ``1,792``, ``2.5 M``, ``6.3 G``."""
    for size, suffix in ((10**12, "T"), (10**9, "G"), (10**6, "M")):
        if count >= size:
            return f"{count / size:.3g} {suffix}"
    return f"{count:,}"


@plot_function(layer=False)
def plot_parameter_growth(
    kernel_size: int = 3,
    channels: int = 1,
    sizes: Sequence[int] | None = None,
    ax: Axes | None = None,
    *,
    style: Any = None,
) -> Axes:
    """Plot the trainable parameters of three layer families as the input grows.

    For each input side ``n`` in ``sizes``, three layers map ``channels x n x n``
    to an output of the same shape ("same" padding, bias included): a dense
    layer, whose count grows like ``n**4``; a locally connected layer (sparse
    connectivity only), growing like ``n**2``; and a convolution (sparse and
    shared), whose count does not depend on ``n`` at all. Counts are the layers'
    own :attr:`~symconv.Layer.num_parameters`, computed in closed form, so even
    the 224 x 224 dense layer costs nothing. Both axes are logarithmic.

    Parameters
    ----------
    kernel_size
        Side of the square kernel of the sparse layers.
    channels
        Channels of the input and of the output.
    sizes
        Input sides to plot; default :data:`DEFAULT_SIZES`.
    ax
        Axes to draw into; by default a new figure.
    style
        A matplotlib style (name, file or dict) applied while drawing, e.g.
        ``"dark_background"``; by default the current rcParams.

    Returns
    -------
    matplotlib.axes.Axes
        The axes, with one line per family (labelled as in the legend).

    Examples
    --------
    >>> import symconv as sc
    >>> ax = sc.plot_parameter_growth(3, sizes=[4, 8])
    >>> [line.get_ydata().tolist() for line in ax.get_lines()]
    [[272, 4160], [160, 640], [10, 10]]
    """
    sizes = list(DEFAULT_SIZES if sizes is None else sizes)
    if not sizes:
        raise SymconvError("sizes=[] must list at least one input side")
    sizes = sorted(sizes)
    counts: dict[str, list[int]] = {key: [] for key, *_ in FAMILIES}
    for n in sizes:
        for key, layer in _layers(n, kernel_size, channels).items():
            counts[key].append(layer.num_parameters)
    ax = new_axes(ax, (6.4, 4.4))
    for key, label, color, marker in FAMILIES:
        ax.plot(sizes, counts[key], marker=marker, color=color, linewidth=2.0, markersize=5,
                label=label)
        ax.annotate(_compact(counts[key][-1]), (sizes[-1], counts[key][-1]), xytext=(6, 0),
                    textcoords="offset points", va="center", color=color,
                    fontsize=font_size("small"), fontweight="bold")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.minorticks_off()
    ax.set_xmargin(0.08)
    ax.set_xlabel("input side n (input and output are "
                  f"{channels}×n×n)", fontsize=font_size("label") + 1, color=ink())
    ax.set_ylabel("trainable parameters (log scale)", fontsize=font_size("label") + 1,
                  color=ink())
    ax.grid(True, which="major", color="#E4E4E4", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=font_size("small") + 0.5, colors=muted_ink())
    ax.legend(frameon=False, fontsize=font_size("legend"), loc="upper left")
    plural = "" if channels == 1 else "s"
    set_titles(ax, "Parameters as the input grows",
               f"kernel {kernel_size}×{kernel_size}, {channels} channel{plural} in and out, "
               "'same' padding, bias included")
    return ax
