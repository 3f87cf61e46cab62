"""A layer as a NetworkX graph: which input feeds which output through which weight.

The graph is a :class:`LayerGraph`, a ``networkx.DiGraph`` that shows a summary
(units, edges, distinct weights) in a REPL or notebook instead of its address.

Nodes
    One node per input unit, then one per output unit, then (with ``bias=True``)
    one per bias parameter, each in flat C order. Node ids are short strings that
    a ``prefix`` can namespace, so graphs of several layers can be combined:
    ``f"{prefix}x{k}"`` for input unit ``k``, ``f"{prefix}h{k}"`` for output unit
    ``k`` and ``f"{prefix}b{k}"`` for bias parameter ``k`` (``k`` counts from 1).
    Every node carries ``role`` (``"input"``, ``"output"`` or ``"bias"``),
    ``unit`` (its 0-based flat index), ``channel`` and ``position`` (0-based, from
    the layer's shape ``(channels, *spatial)``; a dense layer's features are its
    channels) and ``label``, the name people read, 1-based:

    * inputs: ``x_k``, the flat index, like :attr:`symconv.Layer.input_symbols`;
    * outputs: ``h`` with the output's multi-index, leaving out the channel
      when there is only one channel and some spatial axis: ``h_{1,2}`` for a
      single-channel 2-D output, ``h_{2,1,2}`` for channel 2 of a multi-channel
      one, ``h_3`` for a 1-D single-channel or a dense output;
    * biases: the bias symbol's name (``b``, ``b_2``).

Edges
    One edge per nonzero matrix entry, from input to output (folded taps of a
    padding mode such as ``reflect`` add up in one edge), plus one edge from a
    bias node to each output unit it feeds. Edge attributes follow NetworkX's
    conventions, so its algorithms and drawing functions work on the graph:

    * ``symbol``: the SymPy expression of the entry (``w_{1,2}``, ``w_1 + w_3``,
      ``1/4``);
    * ``weight``: the entry as a ``float`` when it is a number (average
      pooling's ``1/4`` is ``0.25``), absent when it is symbolic, so NetworkX
      functions that read ``weight`` count such an edge as 1;
    * ``param``: the index of its parameter in the flattened weight (or bias)
      array, a tuple of indices for a folded entry, or ``None`` for a fixed
      entry such as average pooling's ``1/4``;
    * ``kind``: ``"weight"`` or ``"bias"``;
    * ``label``: the entry as plain text.

    The symbolic adjacency matrix is
    ``nx.to_numpy_array(g, weight="symbol", dtype=object)`` (rows are the
    graph's nodes, inputs first; entry ``[u, v]`` is the weight of edge ``u -> v``).

Size
    A graph is refused with :class:`~symconv.SizeLimitError` when its nodes or its
    edges would exceed ``max_edges``, before anything is built.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from numbers import Integral
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import sympy

from symconv.errors import SizeLimitError
from symconv.symbolic import entry_values, gc_paused
from symconv.symbols import symbol_name

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = [
    "MAX_GRAPH_EDGES",
    "LayerGraph",
    "check_graph_size",
    "edge_attributes",
    "fill_edges",
    "layer_graph",
    "output_label",
]

MAX_GRAPH_EDGES = 200_000
"""Default limit on the nodes and on the edges of a graph (NetworkX keeps about 1 KiB per edge)."""


class LayerGraph(nx.DiGraph):
    """A ``networkx.DiGraph`` that shows a readable summary in a REPL or notebook.

    It is a plain directed graph in every other respect: every NetworkX function
    accepts it, and its copies and subgraphs are ``LayerGraph`` too.

    Examples
    --------
    >>> import symconv as sc
    >>> g = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False).graph()
    >>> g
    <LayerGraph Conv2d((1, 4, 4) -> (1, 2, 2)): 16 inputs, 4 outputs, 16 edges, 4 distinct weights>
    >>> isinstance(g, nx.DiGraph)
    True
    """

    def summary(self) -> dict[str, int]:
        """Counts of the nodes by role, of the edges and of the distinct edge symbols.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Dense(3, 2).graph(bias=True).summary()
        {'inputs': 3, 'outputs': 2, 'biases': 2, 'edges': 8, 'distinct weights': 8}
        """
        roles = Counter(role for _, role in self.nodes(data="role"))
        plural = {"input": "inputs", "output": "outputs", "bias": "biases"}
        counts = {plural.get(role, role): count
                  for role, count in roles.items() if role is not None}
        others = roles.get(None, 0)
        if others:
            counts["other nodes"] = others
        counts["edges"] = self.number_of_edges()
        symbols = {symbol for _, _, symbol in self.edges(data="symbol") if symbol is not None}
        counts["distinct weights"] = len(symbols)
        return counts

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in self.summary().items())
        name = self.graph.get("name", "")
        return f"<LayerGraph {name}: {counts}>" if name else f"<LayerGraph: {counts}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(what)}</th>"
            f"<td style='text-align:right'>{n:,}</td></tr>"
            for what, n in self.summary().items()
        )
        name = html.escape(str(self.graph.get("name", "")))
        return (f"<table><caption>networkx.DiGraph of {name}</caption>"
                f"<tbody>{rows}</tbody></table>")


def output_label(out_shape: tuple[int, ...], unit: int) -> str:
    """The readable, 1-based name of output ``unit`` (flat, 0-based) of a layer.

    Examples
    --------
    >>> output_label((1, 2, 2), 1)
    'h_{1,2}'
    >>> output_label((3, 2, 2), 4)
    'h_{2,1,1}'
    >>> output_label((4,), 2)
    'h_3'
    >>> output_label((1, 5), 4)
    'h_5'
    """
    index = [int(i) + 1 for i in np.unravel_index(unit, out_shape)]
    if len(out_shape) > 1 and out_shape[0] == 1:
        index = index[1:]
    return symbol_name("h", index)


def edge_attributes(symbol: sympy.Expr, param: Any, kind: str) -> dict[str, Any]:
    """The attributes of an edge whose matrix entry is ``symbol`` (see the module documentation).

    Examples
    --------
    >>> edge_attributes(sympy.Rational(1, 4), None, "weight")
    {'symbol': 1/4, 'param': None, 'kind': 'weight', 'label': '1/4', 'weight': 0.25}
    >>> edge_attributes(sympy.Symbol("w_1"), 0, "weight")
    {'symbol': w_1, 'param': 0, 'kind': 'weight', 'label': 'w_1'}
    """
    data: dict[str, Any] = {"symbol": symbol, "param": param, "kind": kind, "label": str(symbol)}
    if symbol.is_Number:
        data["weight"] = float(symbol)
    return data


def _add_units(
    graph: nx.DiGraph, shape: tuple[int, ...], role: str, ids: list[str], labels: list[str]
) -> None:
    """Add one node per unit of an array of ``shape``, in flat C order."""
    grid = np.unravel_index(np.arange(len(ids)), shape)
    channels = grid[0].tolist()
    positions = list(zip(*(axis.tolist() for axis in grid[1:]), strict=True)) or [()] * len(ids)
    graph.add_nodes_from(
        (node, {"role": role, "unit": unit, "channel": channel, "position": position,
                "label": label})
        for unit, (node, label, channel, position) in enumerate(
            zip(ids, labels, channels, positions, strict=True)
        )
    )


def _weight_edges(layer: Layer) -> tuple[list[int], list[int], list[Any], list[Any]]:
    """Inputs, outputs, expressions and params of the nonzero entries, folded taps summed."""
    conn = layer.connectivity
    values = entry_values(conn, layer._weight_symbols).tolist()
    params: list[Any] = [None if p < 0 else p for p in conn.param.tolist()]
    ins, outs = conn.in_unit.tolist(), conn.out_unit.tolist()
    if not conn.folded:
        return ins, outs, values, params
    merged: dict[tuple[int, int], tuple[Any, tuple[Any, ...]]] = {}
    for i, o, value, param in zip(ins, outs, values, params, strict=True):
        total, taps = merged.get((i, o), (0, ()))
        merged[(i, o)] = (total + value, (*taps, param))
    pairs = list(merged)
    return (
        [i for i, _ in pairs], [o for _, o in pairs],
        [value for value, _ in merged.values()],
        [taps[0] if len(taps) == 1 else taps for _, taps in merged.values()],
    )


def _checked_limit(max_edges: int | None) -> int:
    if max_edges is None:
        return MAX_GRAPH_EDGES
    if isinstance(max_edges, bool) or not isinstance(max_edges, Integral) or max_edges < 0:
        raise SizeLimitError(f"max_edges={max_edges!r} is not a whole number >= 0")
    return int(max_edges)


def check_graph_size(what: str, nodes: int, edges: int, max_edges: int | None) -> None:
    """Refuse a graph of ``nodes`` nodes and ``edges`` edges above the limit ``max_edges``.

    ``None`` stands for :data:`MAX_GRAPH_EDGES`. The limit bounds the nodes as
    well as the edges: a graph of one edge between 10^8 units is as large.

    Examples
    --------
    >>> check_graph_size("this graph", 10**8 + 1, 1, None)
    Traceback (most recent call last):
    ...
    symconv.errors.SizeLimitError: this graph would have 100,000,001 nodes and 1 edges, ...
    """
    limit = _checked_limit(max_edges)
    if nodes > limit or edges > limit:
        raise SizeLimitError(
            f"{what} would have {nodes:,} nodes and {edges:,} edges, over the limit of "
            f"{limit:,}; pass max_edges= to raise it"
        )


def layer_graph(
    layer: Layer, *, bias: bool = False, prefix: str = "", max_edges: int | None = None
) -> LayerGraph:
    """The layer as a directed graph from input units to output units.

    See the module documentation for the node ids, labels and attributes.
    Refused with :class:`~symconv.SizeLimitError` above ``max_edges`` nodes or
    edges (default :data:`MAX_GRAPH_EDGES`), before anything is built.

    Parameters
    ----------
    layer
        Any symconv layer.
    bias
        Add one node per bias parameter and its edges to the output units.
    prefix
        Prepended to every node id, to keep the graphs of several layers apart.
    max_edges
        The largest graph to build, counting its nodes and, separately, its edges.

    Examples
    --------
    >>> import symconv as sc
    >>> g = layer_graph(sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False))
    >>> g.number_of_nodes(), g.number_of_edges()
    (20, 16)
    >>> g.nodes["h1"]["label"]
    'h_{1,1}'
    >>> [g.nodes[n]["label"] for n in g.predecessors("h1")]
    ['x_1', 'x_2', 'x_5', 'x_6']
    >>> g.edges["x2", "h1"]
    {'symbol': w_{1,2}, 'param': 1, 'kind': 'weight', 'label': 'w_{1,2}'}

    The symbolic adjacency matrix (rows and columns in node order, inputs first):

    >>> adjacency = nx.to_numpy_array(g, weight="symbol", dtype=object, nonedge=0)
    >>> adjacency[1, 16]
    w_{1,2}
    """
    has_bias = bias and layer.structure.bias_index() is not None and layer.bias_shape is not None
    n_bias = int(np.prod(layer.bias_shape)) if has_bias and layer.bias_shape else 0
    check_graph_size(
        f"the graph of {layer.short_repr()}",
        layer.n_in + layer.n_out + n_bias,
        layer.num_weight_connections + (layer.n_out if has_bias else 0),
        max_edges,
    )
    graph = LayerGraph(name=layer.short_repr())
    inputs = [f"{prefix}x{k + 1}" for k in range(layer.n_in)]
    outputs = [f"{prefix}h{k + 1}" for k in range(layer.n_out)]
    _add_units(graph, layer.in_shape, "input", inputs, [f"x_{k + 1}" for k in range(layer.n_in)])
    _add_units(graph, layer.out_shape, "output", outputs,
               [output_label(layer.out_shape, k) for k in range(layer.n_out)])
    _add_edges(graph, inputs, outputs, *_weight_edges(layer), kind="weight")
    index = layer.structure.bias_index()
    if has_bias and index is not None and layer.bias_shape is not None:
        symbols = list(layer._bias_symbols)
        biases = [f"{prefix}b{k + 1}" for k in range(len(symbols))]
        _add_units(graph, layer.bias_shape, "bias", biases, [str(s) for s in symbols])
        ks = index.tolist()
        _add_edges(graph, biases, outputs, ks, list(range(layer.n_out)),
                   [symbols[k] for k in ks], ks, kind="bias")
    return graph


def fill_edges(graph: nx.DiGraph, edges: Iterable[tuple[Any, Any, dict[str, Any]]]) -> None:
    """Add ``(u, v, data)`` edges, ``data`` becoming the edge's own dict, at dict speed.

    The edges go straight into the graph's adjacency dicts, where
    ``add_edges_from`` would put them, without its per-edge copy and checks;
    edges whose ends are not nodes yet fall back to ``add_edge``. The garbage
    collector is paused meanwhile (millions of small dicts, no cycles).

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b")
    >>> fill_edges(g, [("a", "b", {"kind": "weight"}), ("b", "c", {})])
    >>> list(g.edges(data="kind"))
    [('a', 'b', 'weight'), ('b', 'c', None)]
    """
    succ, pred = graph._succ, graph._pred
    with gc_paused():
        for u, v, data in edges:
            if u in succ and v in pred:
                succ[u][v] = pred[v][u] = data
            else:
                graph.add_edge(u, v)
                succ[u][v] = pred[v][u] = data
    clear_cache = getattr(nx, "_clear_cache", None)  # networkx >= 3.3 caches conversions
    if clear_cache is not None:
        clear_cache(graph)


def _add_edges(
    graph: nx.DiGraph, sources: list[str], targets: list[str], ins: list[int],
    outs: list[int], values: list[Any], params: list[Any], *, kind: str,
) -> None:
    """Add the edges ``sources[i] -> targets[o]``; attributes are made once per distinct entry.

    Equal entries are the same object (:func:`~symconv.symbolic.entry_values`
    looks them up in one table), so they are grouped by identity, not by SymPy's
    slower hashing; each edge gets its own copy of its entry's attributes.
    """
    templates: dict[tuple[int, Any], dict[str, Any]] = {}
    keys = list(zip(map(id, values), params, strict=True))
    for key, value in zip(keys, values, strict=True):
        if key not in templates:
            templates[key] = edge_attributes(value, key[1], kind)
    fill_edges(graph, (
        (sources[i], targets[o], templates[key].copy())
        for i, o, key in zip(ins, outs, keys, strict=True)
    ))
