"""symconv: the exact symbolic weight matrix behind a neural-network layer."""

from symconv.bigmatrix import LayerMatrix
from symconv.conv import Conv1d, Conv2d, Conv3d
from symconv.dense import Dense
from symconv.errors import (
    ExportError,
    LayerConfigError,
    NotLinearError,
    ShapeMismatchError,
    SizeLimitError,
    SpecError,
    SymconvError,
    UnitIndexError,
    UnsupportedModuleError,
)
from symconv.exporting import export
from symconv.from_torch import from_torch
from symconv.graph import layer_graph
from symconv.graphfile import read_graph
from symconv.layer import Layer
from symconv.local import LocallyConnected1d, LocallyConnected2d
from symconv.models import alexnet, lenet5, vgg16
from symconv.network import Sequential
from symconv.plots import (
    animate_convolution,
    plot_connectivity,
    plot_dense_vs_conv,
    plot_parameter_growth,
    plot_receptive_field,
    plot_sparsity,
)
from symconv.plots.network import plot_network_receptive_field, plot_receptive_field_growth
from symconv.pooling import AvgPool1d, AvgPool2d, Subsample2d
from symconv.receptive import ReceptiveField, trace_receptive_field
from symconv.spec import parse_spec
from symconv.structural import Flatten, Identity, MaxPool1d, MaxPool2d, ReLU, Sigmoid, Tanh
from symconv.summary import Summary
from symconv.symbolic import MAX_NUMERIC_ENTRIES, MAX_SYMBOLIC_ENTRIES
from symconv.transposed import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

__version__ = "0.1.0"

__all__ = [
    "MAX_NUMERIC_ENTRIES",
    "MAX_SYMBOLIC_ENTRIES",
    "AvgPool1d",
    "AvgPool2d",
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "Dense",
    "ExportError",
    "Flatten",
    "Identity",
    "Layer",
    "LayerConfigError",
    "LayerMatrix",
    "LocallyConnected1d",
    "LocallyConnected2d",
    "MaxPool1d",
    "MaxPool2d",
    "NotLinearError",
    "ReLU",
    "ReceptiveField",
    "Sequential",
    "ShapeMismatchError",
    "Sigmoid",
    "SizeLimitError",
    "SpecError",
    "Subsample2d",
    "Summary",
    "SymconvError",
    "Tanh",
    "UnitIndexError",
    "UnsupportedModuleError",
    "__version__",
    "alexnet",
    "animate_convolution",
    "export",
    "from_torch",
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
    "read_graph",
    "trace_receptive_field",
    "vgg16",
]
