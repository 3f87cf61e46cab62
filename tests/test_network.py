"""Sequential networks: shapes, symbols, products and the numeric matrix against PyTorch."""

from __future__ import annotations

import time
from typing import Any

import networkx as nx
import numpy as np
import pytest
import sympy
from hypothesis import given
from optional import torch
from strategies import fewer_examples, rng_from, seeds

import symconv as sc

nn = torch.nn


def random_numbers(net: sc.Sequential, seed: int) -> list[Any]:
    """Random (weight, bias) arrays for every layer with parameters."""
    rng = rng_from(seed)
    return [
        None if layer.weight_shape is None else (
            rng.standard_normal(layer.weight_shape),
            None if layer.bias_shape is None else rng.standard_normal(layer.bias_shape),
        )
        for layer in net
    ]


def torch_module(net: sc.Sequential, numbers: list[Any]) -> nn.Sequential:
    """The same network in PyTorch, built by hand from each layer's arguments."""
    modules = []
    for layer, pair in zip(net, numbers, strict=True):
        g = getattr(layer, "geometry", None)
        name = type(layer).__name__
        if name.startswith("ConvTranspose"):
            module = getattr(nn, name)(
                layer.in_shape[0], layer.out_shape[0], g.kernel, stride=g.stride,
                padding=g.padding, output_padding=g.output_padding, groups=g.groups,
                bias=g.bias, dilation=g.dilation)
        elif name.startswith("Conv"):
            module = getattr(nn, name)(
                layer.in_shape[0], layer.out_shape[0], g.kernel, stride=g.stride,
                padding=tuple(p[0] for p in g.padding), dilation=g.dilation, groups=g.groups,
                bias=g.bias)
        elif name.startswith("AvgPool"):
            module = getattr(nn, name)(g.kernel, stride=g.stride, padding=g.padding,
                                       ceil_mode=g.ceil_mode,
                                       count_include_pad=g.count_include_pad)
        elif name == "Dense":
            module = nn.Sequential(nn.Flatten(), nn.Linear(layer.n_in, layer.n_out,
                                                           bias=layer.bias_shape is not None))
        elif name == "Flatten":
            module = nn.Flatten()
        else:
            raise AssertionError(name)
        module = module.double()
        if pair is not None:
            target = module[1] if isinstance(module, nn.Sequential) else module
            with torch.no_grad():
                target.weight.copy_(torch.from_numpy(pair[0]))
                if pair[1] is not None:
                    target.bias.copy_(torch.from_numpy(pair[1]))
        modules.append(module)
    return nn.Sequential(*modules)


def mixed_net(variant: int) -> sc.Sequential:
    """Small networks mixing convolution, pooling, transposed and dense layers."""
    if variant == 0:
        return sc.Sequential.build(
            (2, 9, 9), (sc.Conv2d, 3, 3, {"stride": 2, "padding": 1}), (sc.AvgPool2d, 2),
            (sc.ConvTranspose2d, 2, 3, {"stride": 2, "groups": 1}), sc.Flatten, (sc.Dense, 4))
    if variant == 1:
        return sc.Sequential.build(
            (1, 12), (sc.Conv1d, 2, 3, {"dilation": 2}), (sc.ConvTranspose1d, 2, 2,
                                                         {"stride": 2, "groups": 2}),
            (sc.AvgPool1d, 3, {"stride": 2, "padding": 1}), (sc.Dense, 3, {"bias": False}))
    return sc.Sequential.build(
        (2, 6, 6), (sc.Conv2d, 4, 2, {"groups": 2, "bias": False}),
        (sc.ConvTranspose2d, 1, 2, {"stride": 2, "output_padding": 1}),
        (sc.Conv2d, 1, 3))


