"""Convolution-like layers against ``torch.nn.functional`` (float64), on random data.

Each test builds a layer, draws random weights, bias and input, and compares
``numeric_matrix`` applied to the flattened input with what PyTorch computes for the
same hyperparameters. Locally connected layers have no PyTorch counterpart; they are
checked against an independent per-output-unit formulation (``F.unfold`` in 2-D,
slicing in 1-D).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from optional import torch
from strategies import (
    axes,
    connection_tables,
    conv_kwargs,
    dense_kwargs,
    fewer_examples,
    local_kwargs,
    pad_pairs,
    rng_from,
    seeds,
    transposed_kwargs,
)

import symconv as sc

F = torch.nn.functional

CONV = {1: sc.Conv1d, 2: sc.Conv2d, 3: sc.Conv3d}
TRANSPOSED = {1: sc.ConvTranspose1d, 2: sc.ConvTranspose2d, 3: sc.ConvTranspose3d}


# --- helpers ----------------------------------------------------------------------
def random_arrays(layer: sc.Layer, seed: int) -> tuple[Any, Any, np.ndarray]:
    """Random weight (or None), bias (or None) and input for ``layer``."""
    rng = rng_from(seed)
    weight = None if layer.weight_shape is None else rng.standard_normal(layer.weight_shape)
    bias = None if layer.bias_shape is None else rng.standard_normal(layer.bias_shape)
    return weight, bias, rng.standard_normal(layer.in_shape)


def apply_numeric(layer: sc.Layer, weight: Any, bias: Any, x: np.ndarray) -> np.ndarray:
    """``M x + b`` through ``numeric_matrix``, reshaped to the output shape."""
    flat = x.ravel()
    if bias is None:
        y = layer.numeric_matrix(weight) @ flat
    else:
        y = layer.numeric_matrix(weight, bias) @ np.append(flat, 1.0)
    return y.reshape(layer.out_shape)


def assert_matches(layer: sc.Layer, expected: Any, actual: np.ndarray) -> None:
    expected = expected.detach().numpy() if hasattr(expected, "detach") else expected
    assert layer.out_shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-12)


def tensor(array: Any) -> Any:
    return None if array is None else torch.from_numpy(np.ascontiguousarray(array))


def torch_conv(kwargs: dict[str, Any], weight: Any, bias: Any, x: np.ndarray) -> Any:
    """PyTorch's convolution for the drawn keyword arguments."""
    dims = len(kwargs["in_shape"]) - 1
    w = tensor(weight)
    if kwargs.get("flip"):
        w = w.flip(list(range(2, 2 + dims)))
    padding = kwargs["padding"]
    if padding == "full":  # PyTorch has no "full": it is padding dilation * (kernel - 1)
        padding = tuple(e for e, _ in pad_pairs(kwargs))
    common = {"stride": kwargs["stride"], "padding": padding, "dilation": kwargs["dilation"],
              "groups": kwargs.get("groups", 1)}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using padding='same'")
        mode = kwargs.get("padding_mode", "zeros")
        if mode == "zeros":
            function = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[dims]
            return function(tensor(x)[None], w, tensor(bias), **common)[0]
        module_class = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}[dims]
        module = module_class(
            kwargs["in_shape"][0], kwargs["out_channels"], kwargs["kernel_size"], **common,
            bias=bias is not None, padding_mode=mode, dtype=torch.float64,
        )
        with torch.no_grad():
            module.weight.copy_(w)
            if bias is not None:
                module.bias.copy_(tensor(bias))
            return module(tensor(x)[None])[0]


# --- convolutions -------------------------------------------------------------------
def check_conv(dims: int, kwargs: dict[str, Any], seed: int) -> None:
    layer = CONV[dims](**kwargs)
    weight, bias, x = random_arrays(layer, seed)
    assert_matches(layer, torch_conv(kwargs, weight, bias, x),
                   apply_numeric(layer, weight, bias, x))


