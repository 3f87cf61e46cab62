"""Max pooling, activations, Flatten and Identity against torch.nn.functional."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from optional import torch
from strategies import per_axis, pool_kwargs, rng_from, seeds

import symconv as sc

F = torch.nn.functional


@st.composite
def max_pool_kwargs(draw: Any, dims: int) -> dict[str, Any]:
    """An AvgPool configuration plus a dilation; not always valid (torch decides)."""
    kwargs = draw(pool_kwargs(dims))
    del kwargs["count_include_pad"]
    kwargs["dilation"] = per_axis(draw, dims, 1, 2)
    return kwargs


def torch_max_pool(kwargs: dict[str, Any], x: torch.Tensor) -> torch.Tensor:
    dims = len(kwargs["in_shape"]) - 1
    function = F.max_pool1d if dims == 1 else F.max_pool2d
    return function(x, kwargs["kernel_size"], stride=kwargs["stride"] or kwargs["kernel_size"],
                    padding=kwargs["padding"], dilation=kwargs["dilation"],
                    ceil_mode=kwargs["ceil_mode"])


def window_dependence(kwargs: dict[str, Any], n_in: int) -> set[tuple[int, int]]:
    """(output, input) pairs such that making the input huge changes the output (torch)."""
    shape = kwargs["in_shape"]
    base = torch.from_numpy(rng_from(0).standard_normal(shape))
    bumped = base.reshape(1, -1).repeat(n_in, 1) + 1e6 * torch.eye(n_in, dtype=base.dtype)
    before = torch_max_pool(kwargs, base[None]).reshape(-1)
    after = torch_max_pool(kwargs, bumped.reshape(n_in, *shape)).reshape(n_in, -1)
    changed = (after != before).nonzero().tolist()
    return {(o, i) for i, o in changed}


@pytest.mark.parametrize("dims", [1, 2])
@given(data=st.data())
def test_max_pool_shape_and_windows_match_torch(dims: int, data: st.DataObject) -> None:
    kwargs = data.draw(max_pool_kwargs(dims))
    layer_class = sc.MaxPool1d if dims == 1 else sc.MaxPool2d
    x = torch.zeros(1, *kwargs["in_shape"], dtype=torch.float64)
    try:
        expected_shape = tuple(torch_max_pool(kwargs, x).shape[1:])
    except RuntimeError:
        with pytest.raises(sc.LayerConfigError):
            layer_class(**kwargs)
        return
    layer = layer_class(**kwargs)
    assert layer.out_shape == expected_shape
    conn = layer.connectivity
    pairs = set(zip(conn.out_unit.tolist(), conn.in_unit.tolist(), strict=True))
    assert pairs == window_dependence(kwargs, layer.n_in)
    assert layer.num_connections == len(pairs)
    assert layer.num_parameters == 0 and layer.dense_parameters == 0


@given(kwargs=max_pool_kwargs(2), seed=seeds)
def test_max_pool_forward_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    x = rng_from(seed).standard_normal(kwargs["in_shape"])
    try:
        expected = torch_max_pool(kwargs, torch.from_numpy(x)[None])[0].numpy()
    except RuntimeError:
        return
    y = sc.MaxPool2d(**kwargs).forward(x.ravel())
    np.testing.assert_allclose(np.array(y.tolist(), dtype=float).ravel(), expected.ravel())


@pytest.mark.parametrize(
    ("layer_class", "function"),
    [(sc.ReLU, torch.relu), (sc.Tanh, torch.tanh), (sc.Sigmoid, torch.sigmoid)],
)
def test_activations_match_torch(layer_class: type[sc.Layer], function: Any) -> None:
    x = rng_from(1).standard_normal((2, 3, 4))
    layer = layer_class((2, 3, 4))
    assert layer.out_shape == (2, 3, 4)
    assert layer.receptive_field((1, 2, 3)) == (23,)  # one-to-one: same flat index
    assert layer.num_connections == 24 and layer.num_parameters == 0
    expected = function(torch.from_numpy(x)).numpy().ravel()
    symbolic = layer.forward()
    values = dict(zip(layer.input_symbols, x.ravel().tolist(), strict=True))
    got = np.array([float(v.xreplace(values)) for v in symbolic])
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("layer", "words"),
    [
        (sc.MaxPool2d((1, 4, 4), 2), "MaxPool2d is not linear: its output picks the maximum"),
        (sc.MaxPool1d((2, 5), 3, stride=1), "MaxPool1d is not linear"),
        (sc.ReLU(3), "ReLU is not linear: each output is max(0, x)"),
        (sc.Tanh((1, 2)), "Tanh is not linear"),
        (sc.Sigmoid(4), "Sigmoid is not linear"),
    ],
)
def test_no_matrix_for_non_linear_layers(layer: sc.Layer, words: str) -> None:
    assert not layer.linear
    for view in (layer.matrix, layer.numeric_matrix):
        with pytest.raises(sc.NotLinearError, match=r"no weight matrix.*receptive_field") as err:
            view()
        assert words in str(err.value)
    assert "$$" in layer._repr_latex_() and str(layer) == repr(layer)


def test_max_pool_graph_has_one_edge_per_window_member() -> None:
    pool = sc.MaxPool2d((1, 4, 4), 2)
    graph = pool.graph()
    assert graph.number_of_edges() == 16
    assert sorted(graph.nodes[n]["label"] for n in graph.predecessors("h4")) == [
        "x_11", "x_12", "x_15", "x_16"
    ]


def test_max_pool_counts_at_full_size() -> None:
    # VGG's first pool: 64 channels of 112 x 112 windows of 2 x 2 inputs
    pool = sc.MaxPool2d((64, 224, 224), 2)
    assert pool.out_shape == (64, 112, 112)
    assert pool.num_connections == 64 * 112 * 112 * 4
    assert pool.density == pytest.approx(4 / (64 * 224 * 224))


@pytest.mark.parametrize("shape", [(2, 3, 3), (5,), (1, 2, 2, 2)])
def test_flatten_and_identity_are_identity_matrices(shape: tuple[int, ...]) -> None:
    n = int(np.prod(shape))
    flat, same = sc.Flatten(shape), sc.Identity(shape)
    assert flat.out_shape == (n,) and same.out_shape == shape
    x = torch.from_numpy(rng_from(2).standard_normal(shape))
    expected = torch.nn.Flatten(start_dim=0)(x).numpy()
    for layer in (flat, same):
        assert layer.linear and layer.num_parameters == 0 and layer.dense_parameters == 0
        assert layer.matrix() == sympy.eye(n)
        np.testing.assert_array_equal(layer.numeric_matrix() @ x.numpy().ravel(), expected)
        assert layer.num_connections == n


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: sc.MaxPool2d((1, 4), 2), "in_shape=(1, 4) must be (channels, height, width)"),
        (lambda: sc.MaxPool1d((1, 4), 2, padding=2), "padding=2 must be at most half"),
        (lambda: sc.MaxPool1d((1, 4), 3, dilation=2), "dilation=2 (extent 5)"),
        (lambda: sc.MaxPool1d((1, 4), 0), "kernel_size=0"),
        (lambda: sc.ReLU((2, 0)), "in_shape=(2, 0)"),
        (lambda: sc.Flatten("x"), "in_shape='x'"),
    ],
)
def test_bad_arguments_are_named(build: Any, fragment: str) -> None:
    with pytest.raises(sc.LayerConfigError) as err:
        build()
    assert fragment in str(err.value)


def test_renamed_layer_has_fresh_symbols_and_shares_structure() -> None:
    conv = sc.Conv1d((1, 4), 1, 2)
    assert conv.parameters == sympy.symbols("w_1 w_2 b", real=True)
    other = conv.renamed("u", "c")
    assert other.parameters == sympy.symbols("u_1 u_2 c", real=True)
    assert conv.parameters == sympy.symbols("w_1 w_2 b", real=True)  # unchanged
    assert other.structure is conv.structure
    assert str(other.matrix()[0, 0]) == "u_1"
    with pytest.raises(sc.LayerConfigError, match="weight_name=''"):
        conv.renamed("")
