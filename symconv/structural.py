"""Layers without parameters: max pooling and activations (not linear), Flatten and Identity.

They take part in networks, graphs, receptive fields and counts through the same
factored :class:`~symconv.connectivity.Structure` as every other layer, with
:attr:`~symconv.connectivity.Weighting.FIXED` connections (every entry is 1):

* ``MaxPool1d/2d`` connect each output to its window (PyTorch's arguments and
  output sizes; padding is never part of a window);
* ``ReLU``, ``LeakyReLU``, ``ELU``, ``GELU``, ``SiLU``, ``Tanh`` and
  ``Sigmoid`` connect each output to the input unit at
  the same place (one-to-one);
* ``Flatten`` and ``Identity`` are linear: their matrix is the identity.

Max pooling and the activations are not linear maps, so they have no matrix
(``linear = False``): :meth:`~symconv.Layer.matrix` and
:meth:`~symconv.Layer.numeric_matrix` raise :class:`~symconv.NotLinearError`;
:meth:`~symconv.Layer.forward` still gives the exact symbolic output
(``Max``, ``tanh``, ...). Counting conventions: none of these layers has
parameters or a dense equivalent (0); their connections are the edges of their
connectivity (a max pool's window members, one per unit for the others).
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import scipy.sparse
import sympy

from symconv.connectivity import AxisMap, ChannelPairs, Structure, Weighting, shared_while_used
from symconv.dense import _dense_in_shape
from symconv.errors import LayerConfigError, NotLinearError, SymconvError
from symconv.geometry import shown_value
from symconv.inputs import forward_input
from symconv.layer import Layer
from symconv.options import check_torch_options
from symconv.pooling import describe_pool, pool_geometry, pool_structure
from symconv.symbolic import check_symbolic_size

__all__ = [
    "ELU",
    "GELU",
    "Flatten",
    "Identity",
    "LeakyReLU",
    "MaxPool1d",
    "MaxPool2d",
    "ReLU",
    "SiLU",
    "Sigmoid",
    "Tanh",
]


@shared_while_used
def one_to_one_structure(shape: tuple[int, ...]) -> Structure:
    """Each unit of ``shape`` feeds the unit at the same place (cached on the shape).

    Examples
    --------
    >>> structure = one_to_one_structure((2, 3))
    >>> structure.inputs_of(4).tolist(), structure.num_nonzeros
    ([4], 6)
    """
    channels, spatial = shape[0], shape[1:]
    axes = tuple(AxisMap.convolution(n, n, 1, 1, 1, 0) for n in spatial)
    return Structure(
        axes, ChannelPairs(channels, channels, groups=channels), (1,) * len(spatial),
        Weighting.FIXED,
    )


class _ParameterFree(Layer):
    """A layer with no parameters: no dense equivalent either."""

    @property
    def dense_parameters(self) -> int:
        """0: the layer has no parameters, and a dense layer could not stand in for it."""
        return 0


class _Nonlinear(_ParameterFree):
    """A parameter-free layer that is not a linear map."""

    linear = False
    rule: ClassVar[str]
    """What each output computes, in words (for error messages)."""
    latex_rule: ClassVar[str]

    def _combine(self, values: list[sympy.Expr]) -> sympy.Expr:
        raise NotImplementedError

    def _not_linear(self) -> NotLinearError:
        return NotLinearError(
            f"{type(self).__name__} is not linear: {self.rule}, so there is no weight "
            "matrix; its connectivity is available via .structure and .receptive_field()"
        )

    def matrix(self, *, max_entries: int | None = None) -> sympy.SparseMatrix:
        """Refused with :class:`~symconv.NotLinearError`: the layer has no matrix.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.ReLU((1, 4)).matrix()
        Traceback (most recent call last):
        ...
        symconv.errors.NotLinearError: ReLU is not linear: each output is max(0, x) ...
        """
        raise self._not_linear()

    def numeric_matrix(
        self, weight: Any = None, bias: Any = None, *, max_entries: int | None = None
    ) -> scipy.sparse.csr_array:
        """Refused with :class:`~symconv.NotLinearError`: the layer has no matrix.

        Examples
        --------
        >>> import symconv as sc
        >>> sc.MaxPool1d((1, 4), 2).numeric_matrix()
        Traceback (most recent call last):
        ...
        symconv.errors.NotLinearError: MaxPool1d is not linear: ...
        """
        raise self._not_linear()

    def forward(
        self, x: Sequence[Any] | None = None, *, max_entries: int | None = None
    ) -> sympy.Matrix:
        """The exact symbolic output, a column of expressions (``Max``, ``tanh``, ...).

        Examples
        --------
        >>> import symconv as sc
        >>> sc.MaxPool1d((1, 4), 2).forward().T
        Matrix([[Max(x_1, x_2), Max(x_3, x_4)]])
        >>> sc.ReLU(2).forward([-3, 5]).T
        Matrix([[0, 5]])
        """
        values = self.input_symbols if x is None else forward_input(x, self.n_in).as_sympy()
        check_symbolic_size(self.num_connections, self.short_repr(), max_entries)
        conn = self.connectivity
        bounds = np.searchsorted(conn.out_unit, np.arange(self.n_out + 1)).tolist()
        columns = conn.in_unit.tolist()
        outputs = []
        for a, b in itertools.pairwise(bounds):
            window = [values[c] for c in columns[a:b]]
            try:
                outputs.append(self._combine(window))
            except (TypeError, ValueError) as err:  # e.g. the maximum of complex numbers
                raise SymconvError(
                    f"{type(self).__name__} cannot compute {shown_value(window)} ({self.rule}): "
                    f"{err}"
                ) from None
        return sympy.Matrix(outputs)

    def __str__(self) -> str:
        return repr(self)

    def _repr_latex_(self) -> str:
        return f"$${self.latex_rule}$$"

    def _latex_body(self) -> str:
        return self.latex_rule


class _MaxPoolNd(_Nonlinear):
    dims: ClassVar[int]
    rule = "its output picks the maximum of each window"
    latex_rule = r"h_i = \max_{j \in \mathrm{window}(i)} x_j"

    def __init__(
        self,
        in_shape: tuple[int, ...],
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] | None = None,
        padding: int | tuple[int, ...] = 0,
        dilation: int | tuple[int, ...] = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        check_torch_options(type(self).__name__, {"return_indices": return_indices},
                            {"return_indices": False})
        self.geometry = pool_geometry(
            type(self).__name__, self.dims, in_shape, kernel_size, stride, padding, dilation,
            ceil_mode,
        )
        """The validated geometry."""
        self.in_shape = self.geometry.in_shape
        self.out_shape = (self.in_shape[0], *self.geometry.out_spatial)

    def _make_structure(self) -> Structure:
        return pool_structure(self.geometry, Weighting.FIXED)

    def _combine(self, values: list[sympy.Expr]) -> sympy.Expr:
        return sympy.Max(*values)

    def _describe(self) -> list[str]:
        return describe_pool(self.geometry)


class MaxPool1d(_MaxPoolNd):
    """1-D max pooling over ``in_shape = (C, L)``: window connectivity, no matrix.

    ``stride`` defaults to ``kernel_size``; keywords as in ``torch.nn.MaxPool1d``.

    Examples
    --------
    >>> import symconv as sc
    >>> pool = sc.MaxPool1d((1, 5), 2, ceil_mode=True)
    >>> pool
    MaxPool1d((1, 5) -> (1, 3), kernel 2, stride 2, ceil_mode: 0 parameters, 5 connections)
    >>> pool.receptive_field(2)
    (4,)
    """

    dims = 1


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling over ``in_shape = (C, H, W)``: window connectivity, no matrix.

    ``stride`` defaults to ``kernel_size``; keywords as in ``torch.nn.MaxPool2d``.
    Each window member counts as one connection (with no parameter).

    Examples
    --------
    >>> import symconv as sc
    >>> pool = sc.MaxPool2d((64, 224, 224), 2)
    >>> pool.out_shape, pool.num_parameters, pool.num_connections
    ((64, 112, 112), 0, 3211264)
    >>> [i + 1 for i in sc.MaxPool2d((1, 4, 4), 2).receptive_field(0)]
    [1, 2, 5, 6]
    """

    dims = 2