@given(kwargs=conv_kwargs(1), seed=seeds)
def test_conv1d_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    check_conv(1, kwargs, seed)


@given(kwargs=conv_kwargs(2), seed=seeds)
def test_conv2d_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    check_conv(2, kwargs, seed)


@given(kwargs=conv_kwargs(3), seed=seeds)
def test_conv3d_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    check_conv(3, kwargs, seed)


@given(kwargs=conv_kwargs(2), seed=seeds)
def test_matrix_plus_expanded_bias_matches_affine_form(kwargs: dict[str, Any], seed: int) -> None:
    kwargs = {**kwargs, "bias": True}
    layer = sc.Conv2d(**kwargs)
    weight, bias, x = random_arrays(layer, seed)
    spatial = int(np.prod(layer.out_shape[1:]))
    y = layer.numeric_matrix(weight) @ x.ravel() + np.repeat(bias, spatial)
    assert_matches(layer, torch_conv(kwargs, weight, bias, x), y.reshape(layer.out_shape))


@given(
    kwargs=conv_kwargs(2, modes=("zeros",), grouped=False),
    data=st.data(),
    seed=seeds,
)
def test_connection_table_matches_masked_torch_weight(
    kwargs: dict[str, Any], data: st.DataObject, seed: int
) -> None:
    table = data.draw(connection_tables(kwargs["out_channels"], kwargs["in_shape"][0]))
    layer = sc.Conv2d(**kwargs, connection_table=table)
    weight, bias, x = random_arrays(layer, seed)  # entries switched off are ignored
    masked = weight * np.array(table, dtype=float)[:, :, None, None]
    assert_matches(layer, torch_conv(kwargs, masked, bias, x),
                   apply_numeric(layer, weight, bias, x))


# --- transposed convolutions ------------------------------------------------------
def check_transposed(dims: int, kwargs: dict[str, Any], seed: int) -> None:
    layer = TRANSPOSED[dims](**kwargs)
    weight, bias, x = random_arrays(layer, seed)
    function = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[dims]
    expected = function(
        tensor(x)[None], tensor(weight), tensor(bias), stride=kwargs["stride"],
        padding=kwargs["padding"], output_padding=kwargs["output_padding"],
        groups=kwargs["groups"], dilation=kwargs["dilation"],
    )[0]
    assert_matches(layer, expected, apply_numeric(layer, weight, bias, x))


@given(kwargs=transposed_kwargs(1), seed=seeds)
def test_conv_transpose1d_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    check_transposed(1, kwargs, seed)


@given(kwargs=transposed_kwargs(2), seed=seeds)
def test_conv_transpose2d_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    check_transposed(2, kwargs, seed)


@given(kwargs=transposed_kwargs(3), seed=seeds)
def test_conv_transpose3d_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    check_transposed(3, kwargs, seed)


# --- dense ------------------------------------------------------------------------
@given(kwargs=dense_kwargs(), seed=seeds)
def test_dense_matches_linear(kwargs: dict[str, Any], seed: int) -> None:
    layer = sc.Dense(**kwargs)
    weight, bias, x = random_arrays(layer, seed)
    expected = F.linear(tensor(x).flatten(), tensor(weight), tensor(bias))
    assert_matches(layer, expected, apply_numeric(layer, weight, bias, x))


# --- locally connected (independent per-unit formulations) ------------------------
def local_1d_reference(
    kwargs: dict[str, Any], weight: np.ndarray, bias: Any, x: np.ndarray
) -> np.ndarray:
    """Each output unit: its own kernel times its window, cut from the zero-padded input."""
    ((lo, hi),) = pad_pairs(kwargs)
    (k,), (s,), (d,) = (axes(kwargs[a], 1) for a in ("kernel_size", "stride", "dilation"))
    padded = np.pad(x, ((0, 0), (lo, hi)))
    out_len = weight.shape[1]
    y = np.empty(weight.shape[:2])
    for c in range(weight.shape[0]):
        for i in range(out_len):
            window = padded[:, i * s : i * s + d * (k - 1) + 1 : d]
            y[c, i] = np.sum(weight[c, i] * window)
    return y if bias is None else y + bias


