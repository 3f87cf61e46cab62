"""Recurrent layers unrolled in time: the same weights at every step.

:class:`LinearRNN` is PyTorch's ``nn.RNN`` without its nonlinearity, started from
``h_0 = 0``::

    h_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh

Unrolled over ``steps``, the map from the flattened input sequence ``(x_1, ..., x_T)``
to the flattened hidden sequence ``(h_1, ..., h_T)`` is ``y = M x + c`` with ``M``
block lower-triangular Toeplitz: block ``(t, s)`` is ``W_hh^(t-s) W_ih`` for
``s <= t``. Its entries are polynomials in the shared weights, not single weights,
so this is not a :class:`~symconv.Layer` built on the linear-in-parameters
connectivity core. It keeps the parts of the Layer interface that still mean the
same (``in_shape``, ``out_shape``, ``matrix``, ``numeric_matrix``, ``forward``,
``graph``, ``receptive_field``, ``parameters``, ``num_parameters``); the block powers
are computed once, exactly, as matrices over the polynomial ring of the weights,
and turned into SymPy expressions only for the blocks a view asks for.

:class:`RNN` is the same unrolled network with ``tanh`` or ``relu`` after each step:
not linear (no matrix), but with the same dependency graph and receptive fields in
time.

Symbols: ``u`` for ``weight_ih`` (input to hidden), ``w`` for ``weight_hh``
(hidden to hidden), ``b`` for ``bias_ih`` and ``c`` for ``bias_hh``; the input at
step ``t`` is ``x_{t,i}`` and the hidden state ``h_{t,j}`` (indices from 1, the
unit index left out when there is a single one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse
import sympy
from sympy.polys.matrices import DomainMatrix

from symconv.errors import (
    LayerConfigError,
    NotLinearError,
    ShapeMismatchError,
    SizeLimitError,
    UnitIndexError,
)
from symconv.geometry import as_flag, as_int
from symconv.inputs import forward_input
from symconv.layer import _checked_array
from symconv.symbols import IndexedSymbols

__all__ = ["MAX_TERMS", "RNN", "LinearRNN"]

MAX_TERMS = 100_000
"""Default limit on the monomials of a symbolic :meth:`LinearRNN.matrix`."""

NONLINEARITIES = {"tanh": sympy.tanh, "relu": lambda v: sympy.Max(0, v)}


def _symbols(base: str, shape: tuple[int, ...]) -> IndexedSymbols:
    """Symbols of an array, leaving out the axes of length 1 from their names."""
    return IndexedSymbols(base, shape, drop=tuple(a for a, n in enumerate(shape) if n == 1))


class RNN:
    """An Elman recurrent network (``torch.nn.RNN``) unrolled over ``steps``.

    ``h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`` from ``h_0 = 0``, with
    PyTorch's parameter names and layouts.
    ``in_shape = (steps, input_size)``; the output has shape ``(steps, hidden_size)``,
    flattened step by step. ``nonlinearity`` is ``"tanh"`` or ``"relu"`` (as
    ``torch.nn.RNN``); the network is then not linear and has no matrix, but the
    same unrolled graph, counts and receptive fields in time as :class:`LinearRNN`.

    Examples
    --------
    >>> import symconv as sc
    >>> rnn = sc.RNN((3, 1), 1, bias=False)
    >>> rnn.forward()[1]
    tanh(u*x_2 + w*tanh(u*x_1))
    >>> rnn.receptive_field(1)
    (0, 1)
    """

    linear: bool = False

    def __init__(
        self,
        in_shape: tuple[int, int],
        hidden_size: int,
        *,
        nonlinearity: str | None = "tanh",
        bias: bool = True,
    ) -> None:
        if not (isinstance(in_shape, Sequence) and len(in_shape) == 2):
            raise LayerConfigError(
                f"in_shape={in_shape!r} must be (steps, input_size), e.g. (4, 1)"
            )
        steps, inputs = as_int(in_shape[0], "steps"), as_int(in_shape[1], "input_size")
        if nonlinearity is not None and nonlinearity not in NONLINEARITIES:
            raise LayerConfigError(
                f"nonlinearity={nonlinearity!r} must be 'tanh' or 'relu'"
            )
        self.nonlinearity = nonlinearity
        hidden = as_int(hidden_size, "hidden_size")
        self.in_shape = (steps, inputs)
        self.out_shape = (steps, hidden)
        self.steps, self.input_size, self.hidden_size = steps, inputs, hidden
        self.has_bias = as_flag(bias, "bias")
        self.shapes: dict[str, tuple[int, ...]] = {
            "weight_ih": (hidden, inputs), "weight_hh": (hidden, hidden),
        }
        """PyTorch's parameter names and shapes."""
        if self.has_bias:
            self.shapes.update(bias_ih=(hidden,), bias_hh=(hidden,))
        self._symbols = {
            name: _symbols(base, shape)
            for (name, shape), base in zip(self.shapes.items(), "uwbc", strict=False)
        }

    # --- symbols and counts ----------------------------------------------------------
    def symbols(self, name: str) -> sympy.Matrix:
        """The symbols of one parameter (``"weight_ih"``, ``"weight_hh"``, ...) as a Matrix.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.LinearRNN((3, 2), 1).symbols("weight_ih")
        Matrix([[u_1, u_2]])
        """
        if name not in self._symbols:
            raise LayerConfigError(f"{name!r} is not one of {', '.join(self.shapes)}")
        shape = self.shapes[name]
        return sympy.Matrix(shape[0], shape[1] if len(shape) > 1 else 1, list(self._symbols[name]))

    @property
    def parameters(self) -> tuple[sympy.Symbol, ...]:
        """Every trainable symbol: ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``."""
        return tuple(s for symbols in self._symbols.values() for s in symbols)

    @property
    def n_in(self) -> int:
        """Input units: ``steps * input_size``."""
        return math.prod(self.in_shape)

    @property
    def n_out(self) -> int:
        """Output (hidden) units: ``steps * hidden_size``."""
        return math.prod(self.out_shape)

    @property
    def num_parameters(self) -> int:
        """Distinct trainable parameters, shared by every step (what PyTorch counts)."""
        return sum(math.prod(shape) for shape in self.shapes.values())

    @property
    def untied_parameters(self) -> int:
        """Parameters if every step had its own weights (step 1 needs no ``weight_hh``)."""
        h, i, t = self.hidden_size, self.input_size, self.steps
        return t * h * i + (t - 1) * h * h + (2 * t * h if self.has_bias else 0)

    @property
    def num_connections(self) -> int:
        """Weighted edges of the unrolled graph: input to hidden, hidden to next hidden."""
        h, i, t = self.hidden_size, self.input_size, self.steps
        return t * h * i + (t - 1) * h * h

    @property
    def dense_parameters(self) -> int:
        """Parameters of a dense layer from the whole input sequence to the whole output."""
        return self.n_out * self.n_in + (self.n_out if self.has_bias else 0)

    # --- receptive fields ----------------------------------------------------------
    def output_unit(self, unit: int | Sequence[int]) -> int:
        """The flat index of hidden unit ``unit``, given flat or as ``(step, unit)``."""
        if isinstance(unit, int) and not isinstance(unit, bool) and 0 <= unit < self.n_out:
            return unit
        if (isinstance(unit, Sequence) and len(unit) == 2
                and all(isinstance(v, int) and 0 <= v < n
                        for v, n in zip(unit, self.out_shape, strict=True))):
            return unit[0] * self.hidden_size + unit[1]
        raise UnitIndexError(
            f"output unit {unit!r} is not an index into the output of shape {self.out_shape}"
        )

    def receptive_field(self, output_unit: int | Sequence[int]) -> tuple[int, ...]:
        """The input units (flat, 0-based) that hidden unit ``(t, j)`` depends on.

        These are every input of steps ``1 .. t``.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.LinearRNN((4, 2), 3).receptive_field((1, 0))
        (0, 1, 2, 3)
        """
        step = self.output_unit(output_unit) // self.hidden_size
        return tuple(range((step + 1) * self.input_size))

    # --- symbolic views --------------------------------------------------------------
    def input_symbols(self) -> list[sympy.Symbol]:
        """The input symbols ``x_{t,i}``, flattened step by step."""
        return list(_symbols("x", self.in_shape))

    def forward(self, x: Sequence[Any] | None = None) -> sympy.Matrix:
        """The hidden sequence as a column of SymPy expressions, by running the recurrence.

        ``x`` defaults to the input symbols; it is flattened step by step.
        """
        values = (self.input_symbols() if x is None
                  else list(forward_input(x, self.n_in).as_sympy()))
        w_ih, w_hh = self.symbols("weight_ih"), self.symbols("weight_hh")
        shift = (self.symbols("bias_ih") + self.symbols("bias_hh") if self.has_bias
                 else sympy.zeros(self.hidden_size, 1))
        h = sympy.zeros(self.hidden_size, 1)
        out: list[sympy.Expr] = []
        for t in range(self.steps):
            x_t = sympy.Matrix(values[t * self.input_size:(t + 1) * self.input_size])
            pre = w_ih * x_t + w_hh * h + shift
            h = (pre.applyfunc(sympy.expand) if self.nonlinearity is None
                 else pre.applyfunc(NONLINEARITIES[self.nonlinearity]))
            out.extend(h)
        return sympy.Matrix(out)

    def graph(self) -> Any:
        """The unrolled network as a ``networkx.DiGraph`` (dependencies over time).

        Nodes ``x{t}_{i}`` and ``h{t}_{j}`` (1-based) carry ``label``, ``kind``
        (``"input"`` or ``"hidden"``), ``step`` and ``unit``. Edges ``x_t -> h_t``
        (``weight_ih``) and ``h_{t-1} -> h_t`` (``weight_hh``) carry the shared
        symbol under ``symbol``, its index in :attr:`parameters` under ``param``,
        the parameter name under ``kind`` and a plain-text ``label``.

        Examples
        --------
        >>> import symconv as sc
        >>> g = sc.LinearRNN((3, 1), 1).graph()
        >>> g.number_of_edges(), sorted({d["label"] for *_, d in g.edges(data=True)})
        (5, ['u', 'w'])
        """
        import networkx as nx

        graph = nx.DiGraph()
        for kind, base, width in (("input", "x", self.input_size),
                                  ("hidden", "h", self.hidden_size)):
            names = _symbols(base, (self.steps, width))
            for t in range(self.steps):
                for k in range(width):
                    graph.add_node(f"{base}{t + 1}_{k + 1}", label=names.name(t * width + k),
                                   kind=kind, step=t + 1, unit=k + 1)
        offset = 0
        for name, source, width in (("weight_ih", "x", self.input_size),
                                    ("weight_hh", "h", self.hidden_size)):
            symbols = self._symbols[name]
            for t in range(1 if source == "h" else 0, self.steps):
                lag = 1 if source == "h" else 0
                for j in range(self.hidden_size):
                    for k in range(width):
                        param = j * width + k
                        graph.add_edge(f"{source}{t + 1 - lag}_{k + 1}", f"h{t + 1}_{j + 1}",
                                       symbol=symbols[param], param=offset + param,
                                       kind=name, label=str(symbols[param]))
            offset += len(symbols)
        return graph

    def matrix(self) -> sympy.SparseMatrix:
        """Refused: a recurrent network with a nonlinearity is not a linear map."""
        raise NotLinearError(
            f"RNN(nonlinearity={self.nonlinearity!r}) is not linear, so there is no "
            "weight matrix; LinearRNN has one, and receptive_field() and graph() work here"
        )

    def __repr__(self) -> str:
        kind = "" if self.nonlinearity is None else f", {self.nonlinearity}"
        return (f"{type(self).__name__}({self.in_shape} -> {self.out_shape}{kind}: "
                f"{self.num_parameters} parameters, {self.untied_parameters} untied)")


