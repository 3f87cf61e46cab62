"""Counts: closed forms against the built matrix, PyTorch's parameters and published figures.

The counts (``num_parameters``, ``num_weight_connections``, ``num_connections``,
``density``, ``sharing_factor``, ``dense_parameters``) come from closed forms that
never build the matrix. Here they are read off the built symbolic matrix instead
(nonzero entries, distinct free symbols), compared with ``sum(p.numel())`` of the
matching PyTorch module, with an independent count of window positions (a
convolution of ones with a kernel of ones counts, at every output, the taps that
land on the input), and with the figures published for LeNet-5 and VGG-16.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from optional import torch
from published import LENET5_TABLE_I
from strategies import (
    axes,
    conv_kwargs,
    dense_kwargs,
    fewer_examples,
    local_kwargs,
    pad_pairs,
    pool_kwargs,
    subsample_kwargs,
    table_conv_kwargs,
    transposed_kwargs,
)

import symconv as sc

F = torch.nn.functional

CONV = {1: sc.Conv1d, 2: sc.Conv2d, 3: sc.Conv3d}
TRANSPOSED = {1: sc.ConvTranspose1d, 2: sc.ConvTranspose2d, 3: sc.ConvTranspose3d}


def check_counts_against_matrix(layer: sc.Layer, used: set[sympy.Symbol]) -> None:
    """Every closed-form count equals what the built matrix shows.

    ``used`` holds the weight symbols that some connection uses (in zero padding a
    tap can fall on padding at every output position, and such a weight is absent).
    """
    matrix = layer.matrix()
    nonzeros = sum(1 for value in matrix.values() if value != 0)
    bias_count = 0 if layer.bias is None else len(set(entries(layer.bias).ravel()))
    assert matrix.free_symbols == used
    assert layer.num_weight_parameters >= len(used)
    assert layer.num_parameters == layer.num_weight_parameters + bias_count
    assert layer.num_weight_connections == nonzeros
    assert layer.num_connections == nonzeros + (layer.n_out if bias_count else 0)
    assert layer.density == pytest.approx(nonzeros / (layer.n_out * layer.n_in))
    if layer.num_weight_parameters:
        assert layer.sharing_factor == pytest.approx(nonzeros / layer.num_weight_parameters)
    else:
        assert layer.sharing_factor is None
    linear = torch.nn.Linear(layer.n_in, layer.n_out, bias=bias_count > 0)
    assert layer.dense_parameters == sum(p.numel() for p in linear.parameters())


def entries(array: sympy.Array) -> np.ndarray:
    """The entries of a SymPy array as a NumPy object array of the same shape."""
    return np.array(array.tolist(), dtype=object).reshape(array.shape)


def used_symbols(layer: sc.Layer, gradient: Any) -> set[sympy.Symbol]:
    """Weight symbols whose gradient (of the output sum, at a positive input) is nonzero."""
    return {s for s in entries(layer.weight)[gradient.numpy() != 0] if s != 0}


def torch_conv_module(kwargs: dict[str, Any]) -> Any:
    """The ``torch.nn.Conv*d`` with the same hyperparameters ("full" made explicit)."""
    dims = len(kwargs["in_shape"]) - 1
    padding = kwargs["padding"]
    if padding == "full":
        padding = tuple(before for before, _ in pad_pairs(kwargs))
    module_class = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}[dims]
    return module_class(
        kwargs["in_shape"][0], kwargs["out_channels"], kwargs["kernel_size"],
        stride=kwargs["stride"], padding=padding, dilation=kwargs["dilation"],
        groups=kwargs.get("groups", 1), bias=kwargs["bias"],
        padding_mode=kwargs.get("padding_mode", "zeros"), dtype=torch.float64,
    )


def weight_gradient(module: Any, in_shape: tuple[int, ...]) -> Any:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using padding='same'")
        module(torch.ones(1, *in_shape, dtype=torch.float64)).sum().backward()
    return module.weight.grad


def ones_window_count(kwargs: dict[str, Any], module: Any) -> int:
    """Weight connections of a zero-padded convolution: sum of ones convolved with ones."""
    with torch.no_grad():
        module.weight.fill_(1.0)
        if module.bias is not None:
            module.bias.zero_()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Using padding='same'")
            return round(module(torch.ones(1, *kwargs["in_shape"], dtype=torch.float64))
                         .sum().item())


@pytest.mark.parametrize("dims", [1, 2, 3])
@fewer_examples(150)
@given(data=st.data())
def test_conv_counts(dims: int, data: st.DataObject) -> None:
    kwargs = data.draw(conv_kwargs(dims))
    layer = CONV[dims](**kwargs)
    module = torch_conv_module(kwargs)
    assert layer.num_parameters == sum(p.numel() for p in module.parameters())
    gradient = weight_gradient(module, layer.in_shape)
    if kwargs["flip"]:
        gradient = gradient.flip(list(range(2, 2 + dims)))
    check_counts_against_matrix(layer, used_symbols(layer, gradient))
    if kwargs["padding_mode"] == "zeros":
        assert layer.num_weight_connections == ones_window_count(kwargs, module)


@fewer_examples(150)
@given(kwargs=table_conv_kwargs())
def test_connection_table_counts(kwargs: dict[str, Any]) -> None:
    layer = sc.Conv2d(**kwargs)
    mask = torch.tensor(kwargs["connection_table"], dtype=torch.bool)
    module = torch_conv_module(kwargs)
    kernel_size = math.prod(module.weight.shape[2:])
    assert layer.num_parameters == int(mask.sum()) * kernel_size + (
        module.bias.numel() if kwargs["bias"] else 0)
    gradient = weight_gradient(module, layer.in_shape) * mask[:, :, None, None]
    if kwargs["flip"]:
        gradient = gradient.flip([2, 3])
    check_counts_against_matrix(layer, used_symbols(layer, gradient))


@pytest.mark.parametrize("dims", [1, 2, 3])
@fewer_examples(150)
@given(data=st.data())
def test_transposed_counts(dims: int, data: st.DataObject) -> None:
    kwargs = data.draw(transposed_kwargs(dims))
    layer = TRANSPOSED[dims](**kwargs)
    module_class = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d,
                    3: torch.nn.ConvTranspose3d}[dims]
    module = module_class(kwargs["in_shape"][0], kwargs["out_channels"],
                          **{k: v for k, v in kwargs.items()
                             if k not in ("in_shape", "out_channels")}, dtype=torch.float64)
    assert layer.num_parameters == sum(p.numel() for p in module.parameters())
    check_counts_against_matrix(layer, used_symbols(layer, weight_gradient(module,
                                                                           layer.in_shape)))


@fewer_examples(150)
@given(kwargs=dense_kwargs())
def test_dense_counts(kwargs: dict[str, Any]) -> None:
    layer = sc.Dense(**kwargs)
    module = torch.nn.Linear(layer.n_in, layer.n_out, bias=kwargs["bias"])
    assert layer.num_parameters == sum(p.numel() for p in module.parameters())
    assert layer.dense_parameters == layer.num_parameters
    assert layer.sharing_factor == 1
    check_counts_against_matrix(layer, set(entries(layer.weight).ravel()))


@pytest.mark.parametrize("dims", [1, 2])
@fewer_examples(150)
@given(data=st.data())
def test_locally_connected_counts(dims: int, data: st.DataObject) -> None:
    kwargs = data.draw(local_kwargs(dims))
    layer = (sc.LocallyConnected1d if dims == 1 else sc.LocallyConnected2d)(**kwargs)
    # one kernel per output unit, and one bias per output unit
    expected = layer.n_out * layer.in_shape[0] * math.prod(axes(kwargs["kernel_size"], dims))
    assert layer.num_weight_parameters == expected
    assert layer.num_parameters == expected + (layer.n_out if kwargs["bias"] else 0)
    check_counts_against_matrix(layer, used_symbols(layer, window_reads(kwargs, layer)))


def window_reads(kwargs: dict[str, Any], layer: sc.Layer) -> Any:
    """1 where a locally connected weight's tap falls on the input, 0 where on padding.

    ``F.unfold`` of a ones input, zero-padded, lists every window as a column; a 1-D
    layer is unfolded as a 2-D one of height 1.
    """
    dims = len(layer.in_shape) - 1
    pairs = pad_pairs(kwargs)
    lift = (lambda v: (1, *axes(v, 1))) if dims == 1 else (lambda v: axes(v, 2))
    ones = torch.ones(1, layer.in_shape[0], *((1,) * (2 - dims)), *layer.in_shape[1:],
                      dtype=torch.float64)
    padded = F.pad(ones, [amount for pair in reversed(pairs) for amount in pair])
    columns = F.unfold(padded, lift(kwargs["kernel_size"]), dilation=lift(kwargs["dilation"]),
                       stride=lift(kwargs["stride"]))[0]
    per_unit = columns.T.reshape(*layer.out_shape[1:], *layer.weight_shape[1 + dims:])
    return per_unit.expand(layer.weight_shape)


@fewer_examples(150)
@given(data=st.data())
def test_pooling_counts(data: st.DataObject) -> None:
    dims = data.draw(st.integers(1, 2))
    kwargs = data.draw(pool_kwargs(dims))
    layer = (sc.AvgPool1d if dims == 1 else sc.AvgPool2d)(**kwargs)
    assert layer.num_parameters == 0
    assert layer.weight is None
    check_counts_against_matrix(layer, set())


@fewer_examples(150)
@given(kwargs=subsample_kwargs())
def test_subsample_counts(kwargs: dict[str, Any]) -> None:
    layer = sc.Subsample2d(**kwargs)
    channels = layer.in_shape[0]
    assert layer.num_parameters == channels * (2 if kwargs["bias"] else 1)
    check_counts_against_matrix(layer, set(entries(layer.weight).ravel()))


# --- published figures ----------------------------------------------------------


def lenet_c3_table() -> np.ndarray:
    """Table I as a boolean (C3 maps, S2 maps) = (out_channels, in_channels) array."""
    return np.array([[c == "X" for c in row] for row in LENET5_TABLE_I]).T


def test_lenet_table_has_the_published_structure() -> None:
    table = lenet_c3_table()
    inputs = [np.flatnonzero(row).tolist() for row in table]
    cyclic = [sorted((start + i) % 6 for i in range(width))
              for width, starts in ((3, range(6)), (4, range(6))) for start in starts]
    assert inputs[:12] == cyclic  # maps 0-5: 3 contiguous inputs, maps 6-11: 4 contiguous
    assert all(len(row) == 4 and row not in cyclic for row in inputs[12:15])
    assert inputs[15] == list(range(6))
    assert int(table.sum()) == 60  # 60 kernels of 5x5


LENET_5 = [  # layer, (parameters, connections) as printed in the paper
    (lambda: sc.Conv2d((1, 32, 32), 6, 5), (156, 122_304)),
    (lambda: sc.Subsample2d((6, 28, 28), 2), (12, 5_880)),
    (lambda: sc.Conv2d((6, 14, 14), 16, 5, connection_table=lenet_c3_table()), (1_516, 151_600)),
    (lambda: sc.Subsample2d((16, 10, 10), 2), (32, 2_000)),
    (lambda: sc.Conv2d((16, 5, 5), 120, 5), (48_120, 48_120)),
    (lambda: sc.Dense(120, 84), (10_164, 10_164)),
]


@pytest.mark.parametrize(("make", "published"), LENET_5)
def test_lenet5_counts_match_the_paper(make: Any, published: tuple[int, int]) -> None:
    layer = make()
    assert (layer.num_parameters, layer.num_connections) == published


def vgg16() -> list[sc.Layer]:
    """VGG-16 (configuration D) on a 224x224 RGB image, max pooling between blocks."""
    layers: list[sc.Layer] = []
    channels, size = 3, 224
    for block in ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)):
        for width in block:
            layers.append(sc.Conv2d((channels, size, size), width, 3, padding=1))
            channels = width
        size //= 2  # 2x2 max pooling, stride 2: no parameters
    layers += [sc.Dense((channels, size, size), 4096), sc.Dense(4096, 4096),
               sc.Dense(4096, 1000)]
    return layers


def test_vgg16_has_the_published_parameter_count() -> None:
    assert sum(layer.num_parameters for layer in vgg16()) == 138_357_544


def test_vgg16_connection_counts_match_ones_convolution() -> None:
    for layer in vgg16():
        if isinstance(layer, sc.Dense):
            assert layer.num_connections == layer.n_in * layer.n_out + layer.n_out
            continue
        c_out, c_in, size = layer.out_shape[0], layer.in_shape[0], layer.in_shape[1]
        ones = torch.ones(1, 1, size, size, dtype=torch.float64)
        per_channel_pair = round(F.conv2d(ones, torch.ones(1, 1, 3, 3, dtype=torch.float64),
                                          padding=1).sum().item())
        assert layer.num_weight_connections == c_out * c_in * per_channel_pair
        assert layer.num_connections == layer.num_weight_connections + layer.n_out
        # the border outputs read fewer than 9 inputs per channel pair
        assert layer.num_weight_connections < c_out * size * size * c_in * 9