def local_2d_reference(
    kwargs: dict[str, Any], weight: np.ndarray, bias: Any, x: np.ndarray
) -> Any:
    """``F.unfold`` gives every window as a column; each unit dots its own kernel with it."""
    (top, bottom), (left, right) = pad_pairs(kwargs)
    padded = F.pad(tensor(x)[None], (left, right, top, bottom))
    columns = F.unfold(padded, axes(kwargs["kernel_size"], 2),
                       dilation=kwargs["dilation"], stride=kwargs["stride"])[0]
    c_out, h_out, w_out = weight.shape[:3]
    kernels = tensor(weight).reshape(c_out, h_out * w_out, -1)
    y = torch.einsum("clj,jl->cl", kernels, columns).reshape(c_out, h_out, w_out)
    return y if bias is None else y + tensor(bias)


@given(kwargs=local_kwargs(1), seed=seeds)
def test_locally_connected1d_matches_slicing(kwargs: dict[str, Any], seed: int) -> None:
    layer = sc.LocallyConnected1d(**kwargs)
    weight, bias, x = random_arrays(layer, seed)
    assert_matches(layer, local_1d_reference(kwargs, weight, bias, x),
                   apply_numeric(layer, weight, bias, x))


@given(kwargs=local_kwargs(2), seed=seeds)
def test_locally_connected2d_matches_unfold(kwargs: dict[str, Any], seed: int) -> None:
    layer = sc.LocallyConnected2d(**kwargs)
    weight, bias, x = random_arrays(layer, seed)
    assert_matches(layer, local_2d_reference(kwargs, weight, bias, x),
                   apply_numeric(layer, weight, bias, x))


# --- symbolic matrix with numbers substituted ---------------------------------------
SYMBOLIC_CASES = [
    (sc.Conv2d, {"in_shape": (2, 4, 3), "out_channels": 2, "kernel_size": (2, 3),
                 "padding": 1, "padding_mode": "reflect"}),
    (sc.Conv2d, {"in_shape": (4, 3, 3), "out_channels": 2, "kernel_size": 2, "groups": 2,
                 "stride": 2, "padding": "full"}),
    (sc.Conv1d, {"in_shape": (1, 5), "out_channels": 2, "kernel_size": 3, "padding": 2,
                 "padding_mode": "circular", "dilation": 2}),
    (sc.Conv1d, {"in_shape": (2, 6), "out_channels": 1, "kernel_size": 4, "padding": "same",
                 "padding_mode": "replicate", "flip": True}),
    (sc.Conv3d, {"in_shape": (1, 3, 2, 3), "out_channels": 2, "kernel_size": 2,
                 "padding": (1, 0, 1)}),
]
TRANSPOSED_SYMBOLIC_CASES = [
    {"in_shape": (2, 2, 3), "out_channels": 2, "kernel_size": 3, "stride": 2, "padding": 1,
     "output_padding": 1, "groups": 2, "dilation": 1},
    {"in_shape": (1, 3), "out_channels": 2, "kernel_size": 2, "stride": 3, "padding": 0,
     "output_padding": 2, "groups": 1, "dilation": 1},
]


