"""Views never write into the core: any order of calls gives the results of a fresh layer.

The connectivity arrays are built once per layer (and the factored structure is
cached across layers of the same geometry), so a view that wrote into them would
corrupt every later view of every such layer. These tests call the views in
drawn orders, mutate everything they return, and compare each result with the
one a brand-new layer (caches cleared) gives.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pytest
import scipy.sparse
import sympy
from hypothesis import example, given
from hypothesis import strategies as st
from strategies import MODES, fewer_examples, layers, rng_from, seeds

import symconv as sc
from symconv import conv, dense, local, pooling, structural, transposed


@st.composite
def inference_layers(draw: st.DrawFn) -> sc.Layer:
    """Batch normalisation, adaptive pooling and dropout of a small drawn shape."""
    channels = draw(st.integers(1, 3))
    spatial = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=2)))
    shape = (channels, *spatial)
    kind = draw(st.sampled_from(["BatchNorm", "AdaptiveAvgPool", "Dropout"]))
    if kind == "Dropout":
        return sc.Dropout(shape, draw(st.floats(0, 1)))
    if kind == "BatchNorm":
        cls = sc.BatchNorm1d if len(spatial) == 1 else sc.BatchNorm2d
        return cls(shape, bias=draw(st.booleans()))
    cls = sc.AdaptiveAvgPool1d if len(spatial) == 1 else sc.AdaptiveAvgPool2d
    return cls(shape, tuple(draw(st.integers(1, 7)) for _ in spatial))

STRUCTURE_CACHES = (
    conv.conv_structure, transposed.transposed_structure, pooling.pool_structure,
    local.local_structure, dense.dense_structure, structural.one_to_one_structure,
)


def fresh(layer: sc.Layer) -> sc.Layer:
    """An unused copy of ``layer`` whose structure is rebuilt from its geometry."""
    for cache in STRUCTURE_CACHES:
        cache.cache.clear()  # type: ignore[attr-defined]
    clone = copy.copy(layer)
    for key in ("structure", "connectivity", "_weight_symbols", "_bias_symbols"):
        clone.__dict__.pop(key, None)
    return clone


def numbers_for(layer: sc.Layer, seed: int) -> tuple[Any, Any]:
    rng = rng_from(seed)
    weight = None if layer.weight_shape is None else rng.standard_normal(layer.weight_shape)
    bias = None if layer.bias_shape is None else rng.standard_normal(layer.bias_shape)
    return weight, bias


# Each view returns (what to compare, a function that mutates what it returned).
View = Callable[[sc.Layer, int], tuple[Any, Callable[[], None]]]


def view_numeric(layer: sc.Layer, seed: int) -> tuple[Any, Callable[[], None]]:
    weight, bias = numbers_for(layer, seed)
    matrix = layer.numeric_matrix(weight) if bias is None else layer.numeric_matrix(weight, bias)
    result = matrix.toarray()

    def mutate() -> None:
        matrix.sort_indices()
        matrix.sum_duplicates()
        matrix.data[::2] = 0.0
        matrix.eliminate_zeros()
        matrix.indices[:] = 0
        matrix.indptr[-1:] = 0

    return result, mutate


def view_matrix(layer: sc.Layer, seed: int) -> tuple[Any, Callable[[], None]]:
    matrix = layer.matrix()
    result = matrix.copy()

    def mutate() -> None:
        matrix[0, 0] = sympy.Symbol("changed")
        matrix[matrix.rows - 1, :] = sympy.zeros(1, matrix.cols)

    return result, mutate


def view_forward(layer: sc.Layer, seed: int) -> tuple[Any, Callable[[], None]]:
    x = rng_from(seed).integers(-3, 4, size=layer.in_shape)
    out = layer.forward(x)
    result = out.copy()

    def mutate() -> None:
        out[0, 0] = sympy.Symbol("changed")

    return result, mutate


def view_graph(layer: sc.Layer, seed: int) -> tuple[Any, Callable[[], None]]:
    graph = layer.graph(bias=bool(seed % 2))
    result = copy.deepcopy(graph)

    def mutate() -> None:
        for _, _, data in graph.edges(data=True):
            data["extra"] = 1
        graph.remove_node(next(iter(graph.nodes)))
        graph.add_edge("new", "node")

    return result, mutate


def view_receptive_field(layer: sc.Layer, seed: int) -> tuple[Any, Callable[[], None]]:
    return layer.receptive_field(seed % layer.n_out), lambda: None


def view_plot(layer: sc.Layer, seed: int) -> tuple[Any, Callable[[], None]]:
    fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
    sc.plot_sparsity(layer, ax=ax)
    fig.canvas.draw()
    result = np.asarray(fig.canvas.buffer_rgba()).copy()

    def mutate() -> None:
        ax.clear()
        plt.close(fig)

    return result, mutate


VIEWS: dict[str, View] = {
    "numeric_matrix": view_numeric,
    "matrix": view_matrix,
    "forward": view_forward,
    "graph": view_graph,
    "receptive_field": view_receptive_field,
    "plot": view_plot,
}


def same(a: Any, b: Any) -> bool:
    if isinstance(a, nx.Graph):
        return bool(nx.utils.graphs_equal(a, b))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and bool(np.array_equal(a, b))
    return bool(a == b)


def test_reflect_padding_numeric_matrix_stays_torch_s_jacobian() -> None:
    torch = pytest.importorskip("torch")
    layer = sc.Conv1d((1, 3), 1, 3, padding=1, padding_mode="reflect", bias=False)
    w = np.array([[[1.0, 10.0, 100.0]]])

    def module(x: Any) -> Any:
        padded = torch.nn.functional.pad(x[None], (1, 1), mode="reflect")
        return torch.nn.functional.conv1d(padded, torch.from_numpy(w))[0]

    jacobian = torch.func.jacrev(module)(torch.zeros(1, 3, dtype=torch.float64))
    expected = jacobian.reshape(3, 3).numpy()
    for _ in range(3):
        np.testing.assert_array_equal(layer.numeric_matrix(w).toarray(), expected)
    assert np.array_equal(layer.matrix(), sympy.Matrix(3, 3, [
        layer.weight[0, 0, 1], layer.weight[0, 0, 0] + layer.weight[0, 0, 2], 0,
        layer.weight[0, 0, 0], layer.weight[0, 0, 1], layer.weight[0, 0, 2],
        0, layer.weight[0, 0, 0] + layer.weight[0, 0, 2], layer.weight[0, 0, 1],
    ]))


@pytest.mark.parametrize("mode", MODES)
def test_inplace_scipy_operations_leave_the_layer_alone(mode: str) -> None:
    layer = sc.Conv2d((2, 4, 4), 2, 3, padding=1, padding_mode=mode)
    weight = np.arange(1.0, 37.0).reshape(2, 2, 3, 3)
    first = layer.numeric_matrix(weight)
    expected = first.toarray()
    first.sort_indices()
    first.sum_duplicates()
    first.data[:] = 0
    first.eliminate_zeros()
    np.testing.assert_array_equal(layer.numeric_matrix(weight).toarray(), expected)


def test_core_arrays_are_read_only() -> None:
    layer = sc.Conv1d((1, 5), 1, 3, padding=1, padding_mode="circular")
    conn = layer.connectivity
    for array in (conn.out_unit, conn.in_unit, conn.param):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 7
    for axis in layer.structure.axes:
        with pytest.raises(ValueError, match="read-only"):
            axis.in_pos[0] = 7
    pool = sc.AvgPool1d((1, 5), 2)
    assert pool.connectivity.divisor is not None
    with pytest.raises(ValueError, match="read-only"):
        pool.connectivity.divisor[0] = 7


@pytest.mark.slow  # minutes at the lowest dependency versions
@fewer_examples(25)
@given(layer=st.one_of(layers(max_dims=2), inference_layers()),
       order=st.permutations(sorted(VIEWS)),
       repeats=st.lists(st.sampled_from(sorted(VIEWS)), max_size=3), seed=seeds)
def test_any_order_of_views_gives_a_fresh_layer_s_results(
    layer: sc.Layer, order: list[str], repeats: list[str], seed: int
) -> None:
    expected = {name: VIEWS[name](fresh(layer), seed)[0] for name in order}
    plt.close("all")
    for name in [*order, *repeats]:
        result, mutate = VIEWS[name](layer, seed)
        assert same(result, expected[name]), name
        mutate()
    for name in order:  # and a fresh layer of the same geometry still agrees
        assert same(VIEWS[name](fresh(layer), seed)[0], expected[name]), name
        plt.close("all")


@pytest.mark.slow  # minutes at the lowest dependency versions
@fewer_examples(10)
@given(shape=st.tuples(st.integers(1, 2), st.integers(2, 5), st.integers(2, 5)),
       kind=st.sampled_from(["MaxPool2d", "ReLU", "Flatten"]),
       order=st.permutations(["forward", "graph", "receptive_field", "plot"]), seed=seeds)
def test_structural_layers_too(shape: tuple[int, int, int], kind: str, order: list[str],
                               seed: int) -> None:
    layer = sc.MaxPool2d(shape, 2) if kind == "MaxPool2d" else getattr(sc, kind)(shape)
    views = [name for name in order if name != "plot" or layer.linear]
    expected = {name: VIEWS[name](fresh(layer), seed)[0] for name in views}
    for name in views * 2:
        result, mutate = VIEWS[name](layer, seed)
        assert same(result, expected[name]), name
        mutate()
    plt.close("all")


def test_returned_numeric_matrix_owns_its_arrays() -> None:
    layer = sc.Conv1d((2, 6), 3, 2)
    matrix = layer.numeric_matrix(np.ones((3, 2, 2)))
    assert isinstance(matrix, scipy.sparse.csr_array)
    for array in (matrix.data, matrix.indices, matrix.indptr):
        assert array.flags.writeable
        assert not np.shares_memory(array, layer.connectivity.in_unit)


@pytest.mark.slow  # minutes at the lowest dependency versions
@fewer_examples(10)
@given(layer=layers(max_dims=1), order=st.permutations(
    ["numeric_matrix", "matrix", "forward", "receptive_field"]), seed=seeds)
@example(layer=sc.Conv2d((1, 1, 1), 1, 1, connection_table=[[0]]),  # no parameter at all
         order=["numeric_matrix", "matrix", "forward", "receptive_field"], seed=0)
def test_residual_views_in_any_order(layer: sc.Layer, order: list[str], seed: int) -> None:
    """A residual block around a drawn layer (a dense projection when the shapes differ)."""
    if layer.out_shape != layer.in_shape and len(layer.out_shape) > 1:
        return  # a flat projection cannot give a multi-axis output
    shortcut = [] if layer.out_shape == layer.in_shape else [
        sc.Dense(layer.in_shape, layer.n_out, bias=False)]
    weights = [None if part.weight_shape is None and part.bias_shape is None
               else numbers_for(part, seed) for part in [layer, *shortcut]]
    block = sc.Residual([layer], shortcut, weights=weights)
    x = rng_from(seed).integers(-3, 4, size=block.in_shape)
    views: dict[str, Callable[[], Any]] = {
        "numeric_matrix": lambda: block.numeric_matrix().toarray(),
        "matrix": block.matrix,
        "forward": lambda: block.forward(x),
        "receptive_field": lambda: block.receptive_field(seed % block.n_out),
    }
    first = {name: views[name]() for name in order}
    for name in reversed(order):
        assert same(views[name](), first[name]), name
    parts = [*block.branch.layers, *(block.shortcut or [])]
    values = {}
    for part, pair in zip(parts, weights, strict=True):
        for symbols, numbers in zip((part._weight_symbols, part._bias_symbols),
                                    pair or (None, None), strict=True):
            if numbers is not None:
                values.update((s, v) for s, v in zip(symbols, numbers.ravel(), strict=True)
                              if isinstance(s, sympy.Symbol))
    expected = np.array(first["matrix"].xreplace(values).tolist(), dtype=float)
    np.testing.assert_allclose(first["numeric_matrix"][:, :block.n_in], expected, atol=1e-12)
    row = np.flatnonzero(expected[seed % block.n_out] != 0)
    assert set(row.tolist()) <= set(first["receptive_field"])