class _Elementwise(_Nonlinear):
    def __init__(self, in_shape: int | tuple[int, ...], **torch_options: Any) -> None:
        check_torch_options(type(self).__name__, torch_options, {"inplace": False})
        self.in_shape = _dense_in_shape(in_shape)
        self.out_shape = self.in_shape

    def _make_structure(self) -> Structure:
        return one_to_one_structure(self.in_shape)

    def _combine(self, values: list[sympy.Expr]) -> sympy.Expr:
        return self._apply(values[0])

    def _apply(self, value: sympy.Expr) -> sympy.Expr:
        raise NotImplementedError


class ReLU(_Elementwise):
    """The rectifier ``max(0, x)``, unit by unit, over an input of any shape.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.ReLU((6, 28, 28))
    ReLU((6, 28, 28) -> (6, 28, 28): 0 parameters, 4,704 connections)
    >>> sc.ReLU(3).forward().T
    Matrix([[Max(0, x_1), Max(0, x_2), Max(0, x_3)]])
    """

    rule = "each output is max(0, x) of its input"
    latex_rule = r"h_i = \max(0, x_i)"

    def _apply(self, value: sympy.Expr) -> sympy.Expr:
        return sympy.Max(sympy.S.Zero, value)


class Tanh(_Elementwise):
    """The hyperbolic tangent, unit by unit, over an input of any shape.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Tanh(2).forward().T
    Matrix([[tanh(x_1), tanh(x_2)]])
    """

    rule = "each output is tanh(x) of its input"
    latex_rule = r"h_i = \tanh(x_i)"

    def _apply(self, value: sympy.Expr) -> sympy.Expr:
        return sympy.tanh(value)