@pytest.mark.parametrize("variant", [0, 1, 2])
@given(seed=seeds)
def test_numeric_matrix_matches_torch_network(variant: int, seed: int) -> None:
    net = mixed_net(variant)
    numbers = random_numbers(net, seed)
    affine = net.numeric_matrix(numbers)
    x = rng_from(seed + 1).standard_normal(net.in_shape)
    expected = torch_module(net, numbers)(torch.from_numpy(x)[None])[0].detach().numpy()
    np.testing.assert_allclose(affine @ np.append(x.ravel(), 1.0), expected.ravel(),
                               rtol=1e-9, atol=1e-10)
    no_bias = [None if p is None else (p[0], None) for p in numbers]
    linear = net.numeric_matrix(no_bias)
    assert linear.shape == (net.n_out, net.n_in)
    np.testing.assert_allclose(linear.toarray(), affine[:, :-1].toarray())


def substitute(net: sc.Sequential, numbers: list[Any]) -> dict[sympy.Symbol, float]:
    values: dict[sympy.Symbol, float] = {}
    for layer, pair in zip(net, numbers, strict=True):
        if pair is None:
            continue
        values.update(zip(layer._weight_symbols, pair[0].ravel().tolist(), strict=True))
        if pair[1] is not None:
            values.update(zip(layer._bias_symbols, pair[1].ravel().tolist(), strict=True))
    return values


def torch_jacobian(module: nn.Module, in_shape: tuple[int, ...]) -> np.ndarray:
    """The matrix of a bias-free linear module: its outputs for every unit input."""
    n = int(np.prod(in_shape))
    basis = torch.eye(n, dtype=torch.float64).reshape(n, *in_shape)
    return module(basis).reshape(n, -1).T.detach().numpy()


def test_product_of_two_3x3_convolutions_is_exact_and_fast() -> None:
    net = sc.Sequential(sc.Conv2d((1, 8, 8), 1, 3, bias=False),
                        sc.Conv2d((1, 6, 6), 1, 3, bias=False))
    start = time.perf_counter()
    product = net.matrix()
    elapsed = time.perf_counter() - start
    assert product.shape == (16, 64)
    assert elapsed < 1.0
    # Every entry is a polynomial of degree 2, one factor from each layer.
    for value in product.values():
        for term in sympy.Add.make_args(sympy.expand(value)):
            names = sorted(str(s)[:6] for s in term.free_symbols)
            assert names == ["w^{(1)", "w^{(2)"]
    numbers = random_numbers(net, 3)
    values = substitute(net, numbers)
    numeric = np.array(product.xreplace(values).tolist(), dtype=float)
    expected = torch_jacobian(torch_module(net, numbers), net.in_shape)
    np.testing.assert_allclose(numeric, expected, rtol=1e-12, atol=1e-12)


@fewer_examples(5)
@given(seed=seeds)
def test_symbolic_product_and_forward_agree_with_torch(seed: int) -> None:
    net = sc.Sequential.build(
        (1, 7), (sc.Conv1d, 2, 3, {"padding": 1}), (sc.AvgPool1d, 2),
        (sc.ConvTranspose1d, 1, 2, {"stride": 2}), (sc.Dense, 2))
    numbers = random_numbers(net, seed)
    values = substitute(net, numbers)
    module = torch_module(net, numbers)
    x = rng_from(seed + 1).standard_normal(net.in_shape)
    expected = module(torch.from_numpy(x)[None])[0].detach().numpy()
    forward = net.forward(x.ravel().tolist()).xreplace(values)
    np.testing.assert_allclose(np.array(forward.tolist(), dtype=float).ravel(), expected,
                               rtol=1e-9)
    # M x + (the output for x = 0) is the forward pass: M is its linear part
    product = np.array(net.matrix().xreplace(values).tolist(), dtype=float)
    offset = module(torch.zeros(1, *net.in_shape, dtype=torch.float64))[0].detach().numpy()
    np.testing.assert_allclose(product @ x.ravel() + offset, expected, rtol=1e-9, atol=1e-12)


def test_forward_composes_biases() -> None:
    net = sc.Sequential(sc.Dense(1, 1), sc.Dense(1, 1))
    w1, b1, w2, b2 = net.parameters
    (x,) = net.input_symbols
    assert sympy.expand(net.forward()[0] - (w2 * (w1 * x + b1) + b2)) == 0


