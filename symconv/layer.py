"""The base class of every linear layer: all views derived from one connectivity core."""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import sympy

from symconv.connectivity import Connectivity, Structure
from symconv.describe import counted
from symconv.errors import LayerConfigError, ShapeMismatchError, UnitIndexError
from symconv.symbolic import (
    check_symbolic_size,
    entry_values,
    rows_of_entries,
    sparse_matrix_from_rows,
)
from symconv.symbols import IndexedSymbols, input_symbols

if TYPE_CHECKING:
    import scipy.sparse

__all__ = ["Layer"]


class Layer:
    """A linear layer ``y = M x + b`` acting on a flattened input of known shape.

    Subclasses validate their arguments and describe their structure; this class
    derives every view from it: the symbolic and numeric matrices, the forward
    pass, counts, receptive fields and the REPL display. Units are numbered from
    0 in Python and from 1 in every name people read (``x_1``, ``w_{1,1}``).

    Examples
    --------
    >>> import symconv as sc
    >>> conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
    >>> conv
    Conv2d((1, 4, 4) -> (1, 2, 2), kernel 2x2, stride 2: 4 parameters, 16 connections)
    >>> conv.matrix()[0, :]
    Matrix([[w_{1,1}, w_{1,2}, 0, 0, w_{2,1}, w_{2,2}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]])
    """

    in_shape: tuple[int, ...]
    """Shape of the input, ``(channels, *spatial)`` (or ``(features,)``)."""
    out_shape: tuple[int, ...]
    """Shape of the output, ``(channels, *spatial)`` (or ``(features,)``)."""
    weight_shape: tuple[int, ...] | None = None
    """Shape of :attr:`weight` (PyTorch's layout), or ``None`` for no trainable weight."""
    bias_shape: tuple[int, ...] | None = None
    """Shape of :attr:`bias`, or ``None`` for no bias."""
    weight_name: str = "w"
    bias_name: str = "b"
    linear: ClassVar[bool] = True
    """Whether the layer is a linear map with a matrix (``False`` for max pooling, ReLU, ...)."""

    # --- hooks for subclasses -------------------------------------------------
    def _make_structure(self) -> Structure:
        raise NotImplementedError

    def _describe(self) -> list[str]:
        """Hyperparameters worth showing in the repr."""
        return []

    _weight_channel_axes: tuple[int, ...] = (0, 1)
    """Axes of :attr:`weight_shape` that index channels."""

    def _weight_name_drop(self) -> tuple[int, ...]:
        """Weight axes left out of symbol names: the channel axes, when all have length 1."""
        shape = self.weight_shape or ()
        axes = self._weight_channel_axes
        return axes if axes and all(shape[a] == 1 for a in axes) else ()

    def _bias_name_drop(self) -> tuple[int, ...]:
        """Bias axes left out of symbol names: the channel axis of a single channel."""
        return (0,) if self.bias_shape and self.bias_shape[0] == 1 else ()

    def _weight_mask(self) -> np.ndarray | None:
        """Boolean mask of weight entries that exist (``None``: all of them)."""
        return None

    # --- the core -----------------------------------------------------------
    @cached_property
    def structure(self) -> Structure:
        """The factored connectivity (per-axis maps and channel pairs); cheap at any size."""
        return self._make_structure()

    @cached_property
    def connectivity(self) -> Connectivity:
        """All connections as flat arrays (built once, on first use)."""
        return self.structure.build()

    @property
    def n_in(self) -> int:
        """Number of input units (columns of the matrix)."""
        return math.prod(self.in_shape)

    @property
    def n_out(self) -> int:
        """Number of output units (rows of the matrix)."""
        return math.prod(self.out_shape)

    # --- symbols --------------------------------------------------------------
    @cached_property
    def _weight_symbols(self) -> IndexedSymbols:
        if self.weight_shape is None:
            return IndexedSymbols(self.weight_name, (0,))
        return IndexedSymbols(
            self.weight_name, self.weight_shape, drop=self._weight_name_drop(),
            mask=self._weight_mask(),
        )

    @cached_property
    def _bias_symbols(self) -> IndexedSymbols:
        shape = (0,) if self.bias_shape is None else self.bias_shape
        return IndexedSymbols(self.bias_name, shape, drop=self._bias_name_drop())

    @property
    def weight(self) -> sympy.Array | None:
        """The weight symbols as a ``sympy.Array`` in PyTorch's layout (``None`` if none).

        Entries a connection table switches off are 0.
        """
        if self.weight_shape is None:
            return None
        check_symbolic_size(len(self._weight_symbols), f"the weight of {self.short_repr()}",
                            None)
        return sympy.ImmutableDenseNDimArray(list(self._weight_symbols), self.weight_shape)

    @property
    def bias(self) -> sympy.Array | None:
        """The bias symbols as a ``sympy.Array`` (``None`` without bias)."""
        if self.bias_shape is None:
            return None
        return sympy.ImmutableDenseNDimArray(list(self._bias_symbols), self.bias_shape)

    @property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """Every distinct trainable symbol: weights in C order, then biases."""
        check_symbolic_size(len(self._weight_symbols), f"the weight of {self.short_repr()}",
                            None)
        weights = [s for s in self._weight_symbols if s != 0]
        return (*weights, *self._bias_symbols)

    def renamed(self, weight_name: str | None = None, bias_name: str | None = None) -> Layer:
        """A copy of the layer whose weight and bias symbols use other base names.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Conv1d((1, 3), 1, 2).renamed("u", "c").parameters
        (u_1, u_2, c)
        """
        clone = copy.copy(self)
        for key in ("_weight_symbols", "_bias_symbols"):
            clone.__dict__.pop(key, None)
        clone._set_names(
            self.weight_name if weight_name is None else weight_name,
            self.bias_name if bias_name is None else bias_name,
        )
        return clone

    def _set_names(self, weight_name: object, bias_name: object) -> None:
        """Check and set the base names of the weight and bias symbols."""
        for attribute, name in (("weight_name", weight_name), ("bias_name", bias_name)):
            if not isinstance(name, str) or not name or name != name.strip():
                raise LayerConfigError(
                    f"{attribute}={name!r} must be a non-empty string without outer spaces"
                )
            setattr(self, attribute, name)

    @cached_property
    def input_symbols(self) -> tuple[sympy.Symbol, ...]:
        """The input symbols ``x_1 ... x_n`` in flattened (C) order."""
        check_symbolic_size(self.n_in, f"the input of {self.short_repr()}", None)
        return tuple(input_symbols(self.n_in))

    # --- symbolic views -------------------------------------------------------
    def _rows(self, max_entries: int | None) -> dict[int, dict[int, Any]]:
        check_symbolic_size(
            self.structure.num_connections, self.short_repr(), max_entries
        )
        conn = self.connectivity
        return rows_of_entries(conn, entry_values(conn, self._weight_symbols))

    def matrix(self, *, max_entries: int | None = None) -> sympy.SparseMatrix:
        """The layer's weight matrix ``M``, a fresh ``sympy.SparseMatrix``.

        Refused with :class:`~symconv.SizeLimitError` when it would hold more than
        ``max_entries`` entries (default :data:`symconv.MAX_SYMBOLIC_ENTRIES`).

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Conv1d((1, 4), 1, 2, bias=False).matrix()
        Matrix([
        [w_1, w_2,   0,   0],
        [  0, w_1, w_2,   0],
        [  0,   0, w_1, w_2]])
        """
        return sparse_matrix_from_rows(self.n_out, self.n_in, self._rows(max_entries))

    def forward(
        self, x: Sequence[Any] | None = None, *, max_entries: int | None = None
    ) -> sympy.Matrix:
        """The output ``M x + b`` as a column of SymPy expressions.

        ``x`` defaults to :attr:`input_symbols`; it may hold numbers or expressions,
        flattened in C order.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Conv1d((1, 3), 1, 2).forward()
        Matrix([
        [b + w_1*x_1 + w_2*x_2],
        [b + w_1*x_2 + w_2*x_3]])
        """
        values = None if x is None else tuple(sympy.sympify(v) for v in
                                              _flat_input(x, self.n_in))
        rows = self._rows(max_entries)  # refuses an oversized build before making symbols
        if values is None:
            values = self.input_symbols
        bias_index = self.structure.bias_index()
        out = []
        for r in range(self.n_out):
            terms = [v * values[c] for c, v in rows.get(r, {}).items()]
            if bias_index is not None:
                terms.append(self._bias_symbols[bias_index[r]])
            out.append(sympy.Add(*terms))
        return sympy.Matrix(out)

    # --- numeric view ---------------------------------------------------------
    def numeric_matrix(self, weight: Any = None, bias: Any = None) -> scipy.sparse.csr_array:
        """The matrix with numbers, built straight from the connectivity arrays.

        ``weight`` (and ``bias``) are arrays in the layout of :attr:`weight` (and
        :attr:`bias`). Without ``bias`` the result is ``M``, of shape
        ``(n_out, n_in)``. With ``bias`` it is the affine form ``[M | b]`` of shape
        ``(n_out, n_in + 1)``, which maps ``x`` with a 1 appended to ``M x + b``.

        Examples
        --------
        >>> import numpy as np
        >>> import symconv as sc
        >>> layer = sc.Conv1d((1, 4), 1, 2)
        >>> layer.numeric_matrix(np.array([[[1.0, -1.0]]])).toarray()
        array([[ 1., -1.,  0.,  0.],
               [ 0.,  1., -1.,  0.],
               [ 0.,  0.,  1., -1.]])
        >>> layer.numeric_matrix([[[1.0, -1.0]]], bias=[5.0]) @ np.array([1, 2, 4, 8, 1])
        array([4., 3., 1.])
        """
        import scipy.sparse

        flat = self._numeric_weight(weight)
        conn = self.connectivity
        values = np.concatenate([flat, [1.0]])[conn.param]
        if conn.divisor is not None:
            values = values / conn.divisor
        row_starts = np.zeros(self.n_out + 1, dtype=np.int64)
        np.cumsum(np.bincount(conn.out_unit, minlength=self.n_out), out=row_starts[1:])
        matrix = scipy.sparse.csr_array(
            (values, conn.in_unit, row_starts), shape=(self.n_out, self.n_in)
        )
        if conn.folded:
            matrix.sum_duplicates()
        if bias is None:
            return matrix
        column = self._numeric_bias(bias)
        return scipy.sparse.hstack([matrix, column[:, None]], format="csr")

    def _numeric_weight(self, weight: Any) -> np.ndarray:
        if self.weight_shape is None:
            if weight is not None:
                raise ShapeMismatchError(f"{type(self).__name__} has no weight; got {weight!r}")
            return np.zeros(0)
        if weight is None:
            raise ShapeMismatchError(
                f"{type(self).__name__} needs a weight array of shape {self.weight_shape}"
            )
        return _checked_array(weight, self.weight_shape, "weight", type(self).__name__).ravel()

    def _numeric_bias(self, bias: Any) -> np.ndarray:
        index = self.structure.bias_index()
        if index is None or self.bias_shape is None:
            raise ShapeMismatchError(f"{self.short_repr()} has no bias; got bias={bias!r}")
        return _checked_array(bias, self.bias_shape, "bias", type(self).__name__).ravel()[index]

    # --- counts -------------------------------------------------------------------
    @property
    def num_weight_parameters(self) -> int:
        """Distinct trainable weights (bias excluded)."""
        if self.weight_shape is None:
            return 0
        mask = self._weight_mask()
        return math.prod(self.weight_shape) if mask is None else int(mask.sum())

    @property
    def num_bias_parameters(self) -> int:
        """Distinct trainable biases."""
        return 0 if self.bias_shape is None else math.prod(self.bias_shape)

    @property
    def num_parameters(self) -> int:
        """Distinct trainable parameters, bias included (what PyTorch counts)."""
        return self.num_weight_parameters + self.num_bias_parameters

    @property
    def num_weight_connections(self) -> int:
        """Nonzero entries of the matrix (folded taps count once)."""
        return self.structure.num_nonzeros

    @property
    def num_connections(self) -> int:
        """Weight connections plus one bias connection per output unit if biased.

        This is LeCun et al. (1998)'s convention for counting connections.
        """
        return self.num_weight_connections + (self.n_out if self.bias_shape else 0)

    @property
    def dense_parameters(self) -> int:
        """Parameters a dense layer between the same input and output would need."""
        return self.n_out * self.n_in + (self.n_out if self.bias_shape else 0)

    @property
    def sharing_factor(self) -> float | None:
        """Weight connections per weight parameter (``None`` without weights)."""
        if self.num_weight_parameters == 0:
            return None
        return self.num_weight_connections / self.num_weight_parameters

    @property
    def density(self) -> float:
        """Fraction of the matrix's entries that are nonzero."""
        return self.num_weight_connections / (self.n_out * self.n_in)

    # --- receptive field -----------------------------------------------------
    def output_unit(self, unit: int | Sequence[int]) -> int:
        """The flat (0-based) index of an output unit given flat or as ``(channel, *position)``.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Conv2d((1, 4, 4), 1, 2, stride=2).output_unit((0, 1, 0))
        2
        """
        if isinstance(unit, numbers.Integral) and not isinstance(unit, bool):
            if not 0 <= int(unit) < self.n_out:
                raise UnitIndexError(
                    f"output unit {unit} is outside 0..{self.n_out - 1} of {self.short_repr()}"
                )
            return int(unit)
        if (
            isinstance(unit, Sequence)
            and len(unit) == len(self.out_shape)
            and all(isinstance(i, numbers.Integral) and 0 <= i < n
                    for i, n in zip(unit, self.out_shape, strict=True))
        ):
            return int(np.ravel_multi_index(tuple(int(i) for i in unit), self.out_shape))
        raise UnitIndexError(
            f"output unit {unit!r} is not an index into the output of shape {self.out_shape}"
        )

    def receptive_field(self, output_unit: int | Sequence[int]) -> tuple[int, ...]:
        """The input units (flat, 0-based, sorted) that one output unit reads.

        ``output_unit`` is a flat 0-based index or a tuple ``(channel, *position)``.

        Examples
        --------
        >>> import symconv as sc
        >>> conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2)
        >>> [i + 1 for i in conv.receptive_field(0)]
        [1, 2, 5, 6]
        >>> [i + 1 for i in conv.receptive_field((0, 0, 1))]
        [3, 4, 7, 8]
        """
        unit = self.output_unit(output_unit)
        return tuple(self.structure.inputs_of(unit).tolist())

    # --- graph --------------------------------------------------------------------
    def graph(self, *, bias: bool = False) -> Any:
        """The layer as a ``networkx.DiGraph`` from input units to output units.

        One edge per nonzero matrix entry carrying its SymPy ``weight``; with
        ``bias=True`` also one node per bias parameter. See
        :func:`symconv.layer_graph` for node ids, labels and attributes.

        Examples
        --------
        >>> import symconv as sc
        >>> g = sc.Conv2d((1, 4, 4), 1, 2, stride=2).graph()
        >>> g.number_of_edges()
        16
        >>> sorted(g.nodes[n]["label"] for n in g.predecessors("h1"))
        ['x_1', 'x_2', 'x_5', 'x_6']
        """
        from symconv.graph import layer_graph

        return layer_graph(self, bias=bias)

    # --- display --------------------------------------------------------------
    def short_repr(self) -> str:
        """The layer's name and shapes, e.g. ``Conv2d((1, 4, 4) -> (1, 2, 2))``."""
        return f"{type(self).__name__}({self.in_shape} -> {self.out_shape})"

    def __repr__(self) -> str:
        details = "".join(f", {d}" for d in self._describe())
        return (
            f"{type(self).__name__}({self.in_shape} -> {self.out_shape}{details}: "
            f"{counted(self.num_parameters, 'parameter')}, "
            f"{counted(self.num_connections, 'connection')})"
        )

    def __str__(self) -> str:
        from symconv.display import matrix_text

        return f"{self!r}\n{matrix_text(self)}"

    def _repr_latex_(self) -> str:
        from symconv.display import matrix_latex

        return f"$$M = {matrix_latex(self)}$$"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self) if cycle else str(self))

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, str]:
        from symconv.notebook import mimebundle

        return mimebundle(self, include=include, exclude=exclude)


def _flat_input(x: Sequence[Any], n_in: int) -> list[Any]:
    values = list(np.asarray(x, dtype=object).ravel())
    if len(values) != n_in:
        raise ShapeMismatchError(f"x has {len(values)} entries; the layer reads {n_in}")
    return values


def _checked_array(value: Any, shape: tuple[int, ...], name: str, layer: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biufc":
        raise ShapeMismatchError(f"{name} must be numeric; got dtype {array.dtype}")
    if array.shape != shape:
        raise ShapeMismatchError(f"{name} has shape {array.shape}; {layer} expects {shape}")
    return array.astype(np.result_type(array.dtype, np.float64))
