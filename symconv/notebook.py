"""Rich display of layers in Jupyter: the one-line summary and the matrix, typeset.

Notebook front ends call a layer's ``_repr_mimebundle_``, which returns
:func:`mimebundle`: plain text (what a terminal shows) and LaTeX (what
JupyterLab, the classic notebook and VS Code render first): the layer's summary
(shapes, window, parameter and connection counts) above its matrix, cut to its
corners when large, so a layer of any size displays at once. Diagrams are drawn
only when asked for: ``layer.plot()`` (or :func:`symconv.plot_connectivity`)
draws the connectivity diagram, which a notebook shows inline.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["latex_text", "mimebundle", "summary_latex"]

_TEX_SAFE = str.maketrans({"_": " ", **dict.fromkeys("#$%&{}\\^~")})


def latex_text(text: str) -> str:
    r"""``text`` made safe for ``\text{...}`` in MathJax and in LaTeX alike.

    MathJax shows the argument of ``\text`` literally, LaTeX reads TeX in it: the
    only text both show the same is free of TeX specials, so underscores become
    spaces and the other specials are left out.

    Examples
    --------
    >>> latex_text("output_padding {#1}")
    'output padding 1'
    """
    return text.translate(_TEX_SAFE)


def summary_latex(layer: Layer) -> str:
    r"""The layer's display in LaTeX: its one-line summary above its own LaTeX.

    Examples
    --------
    >>> import symconv as sc
    >>> print(summary_latex(sc.Conv1d((1, 3), 1, 2, bias=False)))
    $$\begin{array}{l}
    \text{Conv1d((1, 3) -> (1, 2), kernel 2: 2 parameters, 4 connections)} \\
    M = \left[\begin{array}{ccc}
    w_{1} & w_{2} & 0 \\
    0 & w_{1} & w_{2}
    \end{array}\right]
    \end{array}$$
    """
    body = layer._repr_latex_().strip().removeprefix("$$").removesuffix("$$").strip()
    return (f"$$\\begin{{array}}{{l}}\n\\text{{{latex_text(repr(layer))}}} \\\\\n"
            f"{body}\n\\end{{array}}$$")


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
    >>> bundle = mimebundle(sc.Conv1d((1, 3), 1, 2))
    >>> sorted(bundle)
    ['text/latex', 'text/plain']
    >>> print(bundle["text/plain"].splitlines()[0])
    Conv1d((1, 3) -> (1, 2), kernel 2: 3 parameters, 6 connections)
    """
    makers: dict[str, Callable[[], str]] = {
        "text/plain": lambda: str(layer),
        "text/latex": lambda: summary_latex(layer),
    }
    return {
        mime: make() for mime, make in makers.items()
        if (include is None or mime in include) and (exclude is None or mime not in exclude)
    }
