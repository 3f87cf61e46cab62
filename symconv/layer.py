"""The base class of every linear layer: all views derived from one connectivity core."""

from __future__ import annotations

import copy
import functools
import math
import numbers
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import sympy

from symconv.connectivity import Connectivity, Structure
from symconv.describe import counted
from symconv.errors import LayerConfigError, ShapeMismatchError, UnitIndexError
from symconv.geometry import shown_value
from symconv.inputs import ForwardInput, forward_input, numeric_array
from symconv.names import check_names
from symconv.symbolic import (
    check_numeric_size,
    check_symbolic_size,
    entry_values,
    forward_column,
    rows_of_entries,
    sparse_matrix_from_rows,
)
from symconv.symbols import IndexedSymbols, input_symbols

if TYPE_CHECKING:
    import scipy.sparse

__all__ = ["CalledLikeAModule", "Layer"]


class CalledLikeAModule:
    """``obj(x)`` is ``obj.forward(x)``, as for a PyTorch module (layers and networks).

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Conv1d((1, 3), 1, 2, bias=False)([1, 2, 3]).T
    Matrix([[w_1 + 2*w_2, 2*w_1 + 3*w_2]])
    >>> sc.Sequential(sc.ReLU(2))([-1, 2]).T
    Matrix([[0, 2]])
    """

    def forward(
        self, x: Sequence[Any] | None = None, *, max_entries: int | None = None
    ) -> sympy.Matrix:
        """The output for input ``x`` (each layer or network defines it)."""
        raise NotImplementedError

    def __call__(
        self, x: Sequence[Any] | None = None, *, max_entries: int | None = None
    ) -> sympy.Matrix:
        """``obj(x)`` is ``obj.forward(x)``."""
        return self.forward(x, max_entries=max_entries)