def substituted(layer: sc.Layer, weight: Any, bias: Any, x: np.ndarray) -> np.ndarray:
    """The symbolic forward pass with numbers put in for every symbol via ``xreplace``.

    Checks on the way that it equals the substituted ``matrix()`` times ``x`` plus the
    bias broadcast over the output.
    """
    values = dict(zip(layer.input_symbols, x.ravel().tolist(), strict=True))
    if weight is not None:
        symbols = np.array(layer.weight.tolist(), dtype=object).ravel()
        values.update({s: v for s, v in zip(symbols, weight.ravel().tolist(), strict=True)
                       if s != 0})
    if bias is not None:
        symbols = np.array(layer.bias.tolist(), dtype=object).ravel()
        values.update(zip(symbols, bias.ravel().tolist(), strict=True))
    matrix = np.array(layer.matrix().xreplace(values).tolist(), dtype=float)
    out = layer.forward().xreplace(values)
    assert len(out.free_symbols) == 0
    y = np.array(out.tolist(), dtype=float).reshape(layer.out_shape)
    broadcast = 0.0  # PyTorch's rule: the bias's trailing axes stretch over the output
    if bias is not None:
        trailing = (1,) * (len(layer.out_shape) - bias.ndim)
        broadcast = np.broadcast_to(bias.reshape(bias.shape + trailing), layer.out_shape)
    np.testing.assert_allclose((matrix @ x.ravel()).reshape(layer.out_shape) + broadcast, y)
    return y


@pytest.mark.parametrize(("layer_class", "kwargs"), SYMBOLIC_CASES)
@fewer_examples(5)
@given(seed=seeds)
def test_symbolic_conv_with_numbers_matches_torch(
    layer_class: type[sc.Layer], kwargs: dict[str, Any], seed: int
) -> None:
    full = {"stride": 1, "dilation": 1, "groups": 1, **kwargs}
    layer = layer_class(**full)
    weight, bias, x = random_arrays(layer, seed)
    assert_matches(layer, torch_conv(full, weight, bias, x), substituted(layer, weight, bias, x))


@pytest.mark.parametrize("kwargs", TRANSPOSED_SYMBOLIC_CASES)
@fewer_examples(5)
@given(seed=seeds)
def test_symbolic_transposed_with_numbers_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    dims = len(kwargs["in_shape"]) - 1
    layer = TRANSPOSED[dims](**kwargs)
    weight, bias, x = random_arrays(layer, seed)
    function = F.conv_transpose2d if dims == 2 else F.conv_transpose1d
    y = function(tensor(x)[None], tensor(weight), tensor(bias), stride=kwargs["stride"],
                 padding=kwargs["padding"], output_padding=kwargs["output_padding"],
                 groups=kwargs["groups"])[0]
    assert_matches(layer, y, substituted(layer, weight, bias, x))


@fewer_examples(5)
@given(seed=seeds)
def test_symbolic_dense_and_local_with_numbers_match_oracles(seed: int) -> None:
    dense = sc.Dense((2, 3), 4)
    weight, bias, x = random_arrays(dense, seed)
    expected = F.linear(tensor(x).flatten(), tensor(weight), tensor(bias))
    assert_matches(dense, expected, substituted(dense, weight, bias, x))
    kwargs = {"in_shape": (2, 4, 3), "out_channels": 2, "kernel_size": 2, "stride": (2, 1),
              "padding": "full", "dilation": 1}
    local = sc.LocallyConnected2d(**kwargs)
    weight, bias, x = random_arrays(local, seed)
    assert_matches(local, local_2d_reference(kwargs, weight, bias, x),
                   substituted(local, weight, bias, x))


def test_forward_with_numbers_equals_numeric_matrix() -> None:
    layer = sc.Conv2d((2, 3, 3), 2, 2, padding=1, padding_mode="circular")
    weight, bias, x = random_arrays(layer, 0)
    symbols = [*np.array(layer.weight.tolist(), dtype=object).ravel(),
               *np.array(layer.bias.tolist(), dtype=object).ravel()]
    values = dict(zip(symbols, [*weight.ravel(), *bias.ravel()], strict=True))
    y = layer.forward(x.tolist()).xreplace(values)
    assert isinstance(y, sympy.Matrix)
    np.testing.assert_allclose(np.array(y.tolist(), dtype=float).ravel(),
                               apply_numeric(layer, weight, bias, x).ravel())
