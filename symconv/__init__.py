"""symconv: the exact symbolic weight matrix behind a neural-network layer."""

from symconv.conv import Conv1d, Conv2d, Conv3d
from symconv.dense import Dense
from symconv.errors import (
    LayerConfigError,
    NotLinearError,
    ShapeMismatchError,
    SizeLimitError,
    SymconvError,
)
from symconv.layer import Layer, UnitIndexError
from symconv.local import LocallyConnected1d, LocallyConnected2d
from symconv.pooling import AvgPool1d, AvgPool2d, Subsample2d
from symconv.symbolic import MAX_SYMBOLIC_ENTRIES
from symconv.transposed import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

__version__ = "0.1.0"

__all__ = [
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
    "Layer",
    "LayerConfigError",
    "LocallyConnected1d",
    "LocallyConnected2d",
    "NotLinearError",
    "ShapeMismatchError",
    "SizeLimitError",
    "Subsample2d",
    "SymconvError",
    "UnitIndexError",
    "__version__",
]
