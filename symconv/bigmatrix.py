"""The matrix a layer returns: a SymPy sparse matrix that prints its corners when large.

Typing a large matrix at a prompt, or leaving it as the last line of a notebook
cell, would make SymPy print every entry (a 784-column layer takes minutes).
:class:`LayerMatrix` is a ``sympy.MutableSparseMatrix`` in every respect except
its printed forms: beyond :data:`symconv.display.MAX_ROWS` rows or
:data:`symconv.display.MAX_COLS` columns they show the first and last rows and
columns, as a layer's own display does. ``sympy.pprint``, ``sympy.latex`` and
every operation are SymPy's own.
"""

from __future__ import annotations

from typing import Any

import sympy

__all__ = ["LayerMatrix"]


class LayerMatrix(sympy.MutableSparseMatrix):
    """A ``sympy.SparseMatrix`` whose ``repr``, ``str`` and notebook forms cut large sizes.

    Examples
    --------
    >>> import sympy
    >>> import symconv as sc
    >>> M = sc.Conv1d((1, 40), 1, 3, bias=False).matrix()
    >>> isinstance(M, sympy.SparseMatrix), M == sympy.SparseMatrix(M)
    (True, True)
    >>> print(repr(M).splitlines()[0])
    38x40 matrix, shown cut to its corners (sympy.pprint(M) prints it all):
    >>> (M.T * M)[0, 0]
    w_1**2
    """

    def _large(self) -> bool:
        from symconv.display import MAX_COLS, MAX_ROWS

        return self.rows > MAX_ROWS or self.cols > MAX_COLS

    def _head(self) -> str:
        return (f"{self.rows}x{self.cols} matrix, shown cut to its corners "
                "(sympy.pprint(M) prints it all):")

    def __repr__(self) -> str:
        if not self._large():
            return super().__repr__()
        from symconv.display import matrix_text

        return f"{self._head()}\n{matrix_text(self)}"

    def __str__(self) -> str:
        return repr(self) if self._large() else super().__str__()

    def _repr_latex_(self) -> str:
        if not self._large():
            return f"$\\displaystyle {sympy.latex(self)}$"
        from symconv.display import matrix_latex

        return f"$$ {matrix_latex(self)} $$"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))
