"""Weight, bias and input symbols: PyTorch's layouts and the documented naming scheme.

Names count from 1 like a textbook: the weight at index ``(0, 1)`` is ``w_{1,2}``.
The channel axes of the weight are left out of the names when they all have length 1
(so a single-channel 2x2 kernel reads ``w_{1,1} ... w_{2,2}``) and kept otherwise.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given
from strategies import layers

import symconv as sc


def entries(array: sympy.Array) -> np.ndarray:
    return np.array(array.tolist(), dtype=object).reshape(array.shape)


def channel_axes(layer: sc.Layer) -> tuple[int, ...]:
    """The weight axes that index channels, by each family's documented layout."""
    if isinstance(layer, sc.Subsample2d):
        return (0,)  # (C,)
    if isinstance(layer, (sc.LocallyConnected1d, sc.LocallyConnected2d)):
        return (0, len(layer.in_shape))  # (C_out, *out_spatial, C_in, *kernel)
    if isinstance(layer, (sc.TiledConv1d, sc.TiledConv2d)):
        return (0, len(layer.in_shape))  # (C_out, *tiles, C_in, *kernel)
    return (0, 1)  # (C_out, C_in/groups, *kernel), (C_in, C_out/groups, *kernel), (out, in)


def expected_name(base: str, index: tuple[int, ...], dropped: tuple[int, ...]) -> str:
    kept = [i + 1 for axis, i in enumerate(index) if axis not in dropped]
    if not kept:
        return base
    if len(kept) == 1:
        return f"{base}_{kept[0]}"
    return base + "_{" + ",".join(map(str, kept)) + "}"


@given(layer=layers(max_dims=2))
def test_names_follow_the_documented_scheme(layer: sc.Layer) -> None:
    if layer.weight is not None:
        weight = entries(layer.weight)
        axes = channel_axes(layer)
        dropped = axes if all(layer.weight_shape[a] == 1 for a in axes) else ()
        if isinstance(layer, (sc.TiledConv1d, sc.TiledConv2d)) and set(layer.tiles) == {1}:
            dropped = (*dropped, *range(1, len(layer.in_shape)))  # (C_out, *tiles, ...)
        for index in np.ndindex(weight.shape):
            if weight[index] != 0:
                assert weight[index].name == expected_name("w", index, dropped)
    if layer.bias is not None:
        bias = entries(layer.bias)
        dropped = (0,) if layer.bias_shape[0] == 1 else ()
        for index in np.ndindex(bias.shape):
            assert bias[index].name == expected_name("b", index, dropped)
    assert [s.name for s in layer.input_symbols] == [f"x_{i}" for i in range(1, layer.n_in + 1)]


@given(layer=layers(max_dims=2))
def test_symbols_are_distinct_real_and_counted(layer: sc.Layer) -> None:
    weights = [] if layer.weight is None else [s for s in entries(layer.weight).ravel() if s != 0]
    biases = [] if layer.bias is None else list(entries(layer.bias).ravel())
    everything = [*weights, *biases, *layer.input_symbols]
    assert len(set(everything)) == len(everything)
    assert all(isinstance(s, sympy.Symbol) and s.is_real for s in everything)
    assert layer.parameters == (*weights, *biases)
    assert layer.num_parameters == len(weights) + len(biases)


def torch_module(layer: sc.Layer) -> Any:
    torch = pytest.importorskip("torch")
    nn = torch.nn
    if isinstance(layer, sc.Dense):
        return nn.Linear(layer.n_in, layer.n_out)
    g = layer.geometry
    if isinstance(layer, sc.Conv2d):
        return nn.Conv2d(layer.in_shape[0], layer.out_shape[0], g.kernel, groups=g.groups)
    if isinstance(layer, sc.Conv3d):
        return nn.Conv3d(layer.in_shape[0], layer.out_shape[0], g.kernel, groups=g.groups)
    return nn.ConvTranspose2d(layer.in_shape[0], layer.out_shape[0], g.kernel, groups=g.groups)


@pytest.mark.parametrize("layer", [
    sc.Conv2d((6, 5, 5), 4, (3, 2), groups=2),
    sc.Conv2d((1, 4, 4), 1, 2),
    sc.Conv3d((2, 3, 3, 3), 4, 2),
    sc.ConvTranspose2d((6, 3, 3), 4, (2, 3), groups=2),
    sc.Dense((2, 3), 5),
], ids=repr)
def test_weight_and_bias_have_pytorch_layout(layer: sc.Layer) -> None:
    module = torch_module(layer)
    assert layer.weight.shape == tuple(module.weight.shape)
    assert layer.bias.shape == tuple(module.bias.shape)


