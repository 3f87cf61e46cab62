"""The graph file writers of :func:`symconv.export`: GraphML, GEXF, node-link JSON and DOT.

* GraphML and JSON hold the encoded attributes (:mod:`symconv.graphfile`).
* GEXF also holds, for Gephi, a ``viz`` position for every unit (inputs in one
  column, outputs in the next) and a ``viz`` colour for every edge, the colour
  of its weight in the figures. NetworkX's writer stamps the day's date into the
  file; it is left out, so the same graph gives the same bytes on any day.
* DOT is written for Graphviz (``dot -Tsvg graph.dot``) without any Graphviz
  package: HTML-like labels with real subscripts (``w<SUB>1,2</SUB>``), edges in
  their weight's colour, a legend when the weights are few, each column of units
  on one rank. The data attributes follow, encoded; those whose names Graphviz
  reads itself (``weight``, ``label``, ``layer``, ...) get the prefix ``data_``.
  DOT is not read back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import IO, Any

import networkx as nx

from symconv.graphfile import EDGES_KEY, attribute_encoder, checked_text, encoded_graph
from symconv.graphstyle import color_key, column_of, edge_colors, html_label, unit_positions

__all__ = ["GRAPH_WRITERS", "write_dot", "write_gexf"]

_GRAPHVIZ_NAMES = frozenset({
    "class", "color", "comment", "group", "height", "id", "label", "layer", "pos", "rank",
    "shape", "style", "tooltip", "weight", "width",
})
"""Graphviz attributes that a graph's data attributes must not set by accident."""

_NODE_STYLE = 'shape=circle, fixedsize=true, fontname="Helvetica", fontsize=12'


def _write_json(graph: nx.DiGraph, stream: IO[bytes]) -> None:
    data = nx.node_link_data(encoded_graph(graph), **EDGES_KEY)
    stream.write(json.dumps(data, indent=1, ensure_ascii=False).encode())


def _write_graphml(graph: nx.DiGraph, stream: IO[bytes]) -> None:
    nx.write_graphml(encoded_graph(graph), stream)


def _rgb(color: str) -> dict[str, int]:
    return {"r": int(color[1:3], 16), "g": int(color[3:5], 16), "b": int(color[5:7], 16)}


def write_gexf(graph: nx.DiGraph, stream: IO[bytes]) -> None:
    """Write ``graph`` as GEXF 1.2 with ``viz`` positions and colours, and no date.

    Examples
    --------
    >>> import io
    >>> import symconv as sc
    >>> stream = io.BytesIO()
    >>> write_gexf(sc.Conv1d((1, 3), 1, 2).graph(), stream)
    >>> read = nx.read_gexf(io.BytesIO(stream.getvalue()))
    >>> read.nodes["h2"]["viz"]["position"]
    {'x': 400.0, 'y': -20.0, 'z': 0.0}
    >>> print(stream.getvalue().decode().split('source="x1" target="h1"')[1].splitlines()[1])
          <viz:color r="0" g="114" b="178" a="1.0" />
    """
    from networkx.readwrite.gexf import GEXFWriter

    encoded = encoded_graph(graph)
    positions = unit_positions(graph)
    for node, data in encoded.nodes(data=True):
        if node in positions:
            x, y = positions[node]
            data["viz"] = {"position": {"x": x, "y": y, "z": 0.0}, "size": 10.0,
                           "color": {"r": 34, "g": 34, "b": 34}}
    edges = list(encoded.edges(data=True))
    styled: dict[tuple[int, str], dict[str, Any]] = {}
    for (u, v, data), color in zip(edges, edge_colors(d for _, _, d in graph.edges(data=True)),
                                   strict=True):
        if color is not None:
            key = (id(data), color)
            if key not in styled:
                styled[key] = {**data, "viz": {"color": _rgb(color)}}
            encoded._succ[u][v] = encoded._pred[v][u] = styled[key]
    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(encoded)
    writer.write(stream)


