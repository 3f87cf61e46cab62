"""The gradient of a layer's loss with respect to its weights, bias and input.

For ``y = M x + b`` and an upstream gradient ``delta = dL/dy``, the chain rule gives

* ``dL/dw_k = sum of delta_i x_j`` over every matrix entry ``(i, j)`` whose value uses
  ``w_k`` (each connection once, divided like the entry: ``w_k / d`` gives
  ``delta_i x_j / d``). A shared weight collects a term from every position that uses
  it: this sum is what weight sharing does to learning;
* ``dL/db_k = sum of delta_i`` over the output units ``i`` that use ``b_k``;
* ``dL/dx = M^T delta``.

Numbers go through the connectivity arrays at once (``np.bincount`` over the weight
index of every connection); symbols default to the input symbols ``x_j`` and
output-gradient symbols ``delta_i``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from symconv.errors import ShapeMismatchError
from symconv.symbolic import check_symbolic_size
from symconv.symbols import input_symbols

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["bias_gradient", "gradient_symbols", "input_gradient", "weight_gradient"]

CHUNK = 2**20
"""Most products (samples x connections) formed at once for a batch."""


def gradient_symbols(count: int) -> list[sympy.Symbol]:
    """The output-gradient symbols ``delta_1 ... delta_n``.

    Examples
    --------
    >>> gradient_symbols(2)
    [delta_1, delta_2]
    """
    return input_symbols(count, base="delta")


def _is_numeric(value: Any) -> bool:
    return value is not None and np.asarray(value).dtype.kind in "biufc"


def _batch(value: Any, size: int, name: str) -> np.ndarray:
    """A numeric array as ``(samples, size)``: one sample flat or shaped, or a batch."""
    array = np.asarray(value, dtype=np.float64)
    if array.size % size or array.size == 0:
        raise ShapeMismatchError(
            f"{name} has {array.size} entries; expected a multiple of {size} (one or more "
            "samples)"
        )
    return array.reshape(-1, size)


def _symbolic(value: Any, count: int, name: str, default: list[sympy.Symbol]) -> list[Any]:
    if value is None:
        return default
    values = list(np.asarray(value, dtype=object).ravel())
    if len(values) != count:
        raise ShapeMismatchError(f"{name} has {len(values)} entries; expected {count}")
    return [sympy.sympify(v) for v in values]


def _connection_products(
    deltas: np.ndarray, xs: np.ndarray, out_unit: np.ndarray, in_unit: np.ndarray
) -> np.ndarray:
    """``sum over samples of delta[out] * x[in]`` for every connection.

    When the dense ``delta^T x`` is small it is one matrix product read at the
    connections; otherwise the products are formed per connection, a chunk of
    samples at a time, so that memory stays bounded.
    """
    if deltas.shape[1] * xs.shape[1] <= CHUNK:
        return (deltas.T @ xs)[out_unit, in_unit]
    products = np.zeros(len(out_unit))
    step = max(1, CHUNK // max(1, len(out_unit)))
    for start in range(0, len(xs), step):
        chunk = slice(start, start + step)
        products += np.einsum("nc,nc->c", deltas[chunk][:, out_unit], xs[chunk][:, in_unit])
    return products


def weight_gradient(layer: Layer, x: Any = None, grad_output: Any = None) -> Any:
    """``dL/dw`` in the layout of ``layer.weight`` (``None`` if it has no weight).

    With numeric ``x`` and ``grad_output`` (one sample, flat or shaped, or a batch
    whose gradients add up) the result is a NumPy array; otherwise a ``sympy.Array``
    whose entries sum ``delta_i x_j`` over every entry that uses the weight.

    Examples
    --------
    >>> import symconv as sc
    >>> conv = sc.Conv1d((1, 4), 1, 2, bias=False)
    >>> conv.weight_gradient()
    [[[delta_1*x_1 + delta_2*x_2 + delta_3*x_3, delta_1*x_2 + delta_2*x_3 + delta_3*x_4]]]
    >>> conv.weight_gradient([1, 2, 3, 4], [1, 0, -1]).tolist()
    [[[-2.0, -2.0]]]
    """
    if layer.weight_shape is None:
        return None
    conn = layer.connectivity
    keep = conn.param >= 0
    out_unit, in_unit, param = conn.out_unit[keep], conn.in_unit[keep], conn.param[keep]
    divisor = None if conn.divisor is None else conn.divisor[keep]
    size = int(np.prod(layer.weight_shape))
    if _is_numeric(x) and _is_numeric(grad_output):
        xs = _batch(x, layer.n_in, "x")
        deltas = _batch(grad_output, layer.n_out, "grad_output")
        if len(xs) != len(deltas):
            raise ShapeMismatchError(
                f"x holds {len(xs)} samples but grad_output {len(deltas)}"
            )
        products = _connection_products(deltas, xs, out_unit, in_unit)
        if divisor is not None:
            products = products / divisor
        return np.bincount(param, weights=products, minlength=size).reshape(layer.weight_shape)
    check_symbolic_size(len(param), f"the weight gradient of {layer.short_repr()}", None)
    xs_sym = _symbolic(x, layer.n_in, "x", list(layer.input_symbols))
    deltas_sym = _symbolic(grad_output, layer.n_out, "grad_output", gradient_symbols(layer.n_out))
    order = np.argsort(param, kind="stable")
    bounds = np.searchsorted(param[order], np.arange(size + 1))
    terms = [deltas_sym[o] * xs_sym[i] for o, i in zip(out_unit[order].tolist(),
                                                      in_unit[order].tolist(), strict=True)]
    if divisor is not None:
        terms = [t / int(d) for t, d in zip(terms, divisor[order].tolist(), strict=True)]
    sums = [sympy.Add(*terms[lo:hi]) for lo, hi in itertools.pairwise(bounds.tolist())]
    return sympy.ImmutableDenseNDimArray(sums, layer.weight_shape)


def bias_gradient(layer: Layer, grad_output: Any = None) -> Any:
    """``dL/db`` in the layout of ``layer.bias`` (``None`` without bias).

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Conv1d((1, 4), 1, 2).bias_gradient()
    [delta_1 + delta_2 + delta_3]
    >>> sc.Conv1d((1, 4), 2, 2).bias_gradient([[1, 2, 3], [4, 5, 6]]).tolist()
    [6.0, 15.0]
    """
    index = layer.structure.bias_index()
    if index is None or layer.bias_shape is None:
        return None
    size = int(np.prod(layer.bias_shape))
    if _is_numeric(grad_output):
        per_unit = _batch(grad_output, layer.n_out, "grad_output").sum(axis=0)
        return np.bincount(index, weights=per_unit, minlength=size).reshape(layer.bias_shape)
    deltas = _symbolic(grad_output, layer.n_out, "grad_output", gradient_symbols(layer.n_out))
    groups: list[list[Any]] = [[] for _ in range(size)]
    for unit, k in enumerate(index.tolist()):
        groups[k].append(deltas[unit])
    return sympy.ImmutableDenseNDimArray([sympy.Add(*g) for g in groups], layer.bias_shape)


def input_gradient(layer: Layer, grad_output: Any = None, *, weight: Any = None) -> Any:
    """``dL/dx = M^T delta``: NumPy in ``in_shape`` for numbers, else a SymPy column.

    Numbers need the ``weight`` (in ``layer.weight``'s layout) unless the layer has
    none; a batch of output gradients gives a batch of input gradients.

    Examples
    --------
    >>> import symconv as sc
    >>> conv = sc.Conv1d((1, 3), 1, 2, bias=False)
    >>> conv.input_gradient().T
    Matrix([[delta_1*w_1, delta_1*w_2 + delta_2*w_1, delta_2*w_2]])
    >>> conv.input_gradient([1.0, 1.0], weight=[[[1.0, 2.0]]]).tolist()
    [[1.0, 3.0, 2.0]]
    """
    if _is_numeric(grad_output) and (weight is not None or layer.weight_shape is None):
        deltas = _batch(grad_output, layer.n_out, "grad_output")
        grads = (layer.numeric_matrix(weight).T @ deltas.T).T
        one = np.asarray(grad_output).size == layer.n_out
        return grads.reshape(layer.in_shape if one else (-1, *layer.in_shape))
    symbols = _symbolic(grad_output, layer.n_out, "grad_output", gradient_symbols(layer.n_out))
    return layer.matrix().T * sympy.Matrix(symbols)