class Sigmoid(_Elementwise):
    """The logistic function ``1 / (1 + exp(-x))``, unit by unit, over any shape.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Sigmoid(1).forward()[0]
    1/(1 + exp(-x_1))
    """

    rule = "each output is 1/(1 + exp(-x)) of its input"
    latex_rule = r"h_i = \frac{1}{1 + e^{-x_i}}"

    def _apply(self, value: sympy.Expr) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-value))


def _exact(value: object, name: str) -> sympy.Rational:
    """A finite real hyperparameter as the exact rational its decimal text reads."""
    try:
        number = None if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            else float(value)
    except OverflowError:  # an int too large for a float
        number = None
    if number is None or not math.isfinite(number):
        raise LayerConfigError(f"{name}={shown_value(value)} must be a finite real number")
    return sympy.Rational(repr(number))


class LeakyReLU(_Elementwise):
    """``x`` for ``x >= 0``, ``negative_slope * x`` below, unit by unit (PyTorch's default 0.01).

    Examples
    --------
    >>> import symconv as sc
    >>> sc.LeakyReLU(2, 0.1).forward([-3, 5]).T
    Matrix([[-3/10, 5]])
    """

    rule = "each output is x for x >= 0 and negative_slope*x below"
    latex_rule = r"h_i = \begin{cases} x_i & x_i \ge 0 \\ a x_i & x_i < 0 \end{cases}"

    def __init__(
        self, in_shape: int | tuple[int, ...], negative_slope: float = 0.01, **torch_options: Any
    ) -> None:
        super().__init__(in_shape, **torch_options)
        self.negative_slope = _exact(negative_slope, "negative_slope")
        """The slope below 0, an exact ``Rational``."""

    def _apply(self, value: sympy.Expr) -> sympy.Expr:
        return sympy.Piecewise((value, value >= 0), (self.negative_slope * value, True))


