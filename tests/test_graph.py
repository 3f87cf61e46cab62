from __future__ import annotations

import time

import networkx as nx
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    conv_kwargs,
    dense_kwargs,
    local_kwargs,
    pool_kwargs,
    subsample_kwargs,
    transposed_kwargs,
)

import symconv as sc
from symconv.graph import layer_graph, output_label

CANONICAL = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)

LAYERS = st.one_of(
    conv_kwargs(1).map(lambda kw: sc.Conv1d(**kw)),
    conv_kwargs(2).map(lambda kw: sc.Conv2d(**kw)),
    transposed_kwargs(2).map(lambda kw: sc.ConvTranspose2d(**kw)),
    pool_kwargs(2).map(lambda kw: sc.AvgPool2d(**kw)),
    local_kwargs(1).map(lambda kw: sc.LocallyConnected1d(**kw)),
    subsample_kwargs().map(lambda kw: sc.Subsample2d(**kw)),
    dense_kwargs().map(lambda kw: sc.Dense(**kw)),
)


def labels(graph: nx.DiGraph, nodes) -> list[str]:
    return [graph.nodes[n]["label"] for n in nodes]


def node_by_label(graph: nx.DiGraph, label: str) -> str:
    (node,) = [n for n, data in graph.nodes(data=True) if data["label"] == label]
    return node


def entries_by_units(graph: nx.DiGraph) -> dict[tuple[int, int], sympy.Expr]:
    """{(row, column): weight} from the weight edges, through the node attributes."""
    return {
        (graph.nodes[v]["unit"], graph.nodes[u]["unit"]): data["symbol"]
        for u, v, data in graph.edges(data=True)
        if data["kind"] == "weight"
    }


# --- the canonical example (DESIGN: h11 sees inputs 1, 2, 5, 6; h12 sees 3, 4, 7, 8) ---
def test_canonical_in_neighbours():
    graph = CANONICAL.graph()
    h11 = node_by_label(graph, "h_{1,1}")
    h12 = node_by_label(graph, "h_{1,2}")
    assert sorted(labels(graph, graph.predecessors(h11))) == ["x_1", "x_2", "x_5", "x_6"]
    assert sorted(labels(graph, graph.predecessors(h12))) == ["x_3", "x_4", "x_7", "x_8"]


def test_canonical_outputs_share_four_weights():
    graph = CANONICAL.graph()
    w = [sympy.Symbol(f"w_{{{i},{j}}}", real=True) for i in (1, 2) for j in (1, 2)]
    for output in ("h_{1,1}", "h_{1,2}", "h_{2,1}", "h_{2,2}"):
        node = node_by_label(graph, output)
        weights = [graph.edges[u, node]["symbol"] for u in graph.predecessors(node)]
        assert sorted(weights, key=str) == list(w)
    # x_6 is the bottom-right input of h_{1,1}'s window: the kernel's entry (2, 2)
    assert graph.edges[node_by_label(graph, "x_6"), node_by_label(graph, "h_{1,1}")][
        "symbol"] == w[3]


def test_dense_equivalent_connects_everything():
    graph = sc.Dense((1, 4, 4), 4, bias=False).graph()
    assert graph.number_of_edges() == 64
    assert len({data["symbol"] for _, _, data in graph.edges(data=True)}) == 64
    assert all(graph.in_degree(node_by_label(graph, f"h_{j}")) == 16 for j in range(1, 5))


def test_node_order_is_inputs_then_outputs_then_biases():
    layer = sc.Conv2d((2, 3, 3), 3, 2)
    graph = layer.graph(bias=True)
    roles = [data["role"] for _, data in graph.nodes(data=True)]
    assert roles == ["input"] * 18 + ["output"] * 12 + ["bias"] * 3
    assert [data["unit"] for _, data in graph.nodes(data=True)][:18] == list(range(18))
    assert list(graph) == list(layer.graph(bias=True))


def test_node_attributes_follow_the_layout():
    graph = CANONICAL.graph()
    x6 = graph.nodes[node_by_label(graph, "x_6")]
    assert (x6["role"], x6["unit"], x6["channel"], x6["position"]) == ("input", 5, 0, (1, 1))
    h12 = graph.nodes[node_by_label(graph, "h_{1,2}")]
    assert (h12["role"], h12["unit"], h12["channel"], h12["position"]) == ("output", 1, 0, (0, 1))


@pytest.mark.parametrize(
    ("out_shape", "unit", "label"),
    [
        ((1, 2, 2), 3, "h_{2,2}"),        # single channel 2-D: position only
        ((3, 2, 2), 5, "h_{2,1,2}"),      # channels > 1: channel first
        ((1, 5), 4, "h_5"),               # 1-D single channel
        ((2, 5), 6, "h_{2,2}"),           # 1-D, two channels
        ((4,), 0, "h_1"),                 # dense
        ((1, 2, 2, 2), 7, "h_{2,2,2}"),   # 3-D
    ],
)
def test_output_labels(out_shape, unit, label):
    assert output_label(out_shape, unit) == label