class Layer(CalledLikeAModule):
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
    name: str | None = None
    """The layer's name in a model (``from_torch`` keeps PyTorch's qualified names)."""
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
        self._check_symbols(len(self._weight_symbols), "weight")
        return sympy.ImmutableDenseNDimArray(list(self._weight_symbols), self.weight_shape)

    @property
    def bias(self) -> sympy.Array | None:
        """The bias symbols as a ``sympy.Array`` (``None`` without bias)."""
        if self.bias_shape is None:
            return None
        self._check_symbols(len(self._bias_symbols), "bias")
        return sympy.ImmutableDenseNDimArray(list(self._bias_symbols), self.bias_shape)

    @property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """Every distinct trainable symbol: weights in C order, then biases."""
        self._check_symbols(len(self._weight_symbols) + len(self._bias_symbols), "parameters")
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
        weight_name = self.weight_name if weight_name is None else weight_name
        bias_name = self.bias_name if bias_name is None else bias_name
        check_names(weight_name, bias_name)
        return self._with_names(weight_name, bias_name)

    def _with_names(self, weight_name: str, bias_name: str) -> Layer:
        """A copy with other base names, unchecked (networks add superscripts)."""
        clone = copy.copy(self)
        for key in ("_weight_symbols", "_bias_symbols"):
            clone.__dict__.pop(key, None)
        clone.__dict__.update(weight_name=weight_name, bias_name=bias_name)
        return clone

    def named(self, name: str) -> Layer:
        """A copy of the layer carrying ``name`` (e.g. ``"features.0"``).

        Examples
        --------
        >>> import symconv as sc
        >>> sc.ReLU(3).named("act").name
        'act'
        """
        if not isinstance(name, str):
            raise LayerConfigError(f"name={name!r} must be a string")
        clone = copy.copy(self)
        clone.__dict__["name"] = name
        return clone

    def _set_names(self, weight_name: object, bias_name: object) -> None:
        """Check and set the base names of the weight and bias symbols."""
        self.weight_name, self.bias_name = check_names(weight_name, bias_name)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Make every subclass's ``__init__`` the only place its attributes are set."""
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None:
            cls.__init__ = _building(init)  # type: ignore[method-assign]

    def __setattr__(self, name: str, value: Any) -> None:
        if not self.__dict__.get("_building"):
            raise AttributeError(
                f"cannot set {name}={value!r}: {type(self).__name__} layers are immutable; "
                "build a new layer instead"
            )
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete {name}: {type(self).__name__} layers are immutable")

    @cached_property
    def input_symbols(self) -> tuple[sympy.Symbol, ...]:
        """The input symbols ``x_1 ... x_n`` in flattened (C) order."""
        self._check_symbols(self.n_in, "input")
        return tuple(input_symbols(self.n_in))

    def symbol(self, name: str) -> sympy.Symbol:
        """The layer's symbol called ``name``: a weight, a bias or an input.

        Symbols carry the assumption ``real=True``, so ``sympy.Symbol(name)``
        is not equal to them; this finds the one the layer uses.

        Examples
        --------
        >>> import symconv as sc
        >>> conv = sc.Conv2d((1, 4, 4), 1, 2)
        >>> w = conv.symbol("w_{1,2}")
        >>> w, w.is_real, w in conv.matrix().free_symbols
        (w_{1,2}, True, True)
        >>> conv.symbol("x_16"), conv.symbol("b")
        (x_16, b)
        """
        for table in (self._weight_symbols, self._bias_symbols):
            found = table.find(name) if isinstance(name, str) else None
            if found is not None:
                return found
        index = name[2:] if isinstance(name, str) and name.startswith("x_") else ""
        if index.isdigit() and 1 <= int(index) <= self.n_in and index[0] != "0":
            return input_symbols(1, start=int(index))[0]
        raise LayerConfigError(f"{name!r} is not a symbol of {self.short_repr()}")

    def _check_symbols(self, count: int, what: str) -> None:
        check_symbolic_size(count, f"the {what} of {self.short_repr()}", None, symbols=count)

    # --- symbolic views -------------------------------------------------------
    def _check_build(self, max_entries: int | None, extra_symbols: int = 0) -> None:
        """Refuse a build of every connection, counting the weight symbols it makes."""
        connections = self.structure.num_connections
        symbols = min(connections, self.num_weight_parameters) + extra_symbols
        check_symbolic_size(connections, self.short_repr(), max_entries, symbols)

    def _rows(self, max_entries: int | None) -> dict[int, dict[int, Any]]:
        self._check_build(max_entries)
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

        ``x`` defaults to :attr:`input_symbols`; it may be a sequence, array or
        tensor of numbers or SymPy expressions, flattened in C order. Numbers keep
        their kind: ints and fractions stay exact, floats give ``Float``
        coefficients (computed with NumPy). Strings are refused, never evaluated.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Conv1d((1, 3), 1, 2).forward()
        Matrix([
        [b + w_1*x_1 + w_2*x_2],
        [b + w_1*x_2 + w_2*x_3]])
        >>> sc.Conv1d((1, 3), 1, 2, bias=False).forward([1, 0.5, 2])
        Matrix([
        [1.0*w_1 + 0.5*w_2],
        [0.5*w_1 + 2.0*w_2]])
        """
        given = None if x is None else forward_input(x, self.n_in)
        self._check_build(max_entries, self.n_in if given is None else 0)
        if given is None:
            symbols = np.empty(self.n_in, dtype=object)
            symbols[:] = self.input_symbols
            given = ForwardInput(symbols, "symbolic")
        bias_index = self.structure.bias_index()
        bias = None if bias_index is None else [self._bias_symbols[i] for i in bias_index.tolist()]
        return forward_column(self.connectivity, self._weight_symbols, given, bias)


    # --- numeric view ---------------------------------------------------------
    def numeric_matrix(
        self, weight: Any = None, bias: Any = None, *, max_entries: int | None = None
    ) -> scipy.sparse.csr_array:
        """The matrix with numbers, built straight from the connectivity arrays.

        ``weight`` (and ``bias``) are arrays in the layout of :attr:`weight` (and
        :attr:`bias`). Without ``bias`` the result is ``M``, of shape
        ``(n_out, n_in)``. With ``bias`` it is the affine form ``[M | b]`` of shape
        ``(n_out, n_in + 1)``, which maps ``x`` with a 1 appended to ``M x + b``.
        Refused with :class:`~symconv.SizeLimitError` beyond ``max_entries``
        connections (default :data:`symconv.MAX_NUMERIC_ENTRIES`).

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
        check_numeric_size(self.structure.num_connections, self.short_repr(), max_entries)
        import scipy.sparse

        flat = self._numeric_weight(weight)
        conn = self.connectivity
        values = np.concatenate([flat, [1.0]])[conn.param]
        if conn.divisor is not None:
            values = values / conn.divisor
        index = np.int32 if max(len(conn), self.n_in) < 2**31 else np.int64
        row_starts = np.searchsorted(conn.out_unit, np.arange(self.n_out + 1)).astype(index)
        matrix = scipy.sparse.csr_array(  # the core's arrays are read-only: copy them
            (values, conn.in_unit.astype(index), row_starts), shape=(self.n_out, self.n_in)
        )
        if conn.folded:
            matrix.sum_duplicates()
        if bias is None:
            return matrix
        column = self._numeric_bias(bias)
        return scipy.sparse.hstack([matrix, column[:, None]], format="csr")

    def numeric_affine(self, weight: Any = None, bias: Any = None) -> tuple[Any, Any]:
        """``(M, b)`` with numbers: the sparse matrix and the bias column (``None`` if none).

        Examples
        --------
        >>> import symconv as sc
        >>> matrix, shift = sc.Dense(2, 1).numeric_affine([[1.0, 2.0]], [3.0])
        >>> matrix.toarray(), shift
        (array([[1., 2.]]), array([3.]))
        """
        if bias is None:
            return self.numeric_matrix(weight), None
        full = self.numeric_matrix(weight, bias)
        return full[:, :-1], full[:, [-1]].toarray().ravel()

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

    # --- gradients ------------------------------------------------------------------
    def weight_gradient(self, x: Any = None, grad_output: Any = None) -> Any:
        """``dL/dw`` in :attr:`weight`'s layout; see :func:`symconv.gradient.weight_gradient`.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Conv1d((1, 3), 1, 2, bias=False).weight_gradient()
        [[[delta_1*x_1 + delta_2*x_2, delta_1*x_2 + delta_2*x_3]]]
        """
        from symconv.gradient import weight_gradient

        return weight_gradient(self, x, grad_output)

    def bias_gradient(self, grad_output: Any = None) -> Any:
        """``dL/db`` in :attr:`bias`'s layout; see :func:`symconv.gradient.bias_gradient`.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Conv1d((1, 3), 1, 2).bias_gradient()
        [delta_1 + delta_2]
        """
        from symconv.gradient import bias_gradient

        return bias_gradient(self, grad_output)

    def input_gradient(self, grad_output: Any = None, *, weight: Any = None) -> Any:
        """``dL/dx = M^T delta``; see :func:`symconv.gradient.input_gradient`.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.AvgPool1d((1, 4), 2).input_gradient([2.0, 4.0]).tolist()
        [[1.0, 1.0, 2.0, 2.0]]
        """
        from symconv.gradient import input_gradient

        return input_gradient(self, grad_output, weight=weight)

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
                    f"output unit {shown_value(unit)} is outside 0..{self.n_out - 1} of "
                    f"{self.short_repr()}"
                )
            return int(unit)
        if (
            isinstance(unit, Sequence)
            and len(unit) == len(self.out_shape)
            and all(isinstance(i, numbers.Integral) and not isinstance(i, bool) and 0 <= i < n
                    for i, n in zip(unit, self.out_shape, strict=True))
        ):
            return int(np.ravel_multi_index(tuple(int(i) for i in unit), self.out_shape))
        raise UnitIndexError(
            f"output unit {shown_value(unit)} is not an index into the output of shape "
            f"{self.out_shape}"
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
    def graph(self, *, bias: bool = False, max_edges: int | None = None) -> Any:
        """The layer as a ``networkx.DiGraph`` from input units to output units.

        One edge per nonzero matrix entry carrying its SymPy ``symbol``; with
        ``bias=True`` also one node per bias parameter. See
        :func:`symconv.layer_graph` for node ids, labels, attributes and ``max_edges``.

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

        return layer_graph(self, bias=bias, max_edges=max_edges)

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

    def _latex(self, printer: Any) -> str:
        """``sympy.latex(layer)``: the summary above the (truncated) matrix."""
        from symconv.latex import latex_summary

        return latex_summary(self, self._latex_body())

    def _latex_body(self) -> str:
        from symconv.latex import latex_matrix

        return f"M = {latex_matrix(self)}"

    def _sympystr(self, printer: Any) -> str:
        """``sympy.sstr(layer)``: the one-line summary."""
        return repr(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self) if cycle else str(self))

    def plot(self, ax: Any = None, **options: Any) -> Any:
        """Draw the connectivity diagram (see :func:`symconv.plot_connectivity`).

        A notebook shows the layer's summary and matrix; this draws its diagram,
        which shows inline below the cell. Returns the Axes.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Conv1d((1, 4), 1, 2).plot().get_title()
        'Conv1d((1, 4) → (1, 3))'
        """
        from symconv.plots.connectivity import plot_connectivity

        return plot_connectivity(self, ax, **options)

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, str]:
        from symconv.notebook import mimebundle

        return mimebundle(self, include=include, exclude=exclude)


def _building(init: Callable[..., None]) -> Callable[..., None]:
    """``init`` run with the layer open for writing (nested ``super().__init__`` too)."""

    @functools.wraps(init)
    def wrapped(self: Layer, *args: Any, **kwargs: Any) -> None:
        depth = self.__dict__.get("_building", 0)
        self.__dict__["_building"] = depth + 1
        try:
            init(self, *args, **kwargs)
        finally:
            self.__dict__["_building"] = depth

    return wrapped


def _checked_array(value: Any, shape: tuple[int, ...], name: str, layer: str) -> np.ndarray:
    try:
        array = numeric_array(value)
    except ValueError:
        raise ShapeMismatchError(f"{name} is ragged; {layer} expects shape {shape}") from None
    if array.dtype.kind not in "biufc":
        raise ShapeMismatchError(f"{name} must be numeric; got dtype {array.dtype}")
    if array.shape != shape:
        raise ShapeMismatchError(f"{name} has shape {array.shape}; {layer} expects {shape}")
    return array.astype(np.result_type(array.dtype, np.float64))