def test_documented_layouts_without_pytorch_counterpart() -> None:
    local = sc.LocallyConnected2d((3, 5, 4), 2, (2, 3), stride=(1, 2))
    assert local.out_shape == (2, 4, 1)
    assert local.weight.shape == (2, 4, 1, 3, 2, 3)  # (C_out, H_out, W_out, C_in, kH, kW)
    assert local.bias.shape == (2, 4, 1)  # one bias per output unit
    subsample = sc.Subsample2d((6, 28, 28))
    assert subsample.weight.shape == subsample.bias.shape == (6,)
    assert sc.AvgPool2d((3, 4, 4), 2).weight is None
    assert sc.AvgPool2d((3, 4, 4), 2).bias is None


@pytest.mark.parametrize(("layer", "names"), [
    (sc.Conv2d((1, 4, 4), 1, 2), ["w_{1,1}", "w_{1,2}", "w_{2,1}", "w_{2,2}", "b"]),
    (sc.Conv1d((1, 5), 1, 3, bias=False), ["w_1", "w_2", "w_3"]),
    (sc.Conv1d((2, 5), 1, 2), ["w_{1,1,1}", "w_{1,1,2}", "w_{1,2,1}", "w_{1,2,2}", "b"]),
    (sc.Conv1d((1, 5), 2, 1), ["w_{1,1,1}", "w_{2,1,1}", "b_1", "b_2"]),
    (sc.Dense(2, 2), ["w_{1,1}", "w_{1,2}", "w_{2,1}", "w_{2,2}", "b_1", "b_2"]),
    (sc.ConvTranspose1d((2, 3), 1, 1, bias=False), ["w_{1,1,1}", "w_{2,1,1}"]),
    (sc.LocallyConnected1d((1, 3), 1, 2, bias=False),
     ["w_{1,1}", "w_{1,2}", "w_{2,1}", "w_{2,2}"]),
    (sc.Subsample2d((1, 4, 4)), ["w", "b"]),
    (sc.Subsample2d((2, 4, 4)), ["w_1", "w_2", "b_1", "b_2"]),
    (sc.Conv1d((1, 3), 1, 2, weight_name="k", bias_name="c"), ["k_1", "k_2", "c"]),
], ids=repr)
def test_names_of_small_layers(layer: sc.Layer, names: list[str]) -> None:
    assert [s.name for s in layer.parameters] == names


def test_names_render_as_indexed_latex() -> None:
    weight = sc.Conv2d((1, 4, 4), 1, 2).weight
    assert sympy.latex(weight[0, 0, 0, 1]) == "w_{1,2}"
    assert sympy.latex(sc.Conv1d((1, 4), 1, 2).input_symbols[4 - 1]) == "x_{4}"


def test_connection_table_switches_weights_off() -> None:
    table = np.array([[1, 0, 1], [0, 1, 0]], dtype=bool)
    layer = sc.Conv2d((3, 4, 4), 2, 2, connection_table=table)
    weight = entries(layer.weight)
    assert weight.shape == (2, 3, 2, 2)
    for out_channel, in_channel in np.ndindex(table.shape):
        kernel = weight[out_channel, in_channel]
        if table[out_channel, in_channel]:
            assert all(isinstance(s, sympy.Symbol) for s in kernel.ravel())
        else:
            assert all(s == 0 for s in kernel.ravel())
    assert layer.num_weight_parameters == 3 * 4
    assert layer.num_parameters == 3 * 4 + 2
    assert len(layer.parameters) == layer.num_parameters
    assert layer.matrix().free_symbols == set(layer.parameters) - set(entries(layer.bias).ravel())


def test_weight_names_stay_cheap_for_huge_layers() -> None:
    layer = sc.Dense(25088, 4096)
    assert layer.weight_shape == (4096, 25088)
    assert layer.num_weight_parameters == 102_760_448
    with pytest.raises(sc.SizeLimitError, match="102,760,448"):
        _ = layer.weight
    names = str(layer).splitlines()[1]
    assert re.search(r"w_\{1,1\}", names)