def test_shared_names_get_layer_superscripts() -> None:
    net = sc.Sequential(sc.Conv1d((1, 5), 1, 2), sc.ReLU((1, 4)),
                        sc.Conv1d((1, 4), 1, 2, weight_name="u", bias_name="c"),
                        sc.Conv1d((1, 3), 1, 2))
    names = [str(s) for s in net.parameters]
    assert names == ["w^{(1)}_1", "w^{(1)}_2", "b^{(1)}", "u_1", "u_2", "c",
                     "w^{(4)}_1", "w^{(4)}_2", "b^{(4)}"]
    assert sympy.latex(net.parameters[0]) == "w^{(1)}_1"
    # a base name two layers share gets each layer's position
    shared = sc.Sequential(sc.Dense(2, 2, weight_name="u", bias=False),
                           sc.Dense(2, 2, bias_name="u"))
    assert [str(s) for s in shared.parameters][::4] == ["u^{(1)}_{1,1}", "w_{1,1}", "u^{(2)}_1"]


def test_shape_mismatch_names_both_layers() -> None:
    with pytest.raises(sc.ShapeMismatchError) as err:
        sc.Sequential(sc.Conv2d((1, 8, 8), 6, 3), sc.Conv2d((6, 7, 7), 2, 3))
    assert str(err.value) == ("layer 2 (Conv2d) expects in_shape (6, 7, 7), but layer 1 "
                              "(Conv2d) outputs (6, 6, 6)")
    with pytest.raises(sc.ShapeMismatchError, match=r"layer 3 \(Dense\) expects in_shape \(5,\)"):
        sc.Sequential(sc.Conv1d((1, 4), 2, 2), sc.ReLU((2, 3)), sc.Dense(5, 1))


def test_flat_readers_accept_a_flattened_output() -> None:
    net = sc.Sequential(sc.Conv2d((1, 4, 4), 2, 3), sc.Dense(8, 3), sc.ReLU(3))
    assert net.out_shape == (3,)
    net = sc.Sequential(sc.Conv2d((1, 4, 4), 2, 3), sc.Flatten((2, 2, 2)),
                        sc.Dense((2, 2, 2), 3))
    assert net.num_parameters == 20 + 27


def test_counts_are_sums_and_never_build_arrays() -> None:
    net = sc.Sequential.build((3, 224, 224), (sc.Conv2d, 64, 3, {"padding": 1}), sc.ReLU,
                              (sc.MaxPool2d, 2))
    assert net.num_parameters == 1792 == net.num_weight_parameters + net.num_bias_parameters
    assert net.num_connections == sum(layer.num_connections for layer in net)
    assert net.dense_parameters == net[0].dense_parameters
    assert all("connectivity" not in vars(layer) for layer in net)


def test_numeric_matrix_checks_its_arguments() -> None:
    net = sc.Sequential(sc.Conv1d((1, 4), 1, 2), sc.AvgPool1d((1, 3), 3))
    with pytest.raises(sc.ShapeMismatchError, match="needs weights"):
        net.numeric_matrix()
    with pytest.raises(sc.ShapeMismatchError, match="weights has 1 entries"):
        net.numeric_matrix([None])
    with pytest.raises(sc.ShapeMismatchError, match=r"weights\[0\] .* pair; got ndarray"):
        net.numeric_matrix([np.ones((1, 1, 2)), None])
    with pytest.raises(sc.ShapeMismatchError, match=r"weight of layer 1 .* \(1, 1, 3\); it must"):
        net.numeric_matrix([(np.ones((1, 1, 3)), None), None])
    with pytest.raises(sc.ShapeMismatchError, match="bias of layer 2"):
        net.numeric_matrix([(np.ones((1, 1, 2)), None), (None, np.ones(1))])
    stored = sc.Sequential(*net, weights=[([[[1.0, 1.0]]], [1.0]), None])
    np.testing.assert_allclose(stored.numeric_matrix().toarray(), [[1 / 3, 2 / 3, 2 / 3, 1 / 3,
                                                                     1.0]])


