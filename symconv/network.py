"""Networks: a chain of layers, each reading the previous one's output.

:class:`Sequential` checks that the shapes join up, keeps the symbols of different
layers apart, and derives every view from its layers: the product of their
matrices, the composed forward pass, the numeric (affine) matrix, summed counts,
one stacked graph, exact receptive fields and a summary table.

Symbols: a base name that several layers use (by default every layer's weights
are ``w`` and its biases ``b``) gets the layer's 1-based position in the
network as a superscript, as in textbooks: ``w^{(3)}_{1,2}`` is the weight
``w_{1,2}`` of layer 3. A base name only one layer uses is kept, so layers
built with ``weight_name="u"`` and ``weight_name="v"`` read ``u`` and ``v``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import scipy.sparse
import sympy

from symconv.dense import Dense
from symconv.describe import counted
from symconv.errors import (
    LayerConfigError,
    NotLinearError,
    ShapeMismatchError,
    SizeLimitError,
)
from symconv.geometry import shown_value
from symconv.layer import CalledLikeAModule, Layer
from symconv.symbolic import (
    Rows,
    check_numeric_size,
    check_symbolic_size,
    sparse_matrix_from_rows,
    sum_of_terms,
    times,
)

if TYPE_CHECKING:
    import networkx as nx

    from symconv.receptive import ReceptiveField
    from symconv.summary import Summary

__all__ = ["Sequential"]

Step = Callable[[tuple[int, ...]], Layer] | tuple[Any, ...]


def _joins(shape: tuple[int, ...], layer: Layer) -> bool:
    """Whether ``layer`` can read an output of ``shape`` (flattened reads count)."""
    if layer.in_shape == shape:
        return True
    flat_reader = len(layer.in_shape) == 1 or isinstance(layer, Dense)
    return flat_reader and layer.n_in == math.prod(shape)


def _distinct_names(layers: Sequence[Layer]) -> list[Layer]:
    """Give a superscript ``^{(position)}`` to every base name several layers share."""
    used = Counter(["x"])  # the input symbols x_1 ... x_n
    for layer in layers:
        used.update(_names(layer))
    renamed = []
    for position, layer in enumerate(layers, start=1):
        numbered = getattr(layer, "numbered", None)  # a layer made of layers (Residual)
        if numbered is not None:
            renamed.append(numbered(position))
            continue
        clash = [name for name in _names(layer) if used[name] > 1]
        if clash:
            suffix = f"^{{({position})}}"
            layer = layer._with_names(
                layer.weight_name + suffix if layer.weight_name in clash else layer.weight_name,
                layer.bias_name + suffix if layer.bias_name in clash else layer.bias_name,
            )
        renamed.append(layer)
    return renamed


def _names(layer: Layer) -> list[str]:
    names = [layer.weight_name] if layer.weight_shape is not None else []
    if layer.bias_shape is not None:
        names.append(layer.bias_name)
    return names


def _product_rows(left: Rows, right: Rows) -> Rows:
    """Rows of ``L @ R`` from the rows of ``L`` and ``R``, one ``Add`` per entry.

    Products of the same two entries are made once: weight sharing repeats them.
    """
    products: dict[tuple[Any, Any], Any] = {}
    out: Rows = {}
    for r, row in left.items():
        terms: defaultdict[int, list[Any]] = defaultdict(list)
        for m, lv in row.items():
            for c, rv in right.get(m, {}).items():
                key = (lv, rv)
                value = products.get(key)
                if value is None:
                    value = products[key] = times(lv, rv)
                terms[c].append(value)
        entries = {c: sum_of_terms(t) for c, t in terms.items()}
        out[r] = {c: v for c, v in entries.items() if v != 0}
    return out


def _pattern(layer: Layer) -> scipy.sparse.csr_array:
    composite = getattr(layer, "pattern", None)  # a layer made of layers (Residual)
    if composite is not None:
        return scipy.sparse.csr_array(composite())
    conn = layer.connectivity
    pattern = scipy.sparse.csr_array(
        (np.ones(len(conn), dtype=np.int64), (conn.out_unit, conn.in_unit)),
        shape=(layer.n_out, layer.n_in),
    )
    pattern.data[:] = 1  # folded taps: one entry, whatever their count
    return pattern


def _product_terms(left: scipy.sparse.csr_array, right: scipy.sparse.csr_array) -> int:
    """How many products ``L[r, m] * R[m, c]`` the sparse product ``L @ R`` makes.

    Each middle unit ``m`` pairs the nonzeros of column ``m`` of ``L`` with those of
    row ``m`` of ``R``; counted in floating point, so no integer type overflows.
    """
    in_column = np.bincount(left.indices, minlength=left.shape[1]).astype(np.float64)
    in_row = np.diff(right.indptr).astype(np.float64)
    return int(in_column @ in_row)


def check_product(layers: Sequence[Layer], check: Callable[[int, str], None]) -> None:
    """Refuse a chain's product before multiplying, from the terms each step would make.

    ``check(terms, what)`` raises :class:`~symconv.SizeLimitError` when too many.
    """
    pattern = _pattern(layers[0])
    for position, layer in enumerate(layers[1:], start=2):
        step = _pattern(layer)
        check(_product_terms(step, pattern), f"the product of layers 1 to {position}")
        pattern = step @ pattern
        pattern.data[:] = 1


class Sequential(CalledLikeAModule):
    """A network: layers applied one after the other, each to the previous output.

    Each layer's ``in_shape`` must equal the previous layer's ``out_shape``; a
    layer that reads a flat vector (``Flatten``-like shapes ``(n,)``, or any
    ``Dense``) accepts an output of the same size, flattened in C order. Symbols
    of different layers are kept distinct (see the module notes).

    Parameters
    ----------
    *layers
        The layers, input side first.
    weights
        Optional numbers for :meth:`numeric_matrix`: one ``(weight, bias)`` pair
        (or ``None``) per layer. :func:`symconv.from_torch` fills it in.

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.Sequential(sc.Conv1d((1, 4), 1, 2, bias=False),
    ...                     sc.Conv1d((1, 3), 1, 2, bias=False))
    >>> net.matrix()[0, :3]
    Matrix([[w^{(1)}_1*w^{(2)}_1, w^{(1)}_1*w^{(2)}_2 + w^{(1)}_2*w^{(2)}_1, w^{(1)}_2*w^{(2)}_2]])
    >>> net.receptive_field(0)
    (0, 1, 2)
    """

    def __init__(self, *layers: Layer, weights: Sequence[Any] | None = None) -> None:
        if not layers:
            raise LayerConfigError("Sequential needs at least one layer")
        for position, layer in enumerate(layers, start=1):
            if not isinstance(layer, Layer):
                raise LayerConfigError(f"layer {position} is {layer!r}, not a symconv layer")
        for position in range(1, len(layers)):
            before, layer = layers[position - 1], layers[position]
            if not _joins(before.out_shape, layer):
                raise ShapeMismatchError(
                    f"layer {position + 1} ({type(layer).__name__}) expects in_shape "
                    f"{layer.in_shape}, but layer {position} ({type(before).__name__}) "
                    f"outputs {before.out_shape}"
                )
        if weights is not None and (isinstance(weights, str | bytes)
                                    or not isinstance(weights, Sequence)):
            raise LayerConfigError(f"weights={shown_value(weights)} is not a list, one per layer")
        if weights is not None and len(weights) != len(layers):
            raise ShapeMismatchError(
                f"weights has {len(weights)} entries; the network has {len(layers)} layers"
            )
        self.layers: tuple[Layer, ...] = tuple(_distinct_names(layers))
        """The layers, input side first (renamed where their symbols would clash)."""
        self.weights: tuple[Any, ...] | None = None if weights is None else tuple(weights)
        """Default numbers for :meth:`numeric_matrix` (``None``: none stored)."""

    @classmethod
    def build(
        cls, in_shape: int | tuple[int, ...], *steps: Step, weights: Sequence[Any] | None = None
    ) -> Sequential:
        """Build a network from its input shape, passing each layer the shape it reads.

        Each step is a callable taking the current shape and returning a layer
        (a layer class such as ``sc.ReLU``, or a ``lambda``), or a tuple
        ``(callable, *args)`` called as ``callable(shape, *args)``, whose last
        item may be a ``dict`` of keyword arguments.

        Examples
        --------
        >>> import symconv as sc
        >>> net = sc.Sequential.build((1, 28, 28), (sc.Conv2d, 6, 5, {"padding": 2}),
        ...                           sc.ReLU, (sc.MaxPool2d, 2), sc.Flatten, (sc.Dense, 10))
        >>> [layer.out_shape for layer in net]
        [(6, 28, 28), (6, 28, 28), (6, 14, 14), (1176,), (10,)]
        """
        shape: Any = in_shape
        layers = []
        for position, step in enumerate(steps, start=1):
            factory, args, kwargs = step, (), {}
            if isinstance(step, tuple):
                if not step or not callable(step[0]):
                    raise LayerConfigError(
                        f"step {position}={shown_value(step)} must start with a callable")
                factory, *rest = step
                if rest and isinstance(rest[-1], dict):
                    kwargs = rest.pop()
                args = tuple(rest)
            if not callable(factory):
                raise LayerConfigError(f"step {position}={shown_value(step)} is not callable")
            layer = factory(shape, *args, **kwargs)
            if not isinstance(layer, Layer):
                raise LayerConfigError(f"step {position} made {layer!r}, not a symconv layer")
            layers.append(layer)
            shape = layer.out_shape
        return cls(*layers, weights=weights)

    # --- the chain ------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    @overload
    def __getitem__(self, index: int) -> Layer: ...
    @overload
    def __getitem__(self, index: slice) -> Sequential: ...
    def __getitem__(self, index: int | slice) -> Layer | Sequential:
        if isinstance(index, slice):
            weights = None if self.weights is None else self.weights[index]
            return Sequential(*self.layers[index], weights=weights)
        return self.layers[index]

    @property
    def in_shape(self) -> tuple[int, ...]:
        """Shape of the network's input."""
        return self.layers[0].in_shape

    @property
    def out_shape(self) -> tuple[int, ...]:
        """Shape of the network's output."""
        return self.layers[-1].out_shape

    @property
    def n_in(self) -> int:
        """Number of input units."""
        return self.layers[0].n_in

    @property
    def n_out(self) -> int:
        """Number of output units."""
        return self.layers[-1].n_out

    @property
    def linear(self) -> bool:
        """Whether every layer is linear, so the network has a matrix."""
        return all(layer.linear for layer in self.layers)

    @property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """Every trainable symbol, layer by layer."""
        return tuple(s for layer in self.layers for s in layer.parameters)

    @property
    def input_symbols(self) -> tuple[sympy.Symbol, ...]:
        """The input symbols ``x_1 ... x_n``."""
        return self.layers[0].input_symbols

    def _check_linear(self) -> None:
        for position, layer in enumerate(self.layers, start=1):
            if not layer.linear:
                raise NotLinearError(
                    f"the network has no matrix: layer {position}, {layer.short_repr()}, is "
                    "not linear; use forward() for its exact output and receptive_field() "
                    "for its connectivity"
                )

    # --- symbolic views ---------------------------------------------------------
    def matrix(self, *, max_entries: int | None = None) -> sympy.SparseMatrix:
        """The product ``M_L ... M_2 M_1`` of the layers' matrices, a ``sympy.SparseMatrix``.

        Entries are polynomials in the weights. The product is taken sparse,
        entry by entry; its size is checked (from the layers' connectivity,
        with SciPy) before any symbolic work, against ``max_entries`` (default
        :data:`symconv.MAX_SYMBOLIC_ENTRIES`). Refused with
        :class:`~symconv.NotLinearError` if a layer is not linear.

        Examples
        --------
        >>> import symconv as sc
        >>> net = sc.Sequential(sc.Dense(2, 1, bias=False), sc.Dense(1, 2, bias=False))
        >>> net.matrix()
        Matrix([
        [w^{(1)}_{1,1}*w^{(2)}_{1,1}, w^{(1)}_{1,2}*w^{(2)}_{1,1}],
        [w^{(1)}_{1,1}*w^{(2)}_{2,1}, w^{(1)}_{1,2}*w^{(2)}_{2,1}]])
        """
        self._check_linear()
        for layer in self.layers:
            layer._check_build(max_entries)
        check_product(self.layers, lambda terms, what: check_symbolic_size(
            terms, f"{what} (counting the terms it multiplies)", max_entries))
        rows = self.layers[0]._rows(max_entries)
        for layer in self.layers[1:]:
            rows = _product_rows(layer._rows(max_entries), rows)
        return sparse_matrix_from_rows(self.n_out, self.n_in, rows)

    def forward(
        self, x: Sequence[Any] | None = None, *, max_entries: int | None = None
    ) -> sympy.Matrix:
        """The network's output for input ``x`` (default: the symbols ``x_1 ... x_n``).

        Layer by layer, biases included (``M_2 (M_1 x + b_1) + b_2``); non-linear
        layers apply their function (``Max``, ``tanh``, ...).

        Examples
        --------
        >>> import symconv as sc
        >>> net = sc.Sequential(sc.Dense(1, 1), sc.ReLU(1), sc.Dense(1, 1))
        >>> net.forward()
        Matrix([[b^{(3)} + w^{(3)}*Max(0, b^{(1)} + w^{(1)}*x_1)]])
        """
        values: Sequence[Any] | None = x
        for layer in self.layers:
            values = list(layer.forward(values, max_entries=max_entries))
        return sympy.Matrix(values)

    # --- numeric view -----------------------------------------------------------
    def numeric_matrix(
        self, weights: Sequence[Any] | None = None, *, max_entries: int | None = None
    ) -> scipy.sparse.csr_array:
        """The network's matrix with numbers: the product of the layers' sparse matrices.

        ``weights`` holds one entry per layer: ``None`` for a layer without
        parameters, or a ``(weight, bias)`` pair of arrays in the layout of
        :attr:`symconv.Layer.weight` and :attr:`symconv.Layer.bias` (``bias``
        may be ``None``). It defaults to :attr:`weights`. Without any bias the
        result is ``M``, of shape ``(n_out, n_in)``; with biases it is the affine
        form ``[M | b]``, of shape ``(n_out, n_in + 1)``, that maps ``x`` with a
        1 appended to the network's output. Refused with
        :class:`~symconv.SizeLimitError` when a layer or a step of the product
        would make more than ``max_entries`` entries (default
        :data:`symconv.MAX_NUMERIC_ENTRIES`).

        Examples
        --------
        >>> import numpy as np
        >>> import symconv as sc
        >>> net = sc.Sequential(sc.Conv1d((1, 3), 1, 2), sc.AvgPool1d((1, 2), 2))
        >>> net.numeric_matrix([([[[1.0, 2.0]]], [0.5]), None]).toarray()
        array([[0.5, 1.5, 1. , 0.5]])
        """
        self._check_linear()
        pairs = self._weight_pairs(weights)
        for layer in self.layers:
            check_numeric_size(layer.num_weight_connections, layer.short_repr(), max_entries)
        check_product(self.layers, lambda terms, what: check_numeric_size(
            terms, f"{what} (counting the terms it multiplies)", max_entries))
        affine = any(bias is not None for _, bias in pairs)
        matrix: Any = None
        offset = np.zeros(self.n_in)
        for layer, (weight, bias) in zip(self.layers, pairs, strict=True):
            step, shift = layer.numeric_affine(weight, bias)
            affine = affine or shift is not None
            matrix = step if matrix is None else step @ matrix
            offset = step @ offset + (0 if shift is None else shift)
        if not affine:
            return scipy.sparse.csr_array(matrix)
        return scipy.sparse.hstack([matrix, offset[:, None]], format="csr")

    def _weight_pairs(self, weights: Sequence[Any] | None) -> list[tuple[Any, Any]]:
        """Check ``weights`` (one ``None`` or ``(weight, bias)`` per layer) before any work."""
        weights = self.weights if weights is None else weights
        if weights is None:
            if any(layer.num_parameters for layer in self.layers):
                raise ShapeMismatchError(
                    "numeric_matrix needs weights: one (weight, bias) pair, or None, per layer"
                )
            weights = [None] * len(self)
        if len(weights) != len(self):
            raise ShapeMismatchError(
                f"weights has {len(weights)} entries; the network has {len(self)} layers"
            )
        pairs = []
        for position, (layer, item) in enumerate(zip(self.layers, weights, strict=True), 1):
            pair = (None, None) if item is None else item
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise ShapeMismatchError(
                    f"weights[{position - 1}] for layer {position} must be None or a "
                    f"(weight, bias) pair; got {type(item).__name__}"
                )
            for value, shape, what in ((pair[0], layer.weight_shape, "weight"),
                                       (pair[1], layer.bias_shape, "bias")):
                given = None if value is None else np.shape(value)
                if given != shape and not (what == "bias" and given is None):
                    raise ShapeMismatchError(
                        f"the {what} of layer {position} ({layer.short_repr()}) has shape "
                        f"{given}; it must be {shape}"
                    )
            pairs.append((pair[0], pair[1]))
        return pairs

    # --- counts -------------------------------------------------------------------
    @property
    def num_parameters(self) -> int:
        """Trainable parameters of all layers, biases included."""
        return sum(layer.num_parameters for layer in self.layers)

    @property
    def num_weight_parameters(self) -> int:
        """Trainable weights of all layers (biases excluded)."""
        return sum(layer.num_weight_parameters for layer in self.layers)

    @property
    def num_bias_parameters(self) -> int:
        """Trainable biases of all layers."""
        return sum(layer.num_bias_parameters for layer in self.layers)

    @property
    def num_connections(self) -> int:
        """Connections of all layers (each layer's :attr:`~symconv.Layer.num_connections`)."""
        return sum(layer.num_connections for layer in self.layers)

    @property
    def dense_parameters(self) -> int:
        """Parameters if every layer with parameters were dense between the same shapes."""
        return sum(layer.dense_parameters for layer in self.layers)

    # --- structure ----------------------------------------------------------------
    def output_unit(self, unit: int | Sequence[int]) -> int:
        """The flat index of an output unit given flat or as ``(channel, *position)``.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Sequential(sc.Conv2d((1, 4, 4), 2, 3)).output_unit((1, 0, 1))
        5
        """
        return self.layers[-1].output_unit(unit)

    def receptive_field(self, output_unit: int | Sequence[int]) -> tuple[int, ...]:
        """The input units (flat, 0-based, sorted) that one output unit depends on.

        Exact, through every layer (see :func:`symconv.trace_receptive_field`
        for its size, jump and start).

        Examples
        --------
        >>> import symconv as sc
        >>> net = sc.Sequential.build((1, 7), (sc.Conv1d, 1, 3), (sc.MaxPool1d, 2))
        >>> net.receptive_field(1)
        (2, 3, 4, 5)
        """
        return self.receptive_field_details(output_unit).units

    def receptive_field_details(self, output_unit: int | Sequence[int]) -> ReceptiveField:
        """The exact receptive field with its analytic size, jump and start.

        Examples
        --------
        >>> import symconv as sc
        >>> net = sc.Sequential.build((1, 9), (sc.Conv1d, 1, 3), (sc.Conv1d, 1, 3))
        >>> field = net.receptive_field_details(2)
        >>> field.span, field.size, field.jump, field.start
        (((2, 6),), (5,), (1,), (2,))
        """
        from symconv.receptive import trace_receptive_field

        return trace_receptive_field(self.layers, output_unit)

    def graph(self, *, bias: bool = False, max_edges: int | None = None) -> nx.DiGraph:
        """All layers' graphs stacked into one ``networkx.DiGraph``.

        Input units are ``x1 ... xn`` (as in :func:`symconv.layer_graph`); the
        outputs of layer ``l`` are ``L{l}.h1 ...`` and feed layer ``l + 1``; bias
        nodes are ``L{l}.b1 ...``. Every node and edge carries ``layer`` (0 for
        the input, ``l`` for layer ``l``); nodes have ``role`` ``"input"``,
        ``"hidden"``, ``"output"`` or ``"bias"`` and labels like ``h^{(l)}_{1,2}``.
        Edges keep the attributes of :func:`symconv.layer_graph`.

        Examples
        --------
        >>> import networkx as nx
        >>> import symconv as sc
        >>> net = sc.Sequential.build((1, 5), (sc.Conv1d, 1, 3), (sc.Conv1d, 1, 3))
        >>> g = net.graph()
        >>> g.number_of_nodes(), g.number_of_edges()
        (9, 12)
        >>> sorted(nx.ancestors(g, "L2.h1"), key=lambda n: (g.nodes[n]["layer"], n))
        ['x1', 'x2', 'x3', 'x4', 'x5', 'L1.h1', 'L1.h2', 'L1.h3']
        >>> g.nodes["L1.h2"]["label"], g.edges["L1.h1", "L2.h1"]["label"]
        ('h^{(1)}_2', 'w^{(2)}_1')
        """
        return _stacked_graph(self.layers, bias, max_edges)

    def summary(self) -> Summary:
        """A table of every layer's shapes, counts and receptive field, with totals.

        Examples
        --------
        >>> import symconv as sc
        >>> net = sc.Sequential.build((1, 8), (sc.Conv1d, 2, 3), sc.ReLU)
        >>> print(net.summary())  # doctest: +NORMALIZE_WHITESPACE
         #  layer   in -> out          parameters  connections  dense equiv.  sharing  density  RF
         1  Conv1d  (1, 8) -> (2, 6)            8           48           108      6.0    37.5%   3
         2  ReLU    (2, 6) -> (2, 6)            0           12             0        -    8.33%   3
            total                               8           60           108
        """
        from symconv.summary import Summary

        return Summary.of(self.layers)

    # --- display --------------------------------------------------------------------
    def short_repr(self) -> str:
        """The network's shapes.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.Sequential.build((1, 8, 8), (sc.Conv2d, 1, 3), (sc.Conv2d, 1, 3)).short_repr()
        'Sequential((1, 8, 8) -> (1, 4, 4))'
        """
        return f"Sequential({self.in_shape} -> {self.out_shape})"

    def __repr__(self) -> str:
        head = (
            f"Sequential({self.in_shape} -> {self.out_shape}, "
            f"{counted(len(self), 'layer')}: {counted(self.num_parameters, 'parameter')}, "
            f"{counted(self.num_connections, 'connection')})"
        )
        width = len(str(len(self)))
        lines = [f"  {i:>{width}}  {layer!r}" for i, layer in enumerate(self.layers, 1)]
        return "\n".join([head, *lines])

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()


