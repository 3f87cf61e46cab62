"""NetworkX's functions accept ``layer.graph()``: the edge key ``weight`` is numeric or absent."""

from __future__ import annotations

import pickle

import matplotlib
import networkx as nx
import numpy as np
import pytest
import sympy

import symconv as sc
from symconv.graph import LayerGraph

matplotlib.use("Agg")

LAYERS = {
    "conv": sc.Conv2d((1, 4, 4), 1, 2, stride=2),
    "folded": sc.Conv1d((1, 4), 1, 3, padding=1, padding_mode="reflect"),
    "avgpool": sc.AvgPool2d((1, 4, 4), 2),
    "dense": sc.Dense(5, 3),
    "network": sc.Sequential.build((1, 6), (sc.Conv1d, 1, 3), (sc.Conv1d, 1, 3)),
}


@pytest.fixture(params=list(LAYERS))
def graph(request):
    return LAYERS[request.param].graph(bias=True)


def test_weight_is_a_number_or_absent(graph):
    for _, _, data in graph.edges(data=True):
        assert isinstance(data["symbol"], sympy.Expr)
        if "weight" in data:
            assert isinstance(data["weight"], float)
            assert data["weight"] == float(data["symbol"])
        else:
            assert not data["symbol"].is_Number


def test_networkx_functions_run(graph):
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    nx.draw(graph, ax=ax)
    plt.close(figure)
    positions = nx.spring_layout(graph, seed=1)
    assert set(positions) == set(graph)
    dense = nx.to_numpy_array(graph)
    assert dense.shape == (len(graph), len(graph))
    assert nx.adjacency_matrix(graph).nnz == graph.number_of_edges()
    source = next(iter(graph))
    lengths = nx.shortest_path_length(graph, source, weight="weight")
    assert lengths[source] == 0
    target = max(lengths, key=lengths.get)
    assert nx.shortest_path(graph, source, target, weight="weight")[-1] == target


def test_pooling_weights_are_the_window_averages():
    graph = sc.AvgPool2d((1, 4, 4), 2).graph()
    adjacency = nx.to_numpy_array(graph)
    assert adjacency.sum() == pytest.approx(4.0)  # each of 4 outputs averages its window
    assert set(np.unique(adjacency)) == {0.0, 0.25}


@pytest.mark.parametrize("name", ["conv", "folded", "avgpool", "dense"])
def test_symbolic_adjacency_is_the_transposed_matrix(name):
    layer = LAYERS[name]
    adjacency = nx.to_numpy_array(layer.graph(), weight="symbol", dtype=object, nonedge=0)
    block = adjacency[: layer.n_in, layer.n_in:]
    assert sympy.Matrix(block.T.tolist()) == layer.matrix()


def test_the_graph_is_a_networkx_digraph_that_shows_a_summary():
    graph = LAYERS["conv"].graph(bias=True)
    assert isinstance(graph, nx.DiGraph)
    assert repr(graph) == (
        "<LayerGraph Conv2d((1, 4, 4) -> (1, 2, 2)): 16 inputs, 4 outputs, 1 biases, "
        "20 edges, 5 distinct weights>"
    )
    page = graph._repr_html_()
    assert "<table>" in page and "Conv2d((1, 4, 4) -&gt; (1, 2, 2))" in page
    assert "<td style='text-align:right'>20</td>" in page
    for derived in (graph.copy(), graph.reverse(), graph.subgraph(["x1", "h1"]).copy(),
                    nx.relabel_nodes(graph, {"x1": "input 1"})):
        assert isinstance(derived, LayerGraph)
        assert repr(derived).startswith("<LayerGraph")
    assert nx.utils.graphs_equal(pickle.loads(pickle.dumps(graph)), graph)


def test_the_returned_graph_is_the_callers():
    layer = sc.Conv1d((1, 4), 1, 2)
    first = layer.graph()
    first.edges["x1", "h1"]["symbol"] = sympy.Symbol("changed")
    first.edges["x2", "h1"]["label"] = "changed"
    first.remove_node("x3")
    second = layer.graph()
    assert second.edges["x1", "h1"]["symbol"] == layer.weight[0, 0, 0]
    assert second.edges["x2", "h2"]["label"] == "w_1"  # shares its weight with x2 -> h1
    assert second.edges["x2", "h1"]["label"] == "w_2"
    assert second.number_of_nodes() == 7


def test_layer_graph_takes_max_edges():
    layer = sc.Conv1d((1, 10), 1, 3)  # 18 nodes, 24 edges
    assert layer.graph(max_edges=24).number_of_edges() == 24
    with pytest.raises(sc.SizeLimitError, match="18 nodes and 24 edges, over the limit of 23"):
        layer.graph(max_edges=23)
    for bad in (float("nan"), -1, True, 1.5, "10"):
        with pytest.raises(sc.SizeLimitError, match="max_edges="):
            layer.graph(max_edges=bad)


@pytest.mark.parametrize(
    "layer",
    [
        lambda: sc.Conv1d((1, 10**8), 1, 1, stride=10**8),
        lambda: sc.ConvTranspose1d((1, 2), 1, 2, dilation=10**9),
    ],
    ids=["many-inputs-one-edge", "huge-dilation"],
)
def test_graph_limit_counts_nodes(layer):
    with pytest.raises(sc.SizeLimitError, match=r"\d{3},\d{3},\d{3} nodes"):
        layer().graph()


def test_fast_edge_filling_builds_what_add_edges_from_builds():
    layer = sc.Conv1d((2, 6), 3, 3, padding=1, padding_mode="reflect")
    fast = layer.graph(bias=True)
    slow = nx.DiGraph(name=fast.graph["name"])
    slow.add_nodes_from(fast.nodes(data=True))
    slow.add_edges_from((u, v, dict(d)) for u, v, d in fast.edges(data=True))
    assert nx.utils.graphs_equal(fast, slow)
    assert list(fast.edges) == list(slow.edges)
    assert all(fast.succ[u][v] is fast.pred[v][u] for u, v in fast.edges)


def test_a_notebook_shows_the_summary_not_an_address():
    formatters = pytest.importorskip("IPython.core.formatters")
    graph = sc.Sequential.build((1, 6), (sc.Conv1d, 1, 3), (sc.Conv1d, 1, 3)).graph()
    bundle, _ = formatters.DisplayFormatter().format(graph)
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/plain"].startswith("<LayerGraph Sequential((1, 6) -> (1, 2)): 6 inputs")
    assert " at 0x" not in bundle["text/plain"]
    assert "4 hidden, 2 outputs, 18 edges, 6 distinct weights>" in bundle["text/plain"]
    assert "<td style='text-align:right'>18</td>" in bundle["text/html"]  # the edges
