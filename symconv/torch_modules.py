"""One PyTorch module (or functional call) to one symconv layer, with its numbers.

Used by :func:`symconv.from_torch`; PyTorch itself is never imported here: the
converters read the modules' attributes. Each converter takes the module and
the shape of its input (without the batch axis) and returns the layer and its
``(weight, bias)`` numbers (``None`` without parameters or without numbers,
e.g. on PyTorch's ``meta`` device). Batch normalisation is converted as at
inference: its running statistics are folded into one scale and one shift per
channel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from symconv.adaptive import AdaptiveAvgPool1d, AdaptiveAvgPool2d
from symconv.conv import Conv1d, Conv2d, Conv3d
from symconv.dense import Dense
from symconv.errors import ShapeMismatchError, UnsupportedModuleError
from symconv.layer import Layer
from symconv.normalization import BatchNorm1d, BatchNorm2d, Dropout
from symconv.pooling import AvgPool1d, AvgPool2d
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
from symconv.transposed import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

__all__ = ["CONVERTERS", "SUPPORTED_MODULES", "Converted", "module_numbers"]

Shape = tuple[int, ...]
Numbers = tuple[Any, Any] | None
Converted = tuple[Layer, Numbers]
Converter = Callable[[Any, Shape], Converted]


def module_numbers(module: Any) -> Numbers:
    """The module's weight and bias as NumPy arrays (``None`` without numbers).

    CPU tensors are shared, not copied; a module on PyTorch's ``meta`` device
    (shapes without numbers) gives ``None``.
    """
    weight, bias = getattr(module, "weight", None), getattr(module, "bias", None)
    if weight is None or weight.is_meta:
        return None
    return (weight.detach().cpu().numpy(),
            None if bias is None else bias.detach().cpu().numpy())


def _check_channels(m: Any, shape: Shape, expected: int) -> None:
    if shape[0] != expected:
        raise ShapeMismatchError(
            f"{type(m).__name__} expects {expected} input channels; its input {shape} "
            f"has {shape[0]}"
        )


def _conv(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Converted:
        _check_channels(m, shape, m.in_channels)
        layer = cls(shape, m.out_channels, m.kernel_size, stride=m.stride, padding=m.padding,
                    dilation=m.dilation, groups=m.groups, bias=m.bias is not None,
                    padding_mode=m.padding_mode)
        return layer, module_numbers(m)
    return _convert


def _transposed(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Converted:
        _check_channels(m, shape, m.in_channels)
        layer = cls(shape, m.out_channels, m.kernel_size, stride=m.stride, padding=m.padding,
                    output_padding=m.output_padding, groups=m.groups,
                    bias=m.bias is not None, dilation=m.dilation)
        return layer, module_numbers(m)
    return _convert


def _avg_pool(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Converted:
        if getattr(m, "divisor_override", None) is not None:
            raise UnsupportedModuleError("divisor_override is not supported")
        return cls(shape, m.kernel_size, stride=m.stride, padding=m.padding,
                   ceil_mode=m.ceil_mode, count_include_pad=m.count_include_pad), None
    return _convert


def _max_pool(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Converted:
        if m.return_indices:
            raise UnsupportedModuleError("return_indices=True is not supported")
        return cls(shape, m.kernel_size, stride=m.stride, padding=m.padding,
                   dilation=m.dilation, ceil_mode=m.ceil_mode), None
    return _convert


def _linear(m: Any, shape: Shape) -> Converted:
    layer = Dense(shape, m.out_features, bias=m.bias is not None)
    if layer.n_in != m.in_features:
        raise ShapeMismatchError(
            f"Linear reads {m.in_features} features; its input has {layer.n_in}"
        )
    return layer, module_numbers(m)


def _flatten(m: Any, shape: Shape) -> Converted:
    if m.start_dim != 1 or m.end_dim != -1:
        raise UnsupportedModuleError(
            f"only Flatten(start_dim=1, end_dim=-1) is supported; got start_dim={m.start_dim}, "
            f"end_dim={m.end_dim}"
        )
    return Flatten(shape), None


def _batch_norm(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Converted:
        if m.running_mean is None:
            raise UnsupportedModuleError(
                "track_running_stats=False: at inference it normalises with each batch's "
                "statistics, which is not a linear map of one input"
            )
        _check_channels(m, shape, m.num_features)
        layer = cls(shape)
        if m.running_mean.is_meta or (m.weight is not None and m.weight.is_meta):
            return layer, None
        mean = m.running_mean.detach().cpu().numpy()
        var = m.running_var.detach().cpu().numpy()
        gamma = np.ones_like(mean) if m.weight is None else m.weight.detach().cpu().numpy()
        beta = np.zeros_like(mean) if m.bias is None else m.bias.detach().cpu().numpy()
        scale = gamma / np.sqrt(var + m.eps)
        return layer, (scale, beta - mean * scale)
    return _convert


def _adaptive(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Converted:
        return cls(shape, m.output_size), None
    return _convert


def _plain(cls: Callable[..., Layer], *keywords: str) -> Converter:
    """A module whose converted layer takes only the shape and the named attributes."""
    def _convert(m: Any, shape: Shape) -> Converted:
        return cls(shape, *(getattr(m, k) for k in keywords)), None
    return _convert


CONVERTERS: dict[str, Converter] = {
    "Conv1d": _conv(Conv1d), "Conv2d": _conv(Conv2d), "Conv3d": _conv(Conv3d),
    "ConvTranspose1d": _transposed(ConvTranspose1d),
    "ConvTranspose2d": _transposed(ConvTranspose2d),
    "ConvTranspose3d": _transposed(ConvTranspose3d),
    "Linear": _linear,
    "AvgPool1d": _avg_pool(AvgPool1d), "AvgPool2d": _avg_pool(AvgPool2d),
    "AdaptiveAvgPool1d": _adaptive(AdaptiveAvgPool1d),
    "AdaptiveAvgPool2d": _adaptive(AdaptiveAvgPool2d),
    "MaxPool1d": _max_pool(MaxPool1d), "MaxPool2d": _max_pool(MaxPool2d),
    "BatchNorm1d": _batch_norm(BatchNorm1d), "BatchNorm2d": _batch_norm(BatchNorm2d),
    "Flatten": _flatten,
    "ReLU": _plain(ReLU), "Tanh": _plain(Tanh), "Sigmoid": _plain(Sigmoid),
    "LeakyReLU": _plain(LeakyReLU, "negative_slope"), "ELU": _plain(ELU, "alpha"),
    "GELU": _plain(GELU, "approximate"), "SiLU": _plain(SiLU),
    "Identity": _plain(Identity), "Dropout": _plain(Dropout, "p"),
}
SUPPORTED_MODULES = tuple(CONVERTERS)
"""Names of the ``torch.nn`` modules :func:`symconv.from_torch` converts."""