class LinearRNN(RNN):
    """``nn.RNN`` without its nonlinearity, unrolled: a linear map with shared weights.

    ``in_shape = (steps, input_size)``. Parameters as PyTorch's: ``weight_ih``
    ``(H, I)``, ``weight_hh`` ``(H, H)``, ``bias_ih`` and ``bias_hh`` ``(H,)``.
    The matrix is block lower-triangular Toeplitz with blocks ``W_hh^k W_ih``.

    Examples
    --------
    >>> import symconv as sc
    >>> rnn = sc.LinearRNN((3, 1), 1, bias=False)
    >>> rnn.matrix()
    Matrix([
    [     u,   0, 0],
    [   u*w,   u, 0],
    [u*w**2, u*w, u]])
    >>> rnn.num_parameters, rnn.untied_parameters
    (2, 5)
    """

    linear = True

    def __init__(self, in_shape: tuple[int, int], hidden_size: int, *,
                 bias: bool = True) -> None:
        super().__init__(in_shape, hidden_size, nonlinearity=None, bias=bias)

    @cached_property
    def _powers(self) -> list[DomainMatrix]:
        """``W_hh^k W_ih`` for ``k = 0 .. steps - 1`` over the polynomial ring (once)."""
        w_ih = DomainMatrix.from_Matrix(self.symbols("weight_ih"))
        w_hh = DomainMatrix.from_Matrix(self.symbols("weight_hh"))
        w_ih, w_hh = w_ih.unify(w_hh)
        blocks = [w_ih]
        for _ in range(1, self.steps):
            blocks.append(w_hh * blocks[-1])
        return blocks

    def block(self, lag: int) -> sympy.Matrix:
        """Block ``W_hh^lag W_ih``: how the input ``lag`` steps back reaches the state.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.LinearRNN((3, 1), 2, bias=False).block(1)
        Matrix([
        [u_1*w_{1,1} + u_2*w_{1,2}],
        [u_1*w_{2,1} + u_2*w_{2,2}]])
        """
        if not (isinstance(lag, int) and 0 <= lag < self.steps):
            raise UnitIndexError(f"lag={lag!r} must be in 0..{self.steps - 1}")
        if lag not in self._blocks:
            self._blocks[lag] = self._powers[lag].to_Matrix()
        return self._blocks[lag].copy()

    @cached_property
    def _blocks(self) -> dict[int, sympy.Matrix]:
        return {}

    @property
    def term_bound(self) -> int:
        """An upper bound on the monomials of the expanded matrix, in closed form.

        Entry ``(j, i)`` of ``W_hh^k W_ih`` sums one product per path through ``k``
        hidden units (``H^k`` of them, fewer once equal monomials merge), and the
        block of lag ``k`` appears ``steps - k`` times.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.LinearRNN((3, 1), 2, bias=False).term_bound  # 3x(2x1) + 2x(2x2) + 1x(2x4)
        22
        """
        h, i, t = self.hidden_size, self.input_size, self.steps
        return sum((t - k) * h * i * h**k for k in range(t))

    @property
    def num_nonzeros(self) -> int:
        """Nonzero blocks' entries: ``steps (steps + 1) / 2`` blocks of ``H x I``."""
        return self.steps * (self.steps + 1) // 2 * self.hidden_size * self.input_size

    def matrix(self, *, max_terms: int = MAX_TERMS) -> sympy.SparseMatrix:
        """``M``, from the flattened input sequence to the flattened hidden sequence.

        Refused with :class:`~symconv.SizeLimitError` when its entries would hold more
        than ``max_terms`` monomials (:attr:`term_bound`; SymPy builds about 10,000 a
        second): ask for single blocks with :meth:`block`, or use :meth:`numeric_matrix`.
        """
        if self.term_bound > max_terms:
            raise SizeLimitError(
                f"the matrix of {self!r} would hold up to {self.term_bound:,} monomials, over "
                f"max_terms={max_terms:,}; use block(lag) or numeric_matrix()"
            )
        h, i = self.hidden_size, self.input_size
        blocks = [self.block(k) for k in range(self.steps)]
        entries = {
            (t * h + r, s * i + c): blocks[t - s][r, c]
            for t in range(self.steps) for s in range(t + 1)
            for r in range(h) for c in range(i) if blocks[t - s][r, c] != 0
        }
        return sympy.SparseMatrix(self.n_out, self.n_in, entries)

    def numeric_matrix(
        self, weight_ih: Any, weight_hh: Any, bias_ih: Any = None, bias_hh: Any = None
    ) -> scipy.sparse.csr_array:
        """``M`` for PyTorch-layout arrays; with both biases the affine ``[M | c]``.

        ``c`` stacks the constant part of each step, ``sum_{k<t} W_hh^k (b_ih + b_hh)``,
        so ``[M | c] @ [x, 1]`` is the hidden sequence.

        Examples
        --------
        >>> import numpy as np
        >>> import symconv as sc
        >>> rnn = sc.LinearRNN((3, 1), 1)
        >>> rnn.numeric_matrix([[1.0]], [[0.5]], [1.0], [0.0]).toarray()
        array([[1.  , 0.  , 0.  , 1.  ],
               [0.5 , 1.  , 0.  , 1.5 ],
               [0.25, 0.5 , 1.  , 1.75]])
        """
        name = type(self).__name__
        w_ih = _checked_array(weight_ih, self.shapes["weight_ih"], "weight_ih", name)
        w_hh = _checked_array(weight_hh, self.shapes["weight_hh"], "weight_hh", name)
        if (bias_ih is None) != (bias_hh is None) or (bias_ih is not None and not self.has_bias):
            raise ShapeMismatchError(
                f"{self!r} takes both bias_ih and bias_hh or neither"
                + ("" if self.has_bias else " (it has no bias)")
            )
        powers = [w_ih]
        for _ in range(1, self.steps):
            powers.append(w_hh @ powers[-1])
        lags = np.subtract.outer(np.arange(self.steps), np.arange(self.steps))
        stacked = np.stack([*powers, np.zeros_like(w_ih)])  # lag < 0: the zero block
        dense = stacked[np.where(lags >= 0, lags, self.steps)]  # (T, T, H, I)
        matrix = scipy.sparse.csr_array(dense.transpose(0, 2, 1, 3).reshape(self.n_out,
                                                                               self.n_in))
        if bias_ih is None:
            return matrix
        shift = (_checked_array(bias_ih, self.shapes["bias_ih"], "bias_ih", name)
                 + _checked_array(bias_hh, self.shapes["bias_hh"], "bias_hh", name))
        constant, state = [], np.zeros(self.hidden_size)
        for _ in range(self.steps):
            state = w_hh @ state + shift
            constant.append(state)
        return scipy.sparse.hstack([matrix, np.concatenate(constant)[:, None]], format="csr")