def _quoted(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _dot_key(key: str) -> str:
    name = f"data_{key}" if key in _GRAPHVIZ_NAMES else key
    return name if name.isidentifier() and name.isascii() else _quoted(name)


def _data_text(encoded: dict[str, Any]) -> list[str]:
    return [f"{_dot_key(k)}={_quoted(v)}" for k, v in encoded.items()]


def _label_text(data: dict[str, Any], fallback: Any) -> list[str]:
    label = str(data.get("label", fallback))
    return [f"label=<{html_label(label)}>", f"tooltip={_quoted(label)}"]


def _node_width(graph: nx.DiGraph) -> float:
    """The diameter in inches of circles that hold every node's label (12 pt Helvetica)."""
    longest = max((len(re.sub(r"[_^{}]", "", str(label)))
                   for _, label in graph.nodes(data="label", default="")), default=0)
    return max(0.5, 0.08 * longest + 0.22)


def _legend(datas: list[dict[str, Any]], colors: list[str | None]) -> list[str]:
    """A table of each colour and its weight, when there are at most ten (none otherwise)."""
    entries: dict[str, tuple[int, str]] = {}
    for data, color in zip(datas, colors, strict=True):
        key = color_key(data)
        if color and key is not None and color not in entries:
            folded = isinstance(data.get("param"), tuple)
            entries[color] = (key, "sum of folded taps" if folded else str(data.get("label", "")))
    if not 0 < len(entries) <= 10:
        return []
    order = sorted(entries.items(), key=lambda item: (item[1][0] < 0, abs(item[1][0])))
    rows = "".join(
        f'<TR><TD BGCOLOR="{color}" WIDTH="18"></TD><TD ALIGN="LEFT">{html_label(label)}</TD></TR>'
        for color, (_, label) in order  # in parameter order, neutral greys last
    )
    return [
        "  { rank=sink; legend [shape=plaintext, fixedsize=false, label=<"
        f'<TABLE BORDER="0" CELLSPACING="4">{rows}</TABLE>>]; }}'
    ]


def write_dot(graph: nx.DiGraph, stream: IO[bytes]) -> None:
    """Write ``graph`` in Graphviz's DOT language (see the module documentation).

    Examples
    --------
    >>> import io
    >>> import symconv as sc
    >>> stream = io.BytesIO()
    >>> write_dot(sc.Conv1d((1, 3), 1, 2, bias=False).graph(), stream)
    >>> lines = stream.getvalue().decode().splitlines()
    >>> edge = next(line for line in lines if line.startswith('  "x1" -> "h1"'))
    >>> for part in edge.split(", "):
    ...     print(part)
      "x1" -> "h1" [color="#0072b2"
    tooltip="w_1"
    symbol_srepr="Symbol('w_1'
    real=True)"
    param="0"
    kind="weight"
    data_label="w_1"];
    """
    encode = attribute_encoder()
    ids = {node: _quoted(checked_text(str(node), "node")) for node in graph}
    lines = [
        f"digraph {_quoted(graph.graph.get('name', 'G'))} {{",
        "  rankdir=LR; ranksep=1.6; nodesep=0.15;",
        f"  node [{_NODE_STYLE}, width={_node_width(graph):.2f}];",
        "  edge [arrowsize=0.6, penwidth=1.2];",
        *_node_lines(graph, ids, encode),
    ]
    # Edges of one weight share their attribute objects: format each distinct dict once.
    codes: dict[tuple[Any, ...], int] = {}
    datas: list[dict[str, Any]] = []
    edge_codes = []
    for _, _, data in graph.edges(data=True):
        key = (*data, *map(id, data.values()))
        code = codes.get(key)
        if code is None:
            code = codes[key] = len(datas)
            datas.append(data)
        edge_codes.append(code)
    colors = edge_colors(datas)
    texts = [_edge_text(data, color, encode(data)) for data, color in zip(datas, colors,
                                                                         strict=True)]
    lines += [f"  {ids[u]} -> {ids[v]} [{texts[code]}];"
              for (u, v), code in zip(graph.edges(), edge_codes, strict=True)]
    lines += _legend(datas, colors)
    lines.append("}")
    stream.write(("\n".join(lines) + "\n").encode())


def _node_lines(
    graph: nx.DiGraph, ids: dict[Any, str], encode: Callable[[dict[str, Any]], dict[str, Any]]
) -> list[str]:
    """The node statements, each column of units on one rank and in its order."""
    statements: dict[int | None, list[str]] = {}
    orders: dict[int | None, list[str]] = {}
    for node, data in graph.nodes(data=True):
        column = column_of(data)
        attributes = ", ".join(_label_text(data, node) + _data_text(encode(data)))
        statements.setdefault(column, []).append(f"{ids[node]} [{attributes}];")
        orders.setdefault(column, []).append(ids[node])
    lines = []
    for column, own in statements.items():
        if column is None:
            lines += [f"  {s}" for s in own]
            continue
        lines += ["  { rank=same;", *(f"    {s}" for s in own)]
        if len(own) > 1:  # keeps the units of a column in their order
            lines.append(f"    {' -> '.join(orders[column])} [style=invis];")
        lines.append("  }")
    return lines


def _edge_text(data: dict[str, Any], color: str | None, encoded: dict[str, Any]) -> str:
    """The attribute list of an edge: its colour (dashed grey for a bias), tooltip and data."""
    bias = data.get("kind") == "bias"
    style = [f'color="{color}"'] if color else ['color="#6e6e6e"', "style=dashed"] if bias else []
    tooltip = f"tooltip={_quoted(data.get('label', ''))}"
    return ", ".join([*style, tooltip, *_data_text(encoded)])


GRAPH_WRITERS: dict[str, Callable[[nx.DiGraph, IO[bytes]], None]] = {
    ".graphml": _write_graphml,
    ".gexf": write_gexf,
    ".json": _write_json,
    ".dot": write_dot,
}
"""Writers of graphs (with SymPy attributes) to a binary stream, by file extension."""
