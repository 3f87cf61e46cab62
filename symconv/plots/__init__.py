"""Figures of a layer's structure: connectivity, sparsity, receptive fields, growth, animation.

Matplotlib is imported only when a figure is drawn. Every function takes ``ax=None``
(or ``fig=None``) and returns what it drew into; none calls ``plt.show()``.
"""

from symconv.plots.animation import animate_convolution
from symconv.plots.comparison import plot_dense_vs_conv
from symconv.plots.connectivity import plot_connectivity
from symconv.plots.growth import plot_parameter_growth
from symconv.plots.receptive import plot_receptive_field
from symconv.plots.sparsity import plot_sparsity
from symconv.plots.units import plot_unit_rows

__all__ = [
    "animate_convolution",
    "plot_connectivity",
    "plot_dense_vs_conv",
    "plot_parameter_growth",
    "plot_receptive_field",
    "plot_sparsity",
    "plot_unit_rows",
]