class ELU(_Elementwise):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` below, unit by unit.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.ELU(1).forward()[0]
    Piecewise((x_1, x_1 > 0), (exp(x_1) - 1, True))
    """

    rule = "each output is x for x > 0 and alpha*(exp(x) - 1) below"
    latex_rule = (r"h_i = \begin{cases} x_i & x_i > 0 \\ "
                  r"\alpha (e^{x_i} - 1) & x_i \le 0 \end{cases}")

    def __init__(
        self, in_shape: int | tuple[int, ...], alpha: float = 1.0, **torch_options: Any
    ) -> None:
        super().__init__(in_shape, **torch_options)
        self.alpha = _exact(alpha, "alpha")
        """The scale of the negative part, an exact ``Rational``."""

    def _apply(self, value: sympy.Expr) -> sympy.Expr:
        return sympy.Piecewise((value, value > 0), (self.alpha * (sympy.exp(value) - 1), True))


class GELU(_Elementwise):
    """The Gaussian error linear unit ``x * Phi(x)``, unit by unit.

    ``approximate="tanh"`` gives PyTorch's tanh approximation.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.GELU(1).forward()[0]
    x_1*(erf(sqrt(2)*x_1/2) + 1)/2
    """

    rule = "each output is x*Phi(x) of its input (Phi: the normal distribution function)"
    latex_rule = r"h_i = x_i \Phi(x_i)"

    def __init__(self, in_shape: int | tuple[int, ...], approximate: str = "none") -> None:
        super().__init__(in_shape)
        if not isinstance(approximate, str) or approximate not in ("none", "tanh"):
            raise LayerConfigError(f"approximate={approximate!r} must be 'none' or 'tanh'")
        self.approximate = approximate
        """``"none"`` (exact) or ``"tanh"`` (PyTorch's approximation)."""

    def _apply(self, value: sympy.Expr) -> sympy.Expr:
        if self.approximate == "tanh":
            inner = sympy.sqrt(2 / sympy.pi) * (value + sympy.Rational(44715, 10**6) * value**3)
            return value * (1 + sympy.tanh(inner)) / 2
        return value * (1 + sympy.erf(value / sympy.sqrt(2))) / 2


class SiLU(_Elementwise):
    """The sigmoid linear unit (swish) ``x / (1 + exp(-x))``, unit by unit.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.SiLU(1).forward()[0]
    x_1/(1 + exp(-x_1))
    """

    rule = "each output is x/(1 + exp(-x)) of its input"
    latex_rule = r"h_i = \frac{x_i}{1 + e^{-x_i}}"

    def _apply(self, value: sympy.Expr) -> sympy.Expr:
        return value / (1 + sympy.exp(-value))


class Flatten(_ParameterFree):
    """Flattens ``(C, *spatial)`` to ``(C * prod(spatial),)`` in C order: an identity matrix.

    Like ``torch.nn.Flatten()`` on a batch: every axis after the batch axis is
    merged. Each unit has one connection, to itself.

    Examples
    --------
    >>> import symconv as sc
    >>> flat = sc.Flatten((2, 3, 3))
    >>> flat
    Flatten((2, 3, 3) -> (18,): 0 parameters, 18 connections)
    >>> sc.Flatten((1, 2)).matrix()
    Matrix([
    [1, 0],
    [0, 1]])
    """

    def __init__(self, in_shape: int | tuple[int, ...], **torch_options: Any) -> None:
        check_torch_options("Flatten", torch_options, {"start_dim": 1, "end_dim": -1})
        self.in_shape = _dense_in_shape(in_shape)
        self.out_shape = (math.prod(self.in_shape),)

    def _make_structure(self) -> Structure:
        return one_to_one_structure(self.out_shape)


class Identity(_ParameterFree):
    """The identity map on an input of any shape (``torch.nn.Identity``).

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Identity((1, 2)).forward().T
    Matrix([[x_1, x_2]])
    """

    def __init__(self, in_shape: int | tuple[int, ...], **torch_options: Any) -> None:
        check_torch_options(type(self).__name__, torch_options, {"inplace": False})
        self.in_shape = _dense_in_shape(in_shape)
        self.out_shape = self.in_shape

    def _make_structure(self) -> Structure:
        return one_to_one_structure(self.in_shape)
