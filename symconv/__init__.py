"""symconv: the exact symbolic weight matrix behind a neural-network layer."""

import typing

from symconv import _namespace

__version__ = "0.2.0"

# Every public name, as type checkers and the docs see it. At run time each one is
# imported on first use (see symconv/_namespace.py): add a name with one line here
# and its entry in __all__.
if typing.TYPE_CHECKING:
    from symconv.adaptive import AdaptiveAvgPool1d, AdaptiveAvgPool2d
    from symconv.bigmatrix import LayerMatrix
    from symconv.conv import Conv1d, Conv2d, Conv3d
    from symconv.dense import Dense, Linear
    from symconv.errors import (
        ExportError,
        FileWriteError,
        LayerConfigError,
        NotLinearError,
        ShapeMismatchError,
        SizeLimitError,
        SpecError,
        SymconvError,
        UnitIndexError,
        UnsupportedModuleError,
    )
    from symconv.explore import explore
    from symconv.exporting import export
    from symconv.from_torch import from_torch
    from symconv.graph import layer_graph
    from symconv.graphfile import read_graph
    from symconv.latex import latex_matrix
    from symconv.layer import Layer
    from symconv.local import LocallyConnected1d, LocallyConnected2d
    from symconv.models import alexnet, lenet5, vgg16
    from symconv.network import Sequential
    from symconv.normalization import BatchNorm1d, BatchNorm2d, Dropout
    from symconv.plots import (
        animate_convolution,
        plot_connectivity,
        plot_dense_vs_conv,
        plot_parameter_growth,
        plot_receptive_field,
        plot_sparsity,
        plot_unit_rows,
    )
    from symconv.plots.network import plot_network_receptive_field, plot_receptive_field_growth
    from symconv.plots.sharing import plot_weight_sharing
    from symconv.plots.unrolled import plot_unrolled_rnn
    from symconv.pooling import AvgPool1d, AvgPool2d, Subsample2d
    from symconv.receptive import ReceptiveField, trace_receptive_field
    from symconv.recurrent import RNN, LinearRNN
    from symconv.residual import Residual
    from symconv.spec import parse_spec
    from symconv.structural import (
        ELU,
        GELU,
        Flatten,
        Identity,
        LeakyReLU,
        MaxPool1d,
        MaxPool2d,
        ReLU,
        Sigmoid,
        SiLU,
        Tanh,
    )
    from symconv.summary import Summary
    from symconv.symbolic import MAX_NUMERIC_ENTRIES, MAX_SYMBOLIC_ENTRIES
    from symconv.tiled import TiledConv1d, TiledConv2d
    from symconv.transposed import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

__all__ = [
    "ELU",
    "GELU",
    "MAX_NUMERIC_ENTRIES",
    "MAX_SYMBOLIC_ENTRIES",
    "RNN",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "Dense",
    "Dropout",
    "ExportError",
    "FileWriteError",
    "Flatten",
    "Identity",
    "Layer",
    "LayerConfigError",
    "LayerMatrix",
    "LeakyReLU",
    "Linear",
    "LinearRNN",
    "LocallyConnected1d",
    "LocallyConnected2d",
    "MaxPool1d",
    "MaxPool2d",
    "NotLinearError",
    "ReLU",
    "ReceptiveField",
    "Residual",
    "Sequential",
    "ShapeMismatchError",
    "SiLU",
    "Sigmoid",
    "SizeLimitError",
    "SpecError",
    "Subsample2d",
    "Summary",
    "SymconvError",
    "Tanh",
    "TiledConv1d",
    "TiledConv2d",
    "UnitIndexError",
    "UnsupportedModuleError",
    "__version__",
    "alexnet",
    "animate_convolution",
    "explore",
    "export",
    "from_torch",
    "latex_matrix",
    "layer_graph",
    "lenet5",
    "parse_spec",
    "plot_connectivity",
    "plot_dense_vs_conv",
    "plot_network_receptive_field",
    "plot_parameter_growth",
    "plot_receptive_field",
    "plot_receptive_field_growth",
    "plot_sparsity",
    "plot_unit_rows",
    "plot_unrolled_rnn",
    "plot_weight_sharing",
    "read_graph",
    "trace_receptive_field",
    "vgg16",
]

_namespace.lazy_namespace(__name__)
