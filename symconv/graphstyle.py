"""How a graph looks in a file: one colour per weight, units in columns, real subscripts.

The DOT and GEXF writers (:mod:`symconv.graphwriters`) draw a graph the way the
matplotlib figures do: each edge takes the colour of its weight from
:class:`symconv.plots.style.ParameterColors` (neutral greys for fixed and folded
entries, no colour for bias edges), inputs stand in one column and outputs in
the next (one column per layer for a network's graph), and labels such as
``h_{1,2}`` become ``h`` with the subscript ``1,2``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np

__all__ = ["color_key", "column_of", "edge_colors", "html_label", "unit_positions"]

_SCRIPT = re.compile(r"([_^])(?:\{([^{}]*)\}|(\w+))")

COLUMN_GAP = 400.0
"""Horizontal distance between columns of units in GEXF positions (Gephi's pixels)."""
ROW_GAP = 40.0
"""Vertical distance between neighbouring units of a column."""


def html_label(text: str) -> str:
    """``text`` as a Graphviz HTML-like label: ``_{...}``, ``^{...}`` become sub-, superscripts.

    Examples
    --------
    >>> html_label("w_{1,2}")
    'w<SUB>1,2</SUB>'
    >>> html_label("h^{(2)}_1 + x_12 & <b>")
    'h<SUP>(2)</SUP><SUB>1</SUB> + x<SUB>12</SUB> &amp; &lt;b&gt;'
    """
    tags = {"_": "SUB", "^": "SUP"}
    return _SCRIPT.sub(
        lambda m: f"<{tags[m[1]]}>{m[2] if m[2] is not None else m[3]}</{tags[m[1]]}>",
        html.escape(text, quote=False),
    )


def color_key(data: dict[str, Any]) -> int | None:
    """The key of an edge's colour in :class:`~symconv.plots.style.ParameterColors`.

    Its parameter index for a weight edge, the neutral ``FIXED`` or ``FOLDED``
    keys for a constant or folded entry, ``None`` (no colour) for a bias edge or
    an edge without a ``param``.

    Examples
    --------
    >>> color_key({"param": 3, "kind": "weight"}), color_key({"param": (0, 2)})
    (3, -2)
    >>> color_key({"param": None}), color_key({"param": 0, "kind": "bias"})
    (-1, None)
    """
    from symconv.plots.style import FIXED, FOLDED

    if data.get("kind", "weight") != "weight" or "param" not in data:
        return None
    param = data["param"]
    if param is None:
        return FIXED
    if isinstance(param, tuple):
        return FOLDED
    return int(param) if isinstance(param, int | np.integer) else None


def edge_colors(datas: Iterable[dict[str, Any]]) -> list[str | None]:
    """The colour (``'#rrggbb'``) of each edge, from its attributes, or ``None``.

    Edges of a network's graph carry ``layer``: their keys are ranked by
    ``(layer, param)``, so the weights of different layers differ in colour.

    Examples
    --------
    >>> edge_colors([{"param": 0}, {"param": 1}, {"param": 0}, {"kind": "bias", "param": 0}])
    ['#0072b2', '#e69f00', '#0072b2', None]
    """
    from symconv.plots.style import ParameterColors

    datas = list(datas)
    keys = [color_key(d) for d in datas]
    if any("layer" in d for d in datas):
        ranks = {pair: rank for rank, pair in enumerate(sorted(
            {(d.get("layer", 0), k) for d, k in zip(datas, keys, strict=True)
             if k is not None and k >= 0}))}
        keys = [k if k is None or k < 0 else ranks[(d.get("layer", 0), k)]
                for d, k in zip(datas, keys, strict=True)]
    distinct = sorted({k for k in keys if k is not None})
    colors = ParameterColors.of(distinct)
    rgb = np.round(colors.rgba(np.array(distinct, dtype=np.int64))[:, :3] * 255).astype(int)
    hexes = {k: "#{:02x}{:02x}{:02x}".format(*row) for k, row in zip(distinct, rgb.tolist(),
                                                                    strict=True)}
    return [None if k is None else hexes[k] for k in keys]


def column_of(data: dict[str, Any]) -> int | None:
    """The column a node stands in: its ``layer`` if it has one, else by ``role``.

    Bias nodes stand with the units their layer reads, left of the units they feed.

    Examples
    --------
    >>> column_of({"role": "input"}), column_of({"role": "output"}), column_of({})
    (0, 1, None)
    >>> column_of({"role": "hidden", "layer": 2}), column_of({"role": "bias", "layer": 2})
    (2, 1)
    """
    if "layer" in data:
        return int(data["layer"]) - (data.get("role") == "bias")
    return {"input": 0, "bias": 0, "output": 1}.get(data.get("role", ""))


def unit_positions(graph: nx.DiGraph) -> dict[Any, tuple[float, float]]:
    """``(x, y)`` of every node in a column: columns left to right, units top to bottom.

    Columns are centred on ``y = 0``; nodes without a column are left out.

    Examples
    --------
    >>> import symconv as sc
    >>> positions = unit_positions(sc.Conv1d((1, 3), 1, 2).graph())
    >>> positions["x1"], positions["x3"], positions["h1"]
    ((0.0, 40.0), (0.0, -40.0), (400.0, 20.0))
    """
    columns: dict[int, list[Any]] = {}
    for node, data in graph.nodes(data=True):
        column = column_of(data)
        if column is not None:
            columns.setdefault(column, []).append(node)
    return {
        node: (column * COLUMN_GAP, ((len(nodes) - 1) / 2 - row) * ROW_GAP)
        for column, nodes in columns.items()
        for row, node in enumerate(nodes)
    }
