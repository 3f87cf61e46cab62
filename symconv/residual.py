"""Residual connections: ``y = x + f(x)`` or, with a projection shortcut, ``y = P x + f(x)``.

A :class:`Residual` is one layer of a network made of two chains of layers that
read the same input: the *branch* ``f`` and the *shortcut* (none for the
identity, or e.g. a 1x1 convolution ``P``). When both are linear its matrix is
``I + M_f`` (or ``P + M_f``); otherwise it still has a forward pass, counts and
exact receptive fields (the union of the two paths' dependencies).

Its parts keep distinct symbols: on its own, as in a network (``w^{(k)}`` where
names clash); inside a network at position ``p``, part ``k`` (branch first,
then shortcut) writes its weights ``w^{(p.k)}``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse
import sympy

from symconv.connectivity import Structure
from symconv.errors import LayerConfigError, ShapeMismatchError, UnsupportedModuleError
from symconv.layer import Layer
from symconv.network import Sequential, _distinct_names
from symconv.structural import Identity

__all__ = ["Residual", "dependency_pattern"]


def dependency_pattern(layer: Layer) -> scipy.sparse.csr_array:
    """The 0/1 pattern ``(n_out, n_in)`` of which input each output depends on.

    Examples
    --------
    >>> import symconv as sc
    >>> dependency_pattern(sc.Conv1d((1, 3), 1, 2)).toarray()
    array([[1, 1, 0],
           [0, 1, 1]], dtype=int8)
    """
    if isinstance(layer, Residual):
        return layer.pattern()
    conn = layer.connectivity
    pattern = scipy.sparse.csr_array(
        (np.ones(len(conn), dtype=np.int64), (conn.out_unit.copy(), conn.in_unit.copy())),
        shape=(layer.n_out, layer.n_in),
    )
    return _binary(pattern)


def _binary(pattern: scipy.sparse.csr_array) -> scipy.sparse.csr_array:
    pattern.sum_duplicates()
    pattern.data = np.ones(len(pattern.data), dtype=np.int8)
    return pattern


def _chain_pattern(layers: Sequence[Layer], n: int) -> scipy.sparse.csr_array:
    pattern = scipy.sparse.csr_array(scipy.sparse.identity(n, dtype=np.int64, format="csr"))
    for layer in layers:
        pattern = dependency_pattern(layer).astype(np.int64) @ pattern
    return pattern


def _named(layers: Sequence[Layer], tag: str) -> list[Layer]:
    """The parts with superscripts ``^{(tag k)}`` on their base names."""
    named = []
    for k, layer in enumerate(layers, start=1):
        suffix = f"^{{({tag}{k})}}"
        named.append(layer._with_names(layer.weight_name + suffix, layer.bias_name + suffix)
                     if layer.num_parameters else layer)
    return named


class Residual(Layer):
    """A residual block ``y = f(x) + x`` (or ``f(x) + P x``) as one layer.

    Parameters
    ----------
    branch
        The layers of ``f``, input side first (a list or a
        :class:`~symconv.Sequential`).
    shortcut
        The layers of the shortcut ``P`` (empty: the identity).
    weights
        Optional numbers for :meth:`numeric_matrix`: one ``(weight, bias)`` pair
        (or ``None``) per part, branch first; :func:`symconv.from_torch` fills it in.

    Examples
    --------
    >>> import symconv as sc
    >>> block = sc.Residual([sc.Conv1d((1, 3), 1, 3, padding=1, bias=False)])
    >>> block
    Residual((1, 3) -> (1, 3), 1 layer + identity: 3 parameters, 10 connections)
    >>> block.matrix()
    Matrix([
    [w_2 + 1,     w_3,       0],
    [    w_1, w_2 + 1,     w_3],
    [      0,     w_1, w_2 + 1]])
    >>> block.numeric_matrix([([[[1.0, 2.0, 3.0]]], None)]).toarray()
    array([[3., 3., 0.],
           [1., 3., 3.],
           [0., 1., 3.]])
    """

    def __init__(
        self,
        branch: Sequence[Layer] | Sequential,
        shortcut: Sequence[Layer] | Sequential = (),
        *,
        weights: Sequence[Any] | None = None,
    ) -> None:
        self._parts = (tuple(branch), tuple(shortcut))
        if not self._parts[0]:
            raise LayerConfigError("a Residual needs at least one layer in its branch")
        chains = [Sequential(*part) for part in self._parts if part]
        self.in_shape = chains[0].in_shape
        self.out_shape = chains[0].out_shape
        for chain in chains[1:]:
            if chain.in_shape != self.in_shape or chain.out_shape != self.out_shape:
                raise ShapeMismatchError(
                    f"the shortcut maps {chain.in_shape} -> {chain.out_shape}; the branch "
                    f"{self.in_shape} -> {self.out_shape}"
                )
        if not self._parts[1] and self.out_shape != self.in_shape:
            raise ShapeMismatchError(
                f"an identity shortcut needs the branch to keep the shape {self.in_shape}; it "
                f"gives {self.out_shape} (add a projection shortcut)"
            )
        count = len(self._parts[0]) + len(self._parts[1])
        if weights is not None and len(weights) != count:
            raise ShapeMismatchError(f"weights has {len(weights)} entries; the parts are {count}")
        self.weights: tuple[Any, ...] | None = None if weights is None else tuple(weights)
        """Default numbers of the parts for :meth:`numeric_matrix` (branch first)."""
        self._tag = ""
        self._set_names("w", "b")

    def numbered(self, position: int) -> Residual:
        """A copy whose parts write their symbols ``w^{(position.k)}`` (used by networks).

        A block numbered already keeps its names (a slice of a network keeps its symbols).
        """
        if self._tag:
            return self
        clone = copy.copy(self)
        clone.__dict__["_tag"] = f"{position}."
        return clone

    def _named_parts(self) -> tuple[list[Layer], list[Layer]]:
        parts = [*self._parts[0], *self._parts[1]]
        named = _named(parts, self._tag) if self._tag else _distinct_names(parts)
        count = len(self._parts[0])
        return named[:count], named[count:]

    @property
    def branch(self) -> Sequential:
        """The layers of ``f`` as a network (with their numbers, if any)."""
        layers = self._named_parts()[0]
        weights = None if self.weights is None else self.weights[:len(layers)]
        return Sequential(*layers, weights=weights)

    @property
    def shortcut(self) -> Sequential | None:
        """The layers of the shortcut as a network, or ``None`` for the identity."""
        layers = self._named_parts()[1]
        if not layers:
            return None
        weights = None if self.weights is None else self.weights[-len(layers):]
        return Sequential(*layers, weights=weights)

    @property
    def linear(self) -> bool:  # type: ignore[override]
        """Whether both paths are linear, so the block has a matrix."""
        return all(layer.linear for part in self._parts for layer in part)

    def _make_structure(self) -> Structure:
        raise UnsupportedModuleError(
            "a Residual has no single window structure; look at .branch and .shortcut, "
            "or use its matrix, forward pass, receptive fields and counts"
        )

    # --- views ------------------------------------------------------------------
    def _check_build(self, max_entries: int | None, extra_symbols: int = 0) -> None:
        """Refuse an oversized build: each part is checked as the network checks it."""
        for part in self._parts:
            for layer in part:
                layer._check_build(max_entries, extra_symbols)

    def matrix(self, *, max_entries: int | None = None) -> sympy.SparseMatrix:
        """``M_f + I`` (or ``M_f + P``), a ``sympy.SparseMatrix``.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Residual([sc.Dense(2, 2, bias=False)]).matrix()
        Matrix([
        [w_{1,1} + 1,     w_{1,2}],
        [    w_{2,1}, w_{2,2} + 1]])
        """
        shortcut = self.shortcut
        other = (sympy.SparseMatrix(sympy.eye(self.n_in)) if shortcut is None
                 else shortcut.matrix(max_entries=max_entries))
        return self.branch.matrix(max_entries=max_entries) + other

    def _rows(self, max_entries: int | None) -> dict[int, dict[int, Any]]:
        rows: dict[int, dict[int, Any]] = {}
        for (r, c), value in self.matrix(max_entries=max_entries).todok().items():
            rows.setdefault(r, {})[c] = value
        return rows

    def forward(
        self, x: Sequence[Any] | None = None, *, max_entries: int | None = None
    ) -> sympy.Matrix:
        """``f(x) + x`` (or ``f(x) + P x``) as a column of SymPy expressions.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Residual([sc.ReLU(2)]).forward().T
        Matrix([[x_1 + Max(0, x_1), x_2 + Max(0, x_2)]])
        """
        shortcut = self.shortcut or Identity(self.in_shape)
        return (self.branch.forward(x, max_entries=max_entries)
                + shortcut.forward(x, max_entries=max_entries))

    def numeric_affine(
        self, weight: Any = None, bias: Any = None, *, max_entries: int | None = None
    ) -> tuple[Any, Any]:
        """``(M, shift)`` with numbers; ``weight`` holds the parts' pairs (or :attr:`weights`)."""
        if bias is not None:
            raise ShapeMismatchError("a Residual takes its parts' biases in weight=, not bias=")
        weights = self.weights if weight is None else tuple(weight)
        count = len(self._parts[0])
        branch, shortcut = self._named_parts()
        total: Any = 0
        if not shortcut:
            total = scipy.sparse.csr_array(scipy.sparse.identity(self.n_in, format="csr"))
        shift = None
        for layers, numbers in ((branch, None if weights is None else weights[:count]),
                                (shortcut, None if weights is None else weights[count:])):
            if not layers:
                continue
            full = Sequential(*layers).numeric_matrix(numbers, max_entries=max_entries)
            if full.shape[1] == self.n_in + 1:
                offset = full[:, [-1]].toarray().ravel()
                shift = offset if shift is None else shift + offset
                full = full[:, :-1]
            total = total + full
        return scipy.sparse.csr_array(total), shift

    def numeric_matrix(
        self, weight: Any = None, bias: Any = None, *, max_entries: int | None = None
    ) -> scipy.sparse.csr_array:
        """The matrix with numbers, ``[M | b]`` when a part has a bias.

        ``weight`` holds one ``(weight, bias)`` pair (or ``None``) per part,
        branch first; it defaults to :attr:`weights`.

        Examples
        --------
        >>> import symconv as sc
        >>> block = sc.Residual([sc.Dense(1, 1)], [sc.Dense(1, 1, bias=False)])
        >>> block.numeric_matrix([([[2.0]], [5.0]), ([[3.0]], None)]).toarray()
        array([[5., 5.]])
        """
        matrix, shift = self.numeric_affine(weight, bias, max_entries=max_entries)
        if shift is None:
            return matrix
        return scipy.sparse.hstack([matrix, shift[:, None]], format="csr")

    def pattern(self) -> scipy.sparse.csr_array:
        """The 0/1 pattern of which input each output depends on, through both paths."""
        branch = _chain_pattern(self._parts[0], self.n_in)
        shortcut = _chain_pattern(self._parts[1], self.n_in)
        return _binary(scipy.sparse.csr_array(branch + shortcut))

    def receptive_field(self, output_unit: int | Sequence[int]) -> tuple[int, ...]:
        """The input units (flat, 0-based, sorted) one output unit depends on.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Residual([sc.Conv1d((1, 5), 1, 3, padding=1)]).receptive_field(0)
        (0, 1)
        """
        unit = self.output_unit(output_unit)
        row = self.pattern()[[unit], :]
        return tuple(np.sort(row.indices).tolist())

    @property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """Every trainable symbol of the parts, branch first."""
        return tuple(s for part in self._named_parts() for layer in part for s in layer.parameters)

    def symbol(self, name: str) -> sympy.Symbol:
        """The symbol called ``name``: an input, or a symbol of one of the parts.

        Examples
        --------
        >>> import symconv as sc
        >>> block = sc.Sequential(sc.Residual([sc.Dense(2, 2)]))[0]
        >>> block.symbol("w^{(1.1)}_{2,1}"), block.symbol("x_2")
        (w^{(1.1)}_{2,1}, x_2)
        """
        for layer in [*self._named_parts()[0], *self._named_parts()[1]]:
            try:
                return layer.symbol(name)
            except LayerConfigError:
                continue
        raise LayerConfigError(f"{name!r} is not a symbol of {self.short_repr()}")

    # --- counts -----------------------------------------------------------------
    @property
    def num_weight_parameters(self) -> int:
        """Weights of all parts."""
        return sum(layer.num_weight_parameters for part in self._parts for layer in part)

    @property
    def num_bias_parameters(self) -> int:
        """Biases of all parts."""
        return sum(layer.num_bias_parameters for part in self._parts for layer in part)

    @property
    def num_weight_connections(self) -> int:
        """The parts' connections (as a network counts them), plus one per unit of identity.

        A closed form, cheap at any size.
        """
        identity = self.n_in if not self._parts[1] else 0
        return identity + sum(layer.num_connections for part in self._parts for layer in part)

    @property
    def density(self) -> float:
        """Fraction of the entries of ``M_f + P`` that are nonzero (builds the pattern)."""
        return int(self.pattern().nnz) / (self.n_out * self.n_in)

    # --- display ----------------------------------------------------------------
    def _describe(self) -> list[str]:
        branch = f"{len(self._parts[0])} layer" + ("" if len(self._parts[0]) == 1 else "s")
        shortcut = len(self._parts[1])
        return [branch + (" + identity" if not shortcut else f" + {shortcut}-layer shortcut")]

    def __str__(self) -> str:
        return repr(self)

    def _latex_body(self) -> str:
        if not self.linear:
            return r"h = f(x) + x" if self.shortcut is None else r"h = f(x) + P x"
        return f"M = {sympy.latex(self.matrix())}"

    def _repr_latex_(self) -> str:
        return f"$${sympy.latex(self)}$$"

