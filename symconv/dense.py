"""The dense (fully connected) layer: every output reads every input through its own weight."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from symconv.connectivity import BiasSharing, ChannelPairs, Structure, Weighting, shared_while_used
from symconv.errors import LayerConfigError
from symconv.geometry import as_flag, as_int, check_shape
from symconv.layer import Layer
from symconv.options import check_torch_options

__all__ = ["Dense", "Linear", "dense_structure"]


@shared_while_used
def dense_structure(in_features: int, out_features: int, bias: bool) -> Structure:
    """A dense layer is a convolution with no spatial axes and one channel per unit."""
    return Structure(
        (), ChannelPairs(out_features, in_features), (), Weighting.TIED,
        bias=BiasSharing.PER_CHANNEL if bias else None,
    )


def _dense_in_shape(value: object) -> tuple[int, ...]:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (as_int(value, "in_features"),)
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray) and value:
        return check_shape(value, "in_shape")
    raise LayerConfigError(
        f"in_shape={value!r} must be a positive int or a tuple of positive ints"
    )


class Dense(Layer):
    """A fully connected layer from ``in_shape_or_features`` to ``out_features`` units.

    The input may have any shape; it is flattened in C order. The weight has
    PyTorch's ``nn.Linear`` layout ``(out_features, in_features)``, one distinct
    symbol ``w_{j,i}`` per entry of the matrix.

    Parameters
    ----------
    in_shape_or_features : int or tuple of int
        Number of input units, or the input's shape (flattened in C order).
    out_features : int
        Number of output units.
    bias : bool
        Add one bias symbol per output unit (default True).
    weight_name : str
        Base name of the weight symbols (``"w"`` gives ``w_1``, ``w_{1,2}``, ...).
    bias_name : str
        Base name of the bias symbols.

    Examples
    --------
    >>> import symconv as sc
    >>> dense = sc.Dense((1, 4, 4), 4, bias=False)
    >>> dense
    Dense((1, 4, 4) -> (4,): 64 parameters, 64 connections)
    >>> dense.matrix()[0, :3]
    Matrix([[w_{1,1}, w_{1,2}, w_{1,3}]])
    >>> sc.Dense(25088, 4096).num_parameters
    102764544
    """

    def __init__(
        self,
        in_shape_or_features: int | tuple[int, ...],
        out_features: int,
        bias: bool = True,
        *,
        weight_name: str = "w",
        bias_name: str = "b",
        **torch_options: Any,
    ) -> None:
        check_torch_options(type(self).__name__, torch_options)
        self.in_shape = _dense_in_shape(in_shape_or_features)
        out_features = as_int(out_features, "out_features")
        self.out_shape = (out_features,)
        self.weight_shape = (out_features, self.n_in)
        self.bias_shape = (out_features,) if as_flag(bias, "bias") else None
        self._set_names(weight_name, bias_name)

    def _make_structure(self) -> Structure:
        return dense_structure(self.n_in, self.n_out, self.bias_shape is not None)


Linear = Dense
"""PyTorch's name for :class:`Dense` (the same class)."""