def test_bias_nodes_feed_their_channel():
    layer = sc.Conv2d((1, 4, 4), 2, 2, stride=2)
    graph = layer.graph(bias=True)
    assert graph.number_of_edges() == layer.num_connections  # LeCun's count, bias included
    for channel, bias in enumerate(layer.bias):
        node = node_by_label(graph, str(bias))
        assert graph.nodes[node]["role"] == "bias"
        targets = [graph.nodes[v] for v in graph.successors(node)]
        assert len(targets) == 4
        assert {t["channel"] for t in targets} == {channel}
        assert {graph.edges[node, v]["symbol"] for v in graph.successors(node)} == {bias}


def test_bias_nodes_of_a_locally_connected_layer_are_per_unit():
    layer = sc.LocallyConnected2d((1, 3, 3), 1, 2)
    graph = layer.graph(bias=True)
    biases = [n for n, data in graph.nodes(data=True) if data["role"] == "bias"]
    assert len(biases) == layer.n_out
    assert all(graph.out_degree(b) == 1 for b in biases)


def test_no_bias_nodes_without_a_bias():
    assert sc.Conv1d((1, 4), 1, 2, bias=False).graph(bias=True).number_of_nodes() == 7


def test_folded_taps_are_one_edge_with_the_summed_weight():
    layer = sc.Conv1d((1, 3), 1, 3, padding=1, padding_mode="reflect", bias=False)
    graph = layer.graph()
    w1, w3 = sympy.symbols("w_1 w_3", real=True)
    # reflect padding: output 1 reads (x_2, x_1, x_2): x_2 through w_1 and w_3
    edge = graph.edges[node_by_label(graph, "x_2"), node_by_label(graph, "h_1")]
    assert edge["symbol"] == w1 + w3
    assert edge["param"] == (0, 2)
    assert edge["label"] == "w_1 + w_3"
    assert graph.number_of_edges() == layer.num_weight_connections == 7


def test_pooling_edges_have_no_parameter():
    graph = sc.AvgPool2d((1, 4, 4), 2).graph()
    assert {data["symbol"] for _, _, data in graph.edges(data=True)} == {sympy.Rational(1, 4)}
    assert {data["param"] for _, _, data in graph.edges(data=True)} == {None}


def test_prefix_namespaces_the_node_ids():
    first = layer_graph(CANONICAL, prefix="conv/")
    second = layer_graph(sc.Dense(4, 2), prefix="dense/")
    assert all(str(n).startswith("conv/") for n in first)
    both = nx.compose(first, second)
    assert both.number_of_nodes() == first.number_of_nodes() + second.number_of_nodes()


def test_too_big_a_graph_is_refused_before_building():
    layer = sc.Conv2d((3, 224, 224), 64, 3, padding=1)
    start = time.perf_counter()
    edges = 64 * 3 * (3 * 224 - 2) ** 2  # each axis: 3 taps per output, 2 fall on padding
    with pytest.raises(sc.SizeLimitError, match=f"{edges:,} edges"):
        layer.graph()
    assert time.perf_counter() - start < 1.0
    assert layer_graph(CANONICAL, max_edges=20).number_of_edges() == 16
    with pytest.raises(sc.SizeLimitError, match="20 nodes and 16 edges, over the limit of 19"):
        layer_graph(CANONICAL, max_edges=19)


# --- every layer: the graph is the matrix -------------------------------------------
@given(LAYERS)
def test_graph_edges_are_the_nonzero_matrix_entries(layer):
    graph = layer.graph()
    assert graph.number_of_edges() == layer.num_weight_connections
    assert graph.number_of_nodes() == layer.n_in + layer.n_out
    assert entries_by_units(graph) == dict(layer.matrix().todok())
    for _, _, data in graph.edges(data=True):
        assert data["label"] == str(data["symbol"])


@given(LAYERS)
def test_distinct_edge_weights_are_the_weights_used(layer):
    graph = layer.graph()
    weights = {data["symbol"] for _, _, data in graph.edges(data=True)}
    assert weights == set(layer.matrix().todok().values())
    if not layer.connectivity.folded and layer.num_weight_parameters:
        assert weights <= set(layer.parameters)
        params = {data["param"] for _, _, data in graph.edges(data=True)}
        assert len(params) == len(weights)


@given(LAYERS)
def test_bias_edges_follow_the_forward_pass(layer):
    graph = layer.graph(bias=True)
    assert graph.number_of_edges() == layer.num_connections
    x = layer.input_symbols
    by_unit = {data["unit"]: node for node, data in graph.nodes(data=True)
               if data["role"] == "output"}
    forward = layer.forward()
    for row in range(layer.n_out):
        node = by_unit[row]
        total = sympy.Add(*(
            data["symbol"] * (x[graph.nodes[u]["unit"]] if data["kind"] == "weight" else 1)
            for u, _, data in graph.in_edges(node, data=True)
        ))
        assert sympy.expand(total - forward[row]) == 0