def _stacked_graph(layers: Sequence[Layer], bias: bool, max_edges: int | None) -> nx.DiGraph:
    """The layers' graphs joined output-to-input (see :meth:`Sequential.graph`)."""
    import networkx as nx

    from symconv.graph import MAX_GRAPH_EDGES, LayerGraph, layer_graph

    limit = MAX_GRAPH_EDGES if max_edges is None else max_edges
    needed = sum(layer.num_weight_connections + (layer.n_out if bias else 0) for layer in layers)
    if needed > limit:
        raise SizeLimitError(
            f"the graph of the network would have {needed:,} edges, over the limit of "
            f"{limit:,}; pass max_edges= to raise it"
        )
    graph = LayerGraph(name=f"Sequential({layers[0].in_shape} -> {layers[-1].out_shape})")
    previous = [f"x{k}" for k in range(1, layers[0].n_in + 1)]
    for position, layer in enumerate(layers, start=1):
        part = layer_graph(layer, bias=bias, prefix=f"L{position}.", max_edges=limit)
        inputs = [f"L{position}.x{k}" for k in range(1, layer.n_in + 1)]
        part = nx.relabel_nodes(part, dict(zip(inputs, previous, strict=True)))
        role = "output" if position == len(layers) else "hidden"
        for _, data in part.nodes(data=True):
            if data["role"] == "input" and position > 1:
                data.clear()  # keep the attributes the previous layer gave these units
            elif data["role"] == "input":
                data["layer"] = 0
            else:
                data["layer"] = position
                if data["role"] == "output":
                    data["role"] = role
                    data["label"] = f"h^{{({position})}}" + data["label"][1:]
        for _, _, data in part.edges(data=True):
            data["layer"] = position
        graph.update(edges=part.edges(data=True), nodes=part.nodes(data=True))  # not its name
        previous = [f"L{position}.h{k}" for k in range(1, layer.n_out + 1)]
    return graph
