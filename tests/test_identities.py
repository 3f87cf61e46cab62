"""Identities between layers and between views of one layer.

* A transposed convolution's matrix is the transpose of the matching convolution's.
* The Jacobian of ``forward()`` with respect to the inputs is ``matrix()``, and the
  forward pass at zero input is the bias broadcast over the output (PyTorch's rule).
* The receptive field of an output unit is the support of its row of the matrix.
* Layers that are special cases of others have the same matrix: a convolution whose
  kernel covers the input is a dense layer; average pooling and subsampling are
  depthwise convolutions with constant kernels; a locally connected layer whose
  kernels are all equal is a convolution.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import (
    conv_kwargs,
    fewer_examples,
    layers,
    local_kwargs,
    pool_kwargs,
    rng_from,
    seeds,
    subsample_kwargs,
)

import symconv as sc

CONV = {1: sc.Conv1d, 2: sc.Conv2d, 3: sc.Conv3d}
TRANSPOSED = {1: sc.ConvTranspose1d, 2: sc.ConvTranspose2d, 3: sc.ConvTranspose3d}


def conv_and_its_transpose(kwargs: dict[str, Any]) -> tuple[sc.Layer, sc.Layer]:
    """A zero-padded convolution and the transposed convolution that undoes its shapes.

    ``output_padding`` restores the input length that the convolution's floor division
    lost: ``in - ((out - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1)``.
    """
    dims = len(kwargs["in_shape"]) - 1
    conv = CONV[dims](**{**kwargs, "bias": False, "flip": False})
    g = conv.geometry
    assume(all(before == after for before, after in g.padding))
    padding = tuple(before for before, _ in g.padding)
    output_padding = tuple(
        n - ((o - 1) * s - 2 * p + d * (k - 1) + 1)
        for n, o, s, p, d, k in zip(conv.in_shape[1:], conv.out_shape[1:], g.stride, padding,
                                    g.dilation, g.kernel, strict=True)
    )
    transposed = TRANSPOSED[dims](
        conv.out_shape, conv.in_shape[0], g.kernel, stride=g.stride, padding=padding,
        output_padding=output_padding, groups=g.groups, dilation=g.dilation, bias=False,
    )
    assert transposed.out_shape == conv.in_shape
    assert transposed.weight_shape == conv.weight_shape
    return conv, transposed


@given(dims=st.integers(1, 3), data=st.data(), seed=seeds)
def test_transposed_numeric_matrix_is_transpose_of_conv(
    dims: int, data: st.DataObject, seed: int
) -> None:
    conv, transposed = conv_and_its_transpose(data.draw(conv_kwargs(dims, modes=("zeros",))))
    weight = rng_from(seed).standard_normal(conv.weight_shape)
    difference = transposed.numeric_matrix(weight) - conv.numeric_matrix(weight).T
    assert abs(difference).max() == 0


@fewer_examples(100)
@given(kwargs=conv_kwargs(2, modes=("zeros",)))
def test_transposed_symbolic_matrix_is_transpose_of_conv(kwargs: dict[str, Any]) -> None:
    conv, transposed = conv_and_its_transpose(kwargs)
    assert transposed.weight == conv.weight  # same names in the same layout
    assert transposed.matrix() == conv.matrix().T


def expected_bias(layer: sc.Layer) -> np.ndarray:
    """The bias broadcast over the output as PyTorch adds it (zeros without bias)."""
    if layer.bias is None:
        return np.zeros(layer.out_shape, dtype=object)
    bias = np.array(layer.bias.tolist(), dtype=object)
    if isinstance(layer, (sc.TiledConv1d, sc.TiledConv2d)):  # (C_out, *tiles): i mod t
        positions = np.indices(layer.out_shape[1:])
        tiles = [positions[a] % t for a, t in enumerate(layer.tiles)]
        return bias[(slice(None), *tiles)]
    trailing = (1,) * (len(layer.out_shape) - bias.ndim)
    return np.broadcast_to(bias.reshape(bias.shape + trailing), layer.out_shape)


@fewer_examples(100)
@given(layer=layers(max_dims=2))
def test_jacobian_of_forward_is_matrix_and_zero_input_gives_bias(layer: sc.Layer) -> None:
    assume(layer.n_in * layer.n_out <= 4000)
    forward = layer.forward()
    assert forward.jacobian(layer.input_symbols) == layer.matrix()
    at_zero = forward.xreplace(dict.fromkeys(layer.input_symbols, sympy.S.Zero))
    assert list(at_zero) == list(expected_bias(layer).ravel())


@given(layer=layers(), data=st.data())
def test_receptive_field_is_the_support_of_the_row(layer: sc.Layer, data: st.DataObject) -> None:
    weight = None if layer.weight_shape is None else np.ones(layer.weight_shape)
    matrix = layer.numeric_matrix(weight)  # positive entries: nothing cancels
    unit = data.draw(st.integers(0, layer.n_out - 1))
    support = tuple(matrix[[unit]].nonzero()[1].tolist())
    assert layer.receptive_field(unit) == tuple(sorted(support))
    position = tuple(int(i) for i in np.unravel_index(unit, layer.out_shape))
    assert layer.receptive_field(position) == layer.receptive_field(unit)


@given(data=st.data(), seed=seeds)
def test_conv_with_kernel_covering_the_input_is_dense(data: st.DataObject, seed: int) -> None:
    shape = data.draw(st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4)))
    out_channels = data.draw(st.integers(1, 4))
    conv = sc.Conv2d(shape, out_channels, shape[1:], bias=False)
    dense = sc.Dense(shape, out_channels, bias=False)
    weight = rng_from(seed).standard_normal(conv.weight_shape)
    dense_weight = weight.reshape(out_channels, math.prod(shape))
    difference = conv.numeric_matrix(weight) - dense.numeric_matrix(dense_weight)
    assert conv.out_shape == (out_channels, 1, 1)
    assert abs(difference).max() == 0


@given(kwargs=pool_kwargs(2))
def test_avg_pool_is_depthwise_conv_with_constant_kernel(kwargs: dict[str, Any]) -> None:
    kwargs = {**kwargs, "ceil_mode": False, "count_include_pad": True}
    assume(all(n + 2 * p >= k for n, k, p in zip(
        kwargs["in_shape"][1:], np.broadcast_to(kwargs["kernel_size"], 2),
        np.broadcast_to(kwargs["padding"], 2), strict=True)))
    pool = sc.AvgPool2d(**kwargs)
    channels, kernel = pool.in_shape[0], pool.geometry.kernel
    conv = sc.Conv2d(pool.in_shape, channels, kernel, stride=pool.geometry.stride,
                     padding=pool.geometry.padding, groups=channels, bias=False)
    constant = np.full(conv.weight_shape, 1 / math.prod(kernel))
    difference = pool.numeric_matrix() - conv.numeric_matrix(constant)
    assert abs(difference).max() < 1e-15
    assert pool.matrix() == conv.matrix().xreplace(
        dict.fromkeys(conv.parameters, sympy.Rational(1, math.prod(kernel))))


@given(kwargs=subsample_kwargs(), seed=seeds)
def test_subsample_is_depthwise_conv_with_ones_kernel_times_coefficient(
    kwargs: dict[str, Any], seed: int
) -> None:
    layer = sc.Subsample2d(**kwargs)
    channels = layer.in_shape[0]
    conv = sc.Conv2d(layer.in_shape, channels, layer.geometry.kernel,
                     stride=layer.geometry.stride, groups=channels, bias=kwargs["bias"])
    rng = rng_from(seed)
    coefficient = rng.standard_normal(channels)
    bias = rng.standard_normal(channels) if kwargs["bias"] else None
    kernel = np.broadcast_to(coefficient[:, None, None, None], conv.weight_shape)
    difference = layer.numeric_matrix(coefficient, bias) - conv.numeric_matrix(kernel, bias)
    assert abs(difference).max() < 1e-14


@given(kwargs=local_kwargs(2), seed=seeds)
def test_locally_connected_with_equal_kernels_is_a_convolution(
    kwargs: dict[str, Any], seed: int
) -> None:
    local = sc.LocallyConnected2d(**{**kwargs, "bias": False})
    conv = sc.Conv2d(**{**kwargs, "bias": False})
    weight = rng_from(seed).standard_normal(conv.weight_shape)
    tiled = np.broadcast_to(weight[:, None, None], local.weight_shape)
    assert abs(local.numeric_matrix(tiled) - conv.numeric_matrix(weight)).max() == 0
