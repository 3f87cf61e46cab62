"""The canonical first example of the design notes, checked against its textbook definition.

A 4x4 single-channel input (inputs numbered 1..16 row by row), one 2x2 kernel,
stride 2: output ``h_{ij}`` is ``sum_k sum_l X[2(i-1)+k, 2(j-1)+l] F[k,l]`` (1-based),
so h11 sees inputs 1, 2, 5, 6 and h12 sees 3, 4, 7, 8, all through the same four
weights. A dense layer between the same units has 64 weights, 16 per output.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy

import symconv as sc

SUPPORTS = {  # output (row, column), 1-based -> inputs it sees, 1-based
    (1, 1): [1, 2, 5, 6],
    (1, 2): [3, 4, 7, 8],
    (2, 1): [9, 10, 13, 14],
    (2, 2): [11, 12, 15, 16],
}


@pytest.fixture
def conv() -> sc.Layer:
    return sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)


def textbook_matrix() -> sympy.Matrix:
    """The matrix written out from the textbook formula, with hand-typed symbol names."""
    f = {(k, m): sympy.Symbol(f"w_{{{k},{m}}}", real=True) for k in (1, 2) for m in (1, 2)}
    matrix = sympy.zeros(4, 16)
    for i, j, k, m in itertools.product((1, 2), repeat=4):
        input_row, input_col = 2 * (i - 1) + k, 2 * (j - 1) + m  # X[2(i-1)+k, 2(j-1)+m]
        matrix[2 * (i - 1) + (j - 1), 4 * (input_row - 1) + input_col - 1] = f[k, m]
    return matrix


def test_shapes(conv: sc.Layer) -> None:
    assert conv.out_shape == (1, 2, 2)
    assert conv.matrix().shape == (4, 16)


def test_matrix_is_the_textbook_matrix(conv: sc.Layer) -> None:
    assert conv.matrix() == textbook_matrix()


@pytest.mark.parametrize(("output", "inputs"), SUPPORTS.items())
def test_support_of_each_output(conv: sc.Layer, output: tuple[int, int],
                                inputs: list[int]) -> None:
    row = 2 * (output[0] - 1) + output[1] - 1
    nonzero_columns = [c + 1 for c in range(16) if conv.matrix()[row, c] != 0]
    assert nonzero_columns == inputs
    assert [i + 1 for i in conv.receptive_field(row)] == inputs
    assert [i + 1 for i in conv.receptive_field((0, output[0] - 1, output[1] - 1))] == inputs
    x = sympy.symbols("x_1:17", real=True)
    assert conv.forward()[row].free_symbols & set(x) == {x[i - 1] for i in inputs}


def test_all_outputs_share_exactly_four_weights(conv: sc.Layer) -> None:
    matrix = conv.matrix()
    names = sorted(str(s) for s in matrix.free_symbols)
    assert names == ["w_{1,1}", "w_{1,2}", "w_{2,1}", "w_{2,2}"]
    for row in range(4):
        assert matrix[row, :].free_symbols == matrix.free_symbols
    assert (conv.num_parameters, conv.num_connections) == (4, 16)
    assert conv.sharing_factor == 4


def test_bias_adds_one_parameter_and_one_connection_per_output() -> None:
    conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2)
    assert (conv.num_parameters, conv.num_connections) == (5, 20)
    b = sympy.Symbol("b", real=True)
    assert all(expr.coeff(b) == 1 for expr in conv.forward())


def test_dense_layer_from_the_same_inputs() -> None:
    dense = sc.Dense((1, 4, 4), 4, bias=False)
    matrix = dense.matrix()
    assert matrix.shape == (4, 16)
    assert len(matrix.free_symbols) == 64
    assert all(len(matrix[row, :].free_symbols) == 16 for row in range(4))
    assert all(value != 0 for value in matrix)
    assert (dense.num_parameters, dense.num_connections) == (64, 64)
    assert dense.sharing_factor == 1
    canonical = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
    assert canonical.dense_parameters == dense.num_parameters


def test_numbers_flow_as_in_torch(conv: sc.Layer) -> None:
    torch = pytest.importorskip("torch")
    x = np.arange(1.0, 17.0)
    kernel = np.array([[[[1.0, 10.0], [100.0, 1000.0]]]])
    expected = torch.nn.functional.conv2d(torch.from_numpy(x.reshape(1, 1, 4, 4)),
                                          torch.from_numpy(kernel), stride=2)
    np.testing.assert_array_equal(conv.numeric_matrix(kernel) @ x, expected.numpy().ravel())
