"""Convert a PyTorch ``nn.Sequential`` into a symconv network, numbers included.

PyTorch is optional: it is imported when :func:`from_torch` is called. Every
supported module becomes the symconv layer with the same arguments, shapes are
propagated from ``in_shape``, and the module's weights and biases are kept as
the network's :attr:`~symconv.Sequential.weights`, so
``net.numeric_matrix()`` reproduces the module (for linear networks).
``Dropout`` becomes ``Identity`` (what it is at inference); nested
``nn.Sequential`` containers are unpacked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from symconv.conv import Conv1d, Conv2d, Conv3d
from symconv.dense import Dense
from symconv.errors import ShapeMismatchError, SymconvError, UnsupportedModuleError
from symconv.layer import Layer
from symconv.network import Sequential
from symconv.pooling import AvgPool1d, AvgPool2d
from symconv.structural import Flatten, Identity, MaxPool1d, MaxPool2d, ReLU, Sigmoid, Tanh
from symconv.transposed import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

__all__ = ["SUPPORTED_MODULES", "from_torch"]

Shape = tuple[int, ...]
Converter = Callable[[Any, Shape], Layer]


def _conv(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Layer:
        return cls(shape, m.out_channels, m.kernel_size, stride=m.stride, padding=m.padding,
                   dilation=m.dilation, groups=m.groups, bias=m.bias is not None,
                   padding_mode=m.padding_mode)
    return _convert


def _transposed(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Layer:
        return cls(shape, m.out_channels, m.kernel_size, stride=m.stride, padding=m.padding,
                   output_padding=m.output_padding, groups=m.groups, bias=m.bias is not None,
                   dilation=m.dilation)
    return _convert


def _avg_pool(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Layer:
        if getattr(m, "divisor_override", None) is not None:
            raise UnsupportedModuleError("divisor_override is not supported")
        return cls(shape, m.kernel_size, stride=m.stride, padding=m.padding,
                   ceil_mode=m.ceil_mode, count_include_pad=m.count_include_pad)
    return _convert


def _max_pool(cls: Callable[..., Layer]) -> Converter:
    def _convert(m: Any, shape: Shape) -> Layer:
        if m.return_indices:
            raise UnsupportedModuleError("return_indices=True is not supported")
        return cls(shape, m.kernel_size, stride=m.stride, padding=m.padding,
                   dilation=m.dilation, ceil_mode=m.ceil_mode)
    return _convert


def _linear(m: Any, shape: Shape) -> Layer:
    layer = Dense(shape, m.out_features, bias=m.bias is not None)
    if layer.n_in != m.in_features:
        raise ShapeMismatchError(
            f"Linear reads {m.in_features} features; its input has {layer.n_in}"
        )
    return layer


def _flatten(m: Any, shape: Shape) -> Layer:
    if m.start_dim != 1 or m.end_dim != -1:
        raise UnsupportedModuleError(
            f"only Flatten(start_dim=1, end_dim=-1) is supported; got start_dim={m.start_dim}, "
            f"end_dim={m.end_dim}"
        )
    return Flatten(shape)


CONVERTERS: dict[str, Converter] = {
    "Conv1d": _conv(Conv1d), "Conv2d": _conv(Conv2d), "Conv3d": _conv(Conv3d),
    "ConvTranspose1d": _transposed(ConvTranspose1d),
    "ConvTranspose2d": _transposed(ConvTranspose2d),
    "ConvTranspose3d": _transposed(ConvTranspose3d),
    "Linear": _linear,
    "AvgPool1d": _avg_pool(AvgPool1d), "AvgPool2d": _avg_pool(AvgPool2d),
    "MaxPool1d": _max_pool(MaxPool1d), "MaxPool2d": _max_pool(MaxPool2d),
    "Flatten": _flatten,
    "ReLU": lambda m, shape: ReLU(shape),
    "Tanh": lambda m, shape: Tanh(shape),
    "Sigmoid": lambda m, shape: Sigmoid(shape),
    "Identity": lambda m, shape: Identity(shape),
    "Dropout": lambda m, shape: Identity(shape),
}
SUPPORTED_MODULES = tuple(CONVERTERS)
"""Names of the ``torch.nn`` modules :func:`from_torch` converts."""


def _modules(module: Any, nn: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(position, module)`` pairs, nested ``nn.Sequential`` containers unpacked."""
    if not isinstance(module, nn.Sequential):
        yield prefix or "0", module
        return
    for name, child in module.named_children():
        if isinstance(child, nn.Sequential):
            yield from _modules(child, nn, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", child


def _numbers(module: Any) -> tuple[Any, Any] | None:
    """The module's weight and bias as NumPy arrays (``None`` without numbers).

    CPU tensors are shared, not copied; a module on PyTorch's ``meta`` device
    (shapes without numbers) gives ``None``.
    """
    weight, bias = getattr(module, "weight", None), getattr(module, "bias", None)
    if weight is None or weight.is_meta:
        return None
    return (weight.detach().cpu().numpy(),
            None if bias is None else bias.detach().cpu().numpy())


def from_torch(module: Any, in_shape: int | tuple[int, ...]) -> Sequential:
    """A :class:`~symconv.Sequential` equal to a PyTorch ``nn.Sequential``, weights included.

    Parameters
    ----------
    module
        An ``nn.Sequential`` of supported modules (:data:`SUPPORTED_MODULES`;
        nested ``nn.Sequential`` are unpacked), or a single supported module.
    in_shape
        The shape of one input without the batch axis, e.g. ``(3, 32, 32)``.

    Raises
    ------
    UnsupportedModuleError
        Naming the first module that cannot be converted and its position.
    ImportError
        If PyTorch is not installed.

    Examples
    --------
    >>> import torch
    >>> import symconv as sc
    >>> module = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(),
    ...                              torch.nn.Flatten(), torch.nn.Linear(8, 4))
    >>> net = sc.from_torch(module, (1, 4, 4))
    >>> [type(layer).__name__ for layer in net], net.num_parameters
    (['Conv2d', 'ReLU', 'Flatten', 'Dense'], 56)
    """
    try:
        from torch import nn
    except ImportError:
        raise ImportError("from_torch needs PyTorch: `pip install torch`") from None
    shape: Any = in_shape
    layers, weights = [], []
    for position, child in _modules(module, nn):
        name = type(child).__name__
        convert = CONVERTERS.get(name)
        if convert is None or type(child) is not getattr(nn, name, None):
            raise UnsupportedModuleError(
                f"{name} at position {position} is not supported; supported: "
                + ", ".join(SUPPORTED_MODULES)
            )
        try:
            layer = convert(child, shape)
        except SymconvError as err:
            raise type(err)(f"{name} at position {position} (input {shape}): {err}") from None
        layers.append(layer)
        weights.append(_numbers(child) if layer.num_parameters else None)
        shape = layer.out_shape
    if not layers:
        raise UnsupportedModuleError("the module holds no layers")
    return Sequential(*layers, weights=weights)
