"""LaTeX of layers for SymPy's printers: ``sympy.latex(layer)`` and the truncated matrix.

:func:`latex_matrix` is the matrix as LaTeX, cut to its corners when large
(only the shown rows are computed, so any size is instant); ``sympy.latex(layer)``
and ``sympy.latex(network)`` give a one-line summary above it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from symconv.display import MAX_COLS, MAX_ROWS, matrix_latex
from symconv.geometry import as_int

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["latex_matrix", "latex_summary", "latex_text"]

_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}",
             "%": r"\%", "#": r"\#", "$": r"\$", "&": r"\&", "~": r"\~{}"}


def latex_text(text: str) -> str:
    r"""Plain text as a LaTeX ``\text{...}``, special characters escaped.

    Examples
    --------
    >>> print(latex_text("Conv1d((1, 3) -> (1, 2)): 50% of {w_1}"))
    \text{Conv1d((1, 3) -> (1, 2)): 50\% of \{w\_1\}}
    """
    return r"\text{" + "".join(_SPECIALS.get(c, c) for c in text) + "}"


def latex_matrix(layer: Layer, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> str:
    r"""The layer's matrix ``M`` as LaTeX, cut to its corners beyond ``max_rows`` x ``max_cols``.

    Cuts are marked with ``\cdots``, ``\vdots`` and ``\ddots``.

    Examples
    --------
    >>> import symconv as sc
    >>> print(sc.latex_matrix(sc.Conv1d((1, 3), 1, 2)))
    \left[\begin{array}{ccc}
    w_{1} & w_{2} & 0 \\
    0 & w_{1} & w_{2}
    \end{array}\right]
    >>> print(sc.latex_matrix(sc.Conv1d((1, 100), 1, 3), max_rows=2, max_cols=2))
    \left[\begin{array}{ccc}
    w_{1} & \cdots & 0 \\
    \vdots & \ddots & \vdots \\
    0 & \cdots & w_{3}
    \end{array}\right]
    """
    if not layer.linear:
        from symconv.errors import NotLinearError

        raise NotLinearError(f"{layer.short_repr()} is not linear: it has no matrix")
    return matrix_latex(layer, as_int(max_rows, "max_rows"), as_int(max_cols, "max_cols"))


def latex_summary(layer: Any, body: str) -> str:
    r"""The layer's one-line summary above ``body``, for ``sympy.latex(layer)``.

    Examples
    --------
    >>> import symconv as sc
    >>> print(latex_summary(sc.ReLU(1), "h = x"))
    \begin{array}{c}\text{ReLU((1,) -> (1,): 0 parameters, 1 connection)} \\ h = x\end{array}
    """
    return rf"\begin{{array}}{{c}}{latex_text(repr(layer).splitlines()[0])} \\ {body}\end{{array}}"
