"""A layer as a NetworkX graph: which input feeds which output through which weight.

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
    bias node to each output unit it feeds. Every edge carries ``weight``, the
    SymPy expression of the entry; ``param``, the index of its parameter in the
    flattened weight (or bias) array, a tuple of indices for a folded entry, or
    ``None`` for a fixed entry such as average pooling's ``1/4``; ``kind``
    (``"weight"`` or ``"bias"``); and ``label``, the weight as plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from symconv.errors import SizeLimitError
from symconv.symbolic import entry_values
from symconv.symbols import symbol_name

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["MAX_GRAPH_EDGES", "layer_graph", "output_label"]

MAX_GRAPH_EDGES = 200_000
"""Default limit on the edges of a graph (NetworkX keeps about 1 KiB per edge)."""


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


def _add_units(
    graph: nx.DiGraph, shape: tuple[int, ...], role: str, ids: list[str], labels: list[str]
) -> None:
    """Add one node per unit of an array of ``shape``, in flat C order."""
    grid = np.unravel_index(np.arange(len(ids)), shape)
    channels = grid[0].tolist()
    positions = list(zip(*(axis.tolist() for axis in grid[1:]), strict=True)) or [()] * len(ids)
    for unit, (node, label, channel, position) in enumerate(
        zip(ids, labels, channels, positions, strict=True)
    ):
        graph.add_node(
            node, role=role, unit=unit, channel=channel, position=position, label=label
        )


def _weight_edges(layer: Layer) -> list[tuple[int, int, Any, Any]]:
    """``(input, output, expression, param)`` for every nonzero entry, folded taps summed."""
    conn = layer.connectivity
    values = entry_values(conn, layer._weight_symbols).tolist()
    params: list[Any] = [None if p < 0 else p for p in conn.param.tolist()]
    ins, outs = conn.in_unit.tolist(), conn.out_unit.tolist()
    if not conn.folded:
        return list(zip(ins, outs, values, params, strict=True))
    merged: dict[tuple[int, int], tuple[Any, tuple[Any, ...]]] = {}
    for i, o, value, param in zip(ins, outs, values, params, strict=True):
        total, taps = merged.get((i, o), (0, ()))
        merged[(i, o)] = (total + value, (*taps, param))
    return [
        (i, o, value, taps[0] if len(taps) == 1 else taps)
        for (i, o), (value, taps) in merged.items()
    ]


def layer_graph(
    layer: Layer, *, bias: bool = False, prefix: str = "", max_edges: int | None = None
) -> nx.DiGraph:
    """The layer as a directed graph from input units to output units.

    See the module documentation for the node ids, labels and attributes.
    Refused with :class:`~symconv.SizeLimitError` above ``max_edges`` edges
    (default :data:`MAX_GRAPH_EDGES`), before anything is built.

    Parameters
    ----------
    layer
        Any symconv layer.
    bias
        Add one node per bias parameter and its edges to the output units.
    prefix
        Prepended to every node id, to keep the graphs of several layers apart.
    max_edges
        The largest graph to build.

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
    {'weight': w_{1,2}, 'param': 1, 'kind': 'weight', 'label': 'w_{1,2}'}
    """
    limit = MAX_GRAPH_EDGES if max_edges is None else max_edges
    edges_needed = layer.num_weight_connections + (layer.n_out if bias else 0)
    if edges_needed > limit:
        raise SizeLimitError(
            f"the graph of {layer.short_repr()} would have {edges_needed:,} edges, "
            f"over the limit of {limit:,}; pass max_edges= to raise it"
        )
    graph = nx.DiGraph(name=layer.short_repr())
    inputs = [f"{prefix}x{k + 1}" for k in range(layer.n_in)]
    outputs = [f"{prefix}h{k + 1}" for k in range(layer.n_out)]
    _add_units(graph, layer.in_shape, "input", inputs, [f"x_{k + 1}" for k in range(layer.n_in)])
    _add_units(graph, layer.out_shape, "output", outputs,
               [output_label(layer.out_shape, k) for k in range(layer.n_out)])
    for i, o, value, param in _weight_edges(layer):
        graph.add_edge(
            inputs[i], outputs[o], weight=value, param=param, kind="weight", label=str(value)
        )
    index = layer.structure.bias_index()
    if bias and index is not None and layer.bias_shape is not None:
        symbols = layer._bias_symbols
        biases = [f"{prefix}b{k + 1}" for k in range(len(symbols))]
        _add_units(graph, layer.bias_shape, "bias", biases, [str(s) for s in symbols])
        for o, k in enumerate(index.tolist()):
            graph.add_edge(
                biases[k], outputs[o], weight=symbols[k], param=k, kind="bias",
                label=str(symbols[k]),
            )
    return graph