def test_non_linear_network_has_no_matrix() -> None:
    net = sc.Sequential.build((1, 6), (sc.Conv1d, 1, 3), (sc.MaxPool1d, 2))
    assert not net.linear
    for view in (net.matrix, lambda: net.numeric_matrix([(np.ones((1, 1, 3)), None), None])):
        with pytest.raises(sc.NotLinearError, match=r"layer 2, MaxPool1d\(\(1, 4\) -> \(1, 2\)\)"):
            view()
    assert str(net.forward()[0]).startswith("Max(")


def test_matrix_size_is_checked_before_symbolic_work() -> None:
    net = sc.Sequential.build((1, 32, 32), (sc.Conv2d, 1, 5), (sc.Conv2d, 1, 5))
    # each of the 24x24 outputs multiplies 25 first-layer entries by 25 weights each
    with pytest.raises(sc.SizeLimitError, match=f"product of layers 1 to 2 .* {24**2 * 25**2:,} "):
        net.matrix(max_entries=20_000)


def test_stacked_graph() -> None:
    net = sc.Sequential.build((1, 6), (sc.Conv1d, 1, 3), (sc.MaxPool1d, 2),
                              (sc.Dense, 2, {"bias": False}))
    graph = net.graph(bias=True)
    layers = nx.get_node_attributes(graph, "layer")
    assert sorted(set(layers.values())) == [0, 1, 2, 3]
    roles = nx.get_node_attributes(graph, "role")
    assert sum(r == "input" for r in roles.values()) == 6
    assert sum(r == "hidden" for r in roles.values()) == 4 + 2
    assert sum(r == "output" for r in roles.values()) == 2
    assert sum(r == "bias" for r in roles.values()) == 1
    assert graph.nodes["L1.h3"]["label"] == "h^{(1)}_3"
    assert graph.edges["L2.h1", "L3.h1"]["label"] == "w^{(3)}_{1,1}"
    assert {d["layer"] for _, _, d in graph.edges(data=True)} == {1, 2, 3}
    inputs = {graph.nodes[n]["unit"] for n in nx.ancestors(graph, "L2.h2")
              if graph.nodes[n]["layer"] == 0}
    assert tuple(sorted(inputs)) == net[:2].receptive_field(1) == (2, 3, 4, 5)
    with pytest.raises(sc.SizeLimitError, match="graph of the network"):
        net.graph(max_edges=10)


def test_build_steps() -> None:
    net = sc.Sequential.build(6, (sc.Dense, 4), sc.Tanh, lambda shape: sc.Dense(shape, 2))
    assert [layer.out_shape for layer in net] == [(4,), (4,), (2,)]
    with pytest.raises(sc.LayerConfigError, match=r"step 1=.* must start with a callable"):
        sc.Sequential.build(6, (4, sc.Dense))
    with pytest.raises(sc.LayerConfigError, match="step 2 made 3, not a symconv layer"):
        sc.Sequential.build(6, sc.ReLU, lambda shape: 3)
    with pytest.raises(sc.LayerConfigError, match="at least one layer"):
        sc.Sequential()
    with pytest.raises(sc.LayerConfigError, match="layer 1 is 'Conv2d'"):
        sc.Sequential("Conv2d")


def test_sequence_protocol_and_repr() -> None:
    net = sc.Sequential.build((1, 4), (sc.Conv1d, 1, 2), (sc.Conv1d, 1, 2))
    assert len(net) == 2 and list(net) == list(net.layers)
    assert isinstance(net[0], sc.Conv1d) and isinstance(net[1:], sc.Sequential)
    assert net[1:].parameters == net[1].parameters  # slicing keeps the symbols
    assert repr(net).splitlines() == [
        "Sequential((1, 4) -> (1, 2), 2 layers: 6 parameters, 15 connections)",
        "  1  Conv1d((1, 4) -> (1, 3), kernel 2: 3 parameters, 9 connections)",
        "  2  Conv1d((1, 3) -> (1, 2), kernel 2: 3 parameters, 6 connections)",
    ]
    assert "<table" in net._repr_html_()
