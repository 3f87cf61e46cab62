"""Readable text and LaTeX of a layer's matrix, truncated to its corners when large.

Only the rows that are shown are computed (from the factored structure), so a
layer of any size displays instantly.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import sympy

from symconv.errors import SymconvError
from symconv.geometry import shown_value
from symconv.symbolic import entry_values, rows_of_entries

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = [
    "MAX_COLS",
    "MAX_DISPLAY",
    "MAX_ROWS",
    "check_display_limit",
    "matrix_html",
    "matrix_latex",
    "matrix_markdown",
    "matrix_text",
    "matrix_window",
    "visible_window",
]

MAX_ROWS = 16
"""Rows shown before the display is cut to its first and last rows."""
MAX_COLS = 16
"""Columns shown before the display is cut to its first and last columns."""
MAX_DISPLAY = 1000
"""The most rows or columns a display may be asked to show."""

Window = tuple[list[int | None], list[int | None], dict[int, dict[int, Any]]]


def check_display_limit(value: object, name: str) -> int:
    """A number of rows or columns to show: an int from 1 to :data:`MAX_DISPLAY`.

    Examples
    --------
    >>> check_display_limit(0, "max_rows")
    Traceback (most recent call last):
    ...
    symconv.errors.SymconvError: max_rows=0 must be an integer from 1 to 1000
    """
    if (isinstance(value, numbers.Integral) and not isinstance(value, bool)
            and 1 <= int(value) <= MAX_DISPLAY):
        return int(value)
    raise SymconvError(f"{name}={shown_value(value)} must be an integer from 1 to {MAX_DISPLAY}")


def _shown(count: int, limit: int) -> list[int | None]:
    """Indices to show out of ``count``: all, or the two ends around a ``None`` gap."""
    if count <= limit:
        return list(range(count))
    head = (limit + 1) // 2
    tail = limit - head
    return [*range(head), None, *range(count - tail, count)]


def visible_window(layer: Layer, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> Window:
    """The rows and columns to show (``None`` marks a gap) and their entries.

    Examples
    --------
    >>> import symconv as sc
    >>> rows, cols, entries = visible_window(sc.Conv1d((1, 40), 1, 3), 4, 4)
    >>> rows, cols
    ([0, 1, None, 36, 37], [0, 1, None, 38, 39])
    >>> entries[37]
    {38: w_2, 39: w_3}
    """
    rows = _shown(layer.n_out, check_display_limit(max_rows, "max_rows"))
    cols = _shown(layer.n_in, check_display_limit(max_cols, "max_cols"))
    conn = layer.structure.select([r for r in rows if r is not None],
                                  [c for c in cols if c is not None])
    return rows, cols, rows_of_entries(conn, entry_values(conn, layer._weight_symbols))


def matrix_window(
    matrix: sympy.MatrixBase, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS
) -> Window:
    """:func:`visible_window` of a SymPy matrix: only the shown entries are read.

    Examples
    --------
    >>> matrix_window(sympy.eye(40), 2, 2)[2][39]
    {0: 0, 39: 1}
    """
    rows = _shown(matrix.rows, check_display_limit(max_rows, "max_rows"))
    cols = _shown(matrix.cols, check_display_limit(max_cols, "max_cols"))
    shown_cols = [c for c in cols if c is not None]
    entries = {r: {c: matrix[r, c] for c in shown_cols} for r in rows if r is not None}
    return rows, cols, entries


def _window(source: Layer | sympy.MatrixBase, max_rows: int, max_cols: int) -> Window:
    if isinstance(source, sympy.MatrixBase):
        return matrix_window(source, max_rows, max_cols)
    return visible_window(source, max_rows, max_cols)


def matrix_text(
    layer: Layer | sympy.MatrixBase, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS
) -> str:
    """The matrix (of a layer, or a SymPy matrix) as aligned text, cut with ``⋯ ⋮ ⋱``.

    Examples
    --------
    >>> import symconv as sc
    >>> print(matrix_text(sc.Conv1d((1, 4), 1, 2)))
    ⎡w_1  w_2   0    0 ⎤
    ⎢ 0   w_1  w_2   0 ⎥
    ⎣ 0    0   w_1  w_2⎦
    """
    rows, cols, entries = _window(layer, max_rows, max_cols)
    grid = [
        [_cell_text(entries, r, c) for c in cols]
        for r in rows
    ]
    widths = [max(len(line[j]) for line in grid) for j in range(len(cols))]
    lines = ["  ".join(cell.center(w) for cell, w in zip(line, widths, strict=True))
             for line in grid]
    if len(lines) == 1:
        return f"[{lines[0]}]"
    brackets = ["⎡⎤", *(["⎢⎥"] * (len(lines) - 2)), "⎣⎦"]
    return "\n".join(f"{b[0]}{line}{b[1]}" for b, line in zip(brackets, lines, strict=True))


def _cell_text(entries: dict[int, dict[int, Any]], r: int | None, c: int | None) -> str:
    if r is None and c is None:
        return "⋱"
    if r is None:
        return "⋮"
    if c is None:
        return "⋯"
    return str(entries.get(r, {}).get(c, 0))


def matrix_latex(
    layer: Layer | sympy.MatrixBase, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS
) -> str:
    r"""The matrix as a LaTeX array in brackets, with ``\cdots``, ``\vdots``, ``\ddots`` cuts.

    An ``array`` rather than ``bmatrix`` keeps wide matrices legal in plain LaTeX.

    Examples
    --------
    >>> import symconv as sc
    >>> print(matrix_latex(sc.Conv1d((1, 3), 1, 2)))
    \left[\begin{array}{ccc}
    w_{1} & w_{2} & 0 \\
    0 & w_{1} & w_{2}
    \end{array}\right]
    """
    rows, cols, entries = _window(layer, max_rows, max_cols)
    lines = [
        " & ".join(_cell_latex(entries, r, c) for c in cols)
        for r in rows
    ]
    body = " \\\\\n".join(lines)
    spec = "c" * len(cols)
    return f"\\left[\\begin{{array}}{{{spec}}}\n{body}\n\\end{{array}}\\right]"


def _cell_latex(entries: dict[int, dict[int, Any]], r: int | None, c: int | None) -> str:
    if r is None and c is None:
        return r"\ddots"
    if r is None:
        return r"\vdots"
    if c is None:
        return r"\cdots"
    return sympy.latex(entries.get(r, {}).get(c, sympy.S.Zero))


def _labelled_grid(layer: Layer, max_rows: int, max_cols: int) -> list[list[str]]:
    """Header row (``x_j``) and one row per shown output (``h_i``), cuts as in the text."""
    rows, cols, entries = visible_window(layer, max_rows, max_cols)
    header = ["", *("⋯" if c is None else f"x_{c + 1}" for c in cols)]
    return [header, *(
        ["⋮" if r is None else f"h_{r + 1}", *(_cell_text(entries, r, c) for c in cols)]
        for r in rows
    )]


def matrix_markdown(layer: Layer, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> str:
    """The matrix as a Markdown table: outputs ``h_i`` down, inputs ``x_j`` across.

    Examples
    --------
    >>> import symconv as sc
    >>> print(matrix_markdown(sc.Conv1d((1, 3), 1, 2)))
    |     | x_1 | x_2 | x_3 |
    | :-- | :-: | :-: | :-: |
    | h_1 | w_1 | w_2 |  0  |
    | h_2 |  0  | w_1 | w_2 |
    """
    grid = _labelled_grid(layer, max_rows, max_cols)
    widths = [max(3, *(len(line[j]) for line in grid)) for j in range(len(grid[0]))]
    rule = [":" + "-" * (widths[0] - 1), *(":" + "-" * (w - 2) + ":" for w in widths[1:])]
    lines = [[line[0].ljust(widths[0]), *(cell.center(w) for cell, w in
                                          zip(line[1:], widths[1:], strict=True))]
             for line in grid]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [lines[0], rule, *lines[1:]])


def matrix_html(layer: Layer, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> str:
    """The matrix as an HTML table: outputs ``h_i`` down, inputs ``x_j`` across.

    Examples
    --------
    >>> import symconv as sc
    >>> print(matrix_html(sc.Conv1d((1, 3), 1, 2)))
    <table class="symconv-matrix">
    <tr><th></th><th>x_1</th><th>x_2</th><th>x_3</th></tr>
    <tr><th>h_1</th><td>w_1</td><td>w_2</td><td>0</td></tr>
    <tr><th>h_2</th><td>0</td><td>w_1</td><td>w_2</td></tr>
    </table>
    """
    import html

    grid = _labelled_grid(layer, max_rows, max_cols)
    header = "".join(f"<th>{html.escape(cell)}</th>" for cell in grid[0])
    rows = [f"<th>{html.escape(line[0])}</th>"
            + "".join(f"<td>{html.escape(cell)}</td>" for cell in line[1:]) for line in grid[1:]]
    return "\n".join(['<table class="symconv-matrix">', f"<tr>{header}</tr>",
                      *(f"<tr>{row}</tr>" for row in rows), "</table>"])
