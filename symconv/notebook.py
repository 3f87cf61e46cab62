"""Rich display of layers in Jupyter: the matrix as LaTeX and the connectivity diagram as SVG.

Notebook front ends call a layer's ``_repr_mimebundle_``, which returns
:func:`mimebundle`: plain text (what a terminal shows), the LaTeX matrix and, for
layers small enough to draw quickly, the connectivity diagram as SVG. The front
end shows the richest type it supports; some let the reader switch between them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Container
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["NOTEBOOK_SVG_MAX_CONNECTIONS", "connectivity_svg", "mimebundle"]

NOTEBOOK_SVG_MAX_CONNECTIONS = 1_000
"""Layers with more weight connections are shown without the SVG diagram."""


def connectivity_svg(layer: Layer, *, max_connections: int | None = None) -> str | None:
    """The connectivity diagram as SVG text, or ``None`` for a layer too big to draw quickly.

    Examples
    --------
    >>> import symconv as sc
    >>> svg = connectivity_svg(sc.Conv1d((1, 4), 1, 2))
    >>> svg.startswith("<?xml") and "</svg>" in svg
    True
    >>> connectivity_svg(sc.Dense(100, 100)) is None
    True
    """
    limit = NOTEBOOK_SVG_MAX_CONNECTIONS if max_connections is None else max_connections
    if layer.num_weight_connections > limit:
        return None
    import symconv
    from symconv.exporting import save_figure
    from symconv.plots.style import figure_style

    buffer = io.BytesIO()
    with figure_style():
        ax = symconv.plot_connectivity(layer)
        save_figure(ax.figure, buffer, "svg")
    return buffer.getvalue().decode("utf-8")


def mimebundle(
    layer: Layer,
    *,
    include: Container[str] | None = None,
    exclude: Container[str] | None = None,
) -> dict[str, str]:
    """The representations of ``layer`` by MIME type, as ``_repr_mimebundle_`` returns them.

    Only the types in ``include`` (default all) and not in ``exclude`` are computed.

    Examples
    --------
    >>> import symconv as sc
    >>> bundle = mimebundle(sc.Conv1d((1, 3), 1, 2), exclude={"image/svg+xml"})
    >>> sorted(bundle)
    ['text/latex', 'text/plain']
    >>> print(bundle["text/plain"].splitlines()[0])
    Conv1d((1, 3) -> (1, 2), kernel 2: 3 parameters, 6 connections)
    """
    makers: dict[str, Callable[[], str | None]] = {
        "text/plain": lambda: str(layer),
        "text/latex": layer._repr_latex_,
        "image/svg+xml": lambda: connectivity_svg(layer),
    }
    bundle = {}
    for mime, make in makers.items():
        if (include is None or mime in include) and (exclude is None or mime not in exclude):
            value = make()
            if value is not None:
                bundle[mime] = value
    return bundle
