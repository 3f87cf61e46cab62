"""A layer's connectivity diagram as a standalone TikZ picture, for LaTeX papers and slides.

Inputs stand in a column on the left, outputs in a column on the right, and one
arrow per nonzero matrix entry joins them, coloured by its weight with the same
colours as the matplotlib figures (:class:`symconv.plots.style.ParameterColors`);
a legend names each weight when there are few enough to tell apart. The picture
is drawn from the layer's graph (:func:`symconv.layer_graph`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy

from symconv.graph import layer_graph
from symconv.graphstyle import color_key

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["MAX_TIKZ_EDGES", "tikz_picture", "tikz_standalone"]

MAX_TIKZ_EDGES = 2_000
"""The most arrows a TikZ picture draws (LaTeX slows to a crawl beyond)."""

STEP = 0.8
"""Vertical distance between units, in centimetres."""
GAP = 5.0
"""Horizontal distance between the input and the output column, in centimetres."""


def _math(label: str) -> str:
    """A node label such as ``x_12`` as LaTeX math (``x_{12}``)."""
    return sympy.latex(sympy.Symbol(label))


def tikz_picture(layer: Layer, *, max_edges: int = MAX_TIKZ_EDGES) -> str:
    r"""The connectivity diagram as a ``tikzpicture`` environment (needs ``\usepackage{tikz}``).

    Examples
    --------
    >>> import symconv as sc
    >>> picture = tikz_picture(sc.Conv1d((1, 3), 1, 2, bias=False))
    >>> print(picture.splitlines()[0])
    \begin{tikzpicture}[unit/.style={circle, draw, minimum size=7mm, inner sep=0pt}]
    >>> print([line for line in picture.splitlines() if "(x2) --" in line][0])
      \draw[->, p1] (x2) -- (h1);
    """
    from symconv.plots.style import FOLDED, ParameterColors

    graph = layer_graph(layer, max_edges=max_edges)
    edges = list(graph.edges(data=True))
    keys = [int(color_key(data) or 0) for _, _, data in edges]  # weight edges only: never None
    colors = ParameterColors.of(keys)
    used = sorted(set(keys))
    names = {key: f"p{rank}" for rank, key in enumerate(used)}
    lines = [r"\begin{tikzpicture}[unit/.style={circle, draw, minimum size=7mm, inner sep=0pt}]"]
    lines += [
        rf"  \definecolor{{{names[key]}}}{{HTML}}{{{colors.hex(key)[1:].upper()}}}"
        for key in used
    ]
    for role, x, count in (("input", 0.0, layer.n_in), ("output", GAP, layer.n_out)):
        offset = (max(layer.n_in, layer.n_out) - count) * STEP / 2
        for node, data in graph.nodes(data=True):
            if data["role"] == role:
                y = 0.0 - (offset + data["unit"] * STEP) + 0.0
                label = _math(data["label"])
                lines.append(rf"  \node[unit] ({node}) at ({x:g}, {y:g}) {{${label}$}};")
    lines += [
        rf"  \draw[->, {names[key]}] ({u}) -- ({v});"
        for (u, v, _), key in zip(edges, keys, strict=True)
    ]
    if colors.qualitative:
        weights = {key: data["symbol"] for (_, _, data), key in zip(edges, keys, strict=True)}
        for rank, key in enumerate(used):
            text = "sum of folded taps" if key == FOLDED else f"${sympy.latex(weights[key])}$"
            lines.append(
                rf"  \node[anchor=west, text={names[key]}] at ({GAP + 1.5:g}, {-rank * STEP:g})"
                rf" {{\rule[0.5ex]{{1.2em}}{{1pt}}~{text}}};"
            )
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)


def tikz_standalone(layer: Layer, *, max_edges: int = MAX_TIKZ_EDGES) -> str:
    r"""A complete LaTeX document (class ``standalone``) holding :func:`tikz_picture`.

    Examples
    --------
    >>> import symconv as sc
    >>> print(tikz_standalone(sc.Dense(2, 1, bias=False)).splitlines()[0])
    \documentclass[tikz, border=4pt]{standalone}
    """
    return "\n".join([
        r"\documentclass[tikz, border=4pt]{standalone}",
        f"% The connectivity of {layer.short_repr()}",
        r"\begin{document}",
        tikz_picture(layer, max_edges=max_edges),
        r"\end{document}",
        "",
    ])
