"""Average pooling and LeNet-5's subsampling against ``torch.nn.functional.avg_pool*d``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import example, given
from strategies import fewer_examples, pool_kwargs, rng_from, seeds, subsample_kwargs

import symconv as sc

torch = pytest.importorskip("torch")
F = torch.nn.functional


def torch_avg_pool(kwargs: dict[str, Any], x: np.ndarray) -> np.ndarray:
    dims = len(kwargs["in_shape"]) - 1
    function = F.avg_pool1d if dims == 1 else F.avg_pool2d
    y = function(
        torch.from_numpy(x)[None], kwargs["kernel_size"], stride=kwargs["stride"],
        padding=kwargs["padding"], ceil_mode=kwargs["ceil_mode"],
        count_include_pad=kwargs["count_include_pad"],
    )
    return y[0].numpy()


def check_pool(layer_class: type[sc.Layer], kwargs: dict[str, Any], seed: int) -> None:
    layer = layer_class(**kwargs)
    x = rng_from(seed).standard_normal(layer.in_shape)
    expected = torch_avg_pool(kwargs, x)
    assert layer.out_shape == expected.shape
    assert layer.num_parameters == 0
    y = layer.numeric_matrix() @ x.ravel()
    np.testing.assert_allclose(y.reshape(layer.out_shape), expected, rtol=1e-10, atol=1e-12)


@given(kwargs=pool_kwargs(1), seed=seeds)
def test_avg_pool1d_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    check_pool(sc.AvgPool1d, kwargs, seed)


@given(kwargs=pool_kwargs(2), seed=seeds)
@example(  # ceil_mode lets a window longer than the padded input hang over its end
    kwargs={"in_shape": (1, 1, 3), "kernel_size": 2, "stride": None, "padding": 0,
            "ceil_mode": True, "count_include_pad": True},
    seed=0,
)
def test_avg_pool2d_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    check_pool(sc.AvgPool2d, kwargs, seed)


@fewer_examples(20)
@given(kwargs=pool_kwargs(2), seed=seeds)
def test_symbolic_avg_pool_is_exact_and_matches_torch(kwargs: dict[str, Any], seed: int) -> None:
    layer = sc.AvgPool2d(**kwargs)
    matrix = layer.matrix()
    assert all(isinstance(v, sympy.Rational) for v in matrix.values())
    x = rng_from(seed).standard_normal(layer.in_shape)
    y = np.array(matrix.tolist(), dtype=float) @ x.ravel()
    np.testing.assert_allclose(y.reshape(layer.out_shape), torch_avg_pool(kwargs, x),
                               rtol=1e-10, atol=1e-12)


def subsample_reference(
    kwargs: dict[str, Any], coefficient: np.ndarray, bias: Any, x: np.ndarray
) -> np.ndarray:
    """LeNet-5's S-layer: window average times window area = window sum, scaled per channel."""
    kernel = kwargs["kernel_size"]
    area = kernel * kernel if isinstance(kernel, int) else kernel[0] * kernel[1]
    y = F.avg_pool2d(torch.from_numpy(x)[None], kernel, stride=kwargs["stride"])[0].numpy()
    y = y * area * coefficient[:, None, None]
    return y if bias is None else y + bias[:, None, None]


@given(kwargs=subsample_kwargs(), seed=seeds)
def test_subsample2d_matches_scaled_avg_pool(kwargs: dict[str, Any], seed: int) -> None:
    layer = sc.Subsample2d(**kwargs)
    rng = rng_from(seed)
    channels = layer.in_shape[0]
    coefficient = rng.standard_normal(channels)
    bias = rng.standard_normal(channels) if kwargs["bias"] else None
    x = rng.standard_normal(layer.in_shape)
    expected = subsample_reference(kwargs, coefficient, bias, x)
    assert layer.out_shape == expected.shape
    assert layer.num_parameters == channels * (2 if kwargs["bias"] else 1)
    flat = x.ravel() if bias is None else np.append(x.ravel(), 1.0)
    y = layer.numeric_matrix(coefficient, bias) @ flat
    np.testing.assert_allclose(y.reshape(layer.out_shape), expected, rtol=1e-10, atol=1e-12)


@fewer_examples(5)
@given(seed=seeds)
def test_symbolic_subsample_with_numbers_matches_scaled_avg_pool(seed: int) -> None:
    kwargs = {"in_shape": (2, 4, 5), "kernel_size": 2, "stride": None, "bias": True}
    layer = sc.Subsample2d(**kwargs)
    rng = rng_from(seed)
    coefficient, bias = rng.standard_normal(2), rng.standard_normal(2)
    x = rng.standard_normal(layer.in_shape)
    values = dict(zip(layer.parameters, [*coefficient, *bias], strict=True))
    values.update(zip(layer.input_symbols, x.ravel(), strict=True))
    y = np.array(layer.forward().xreplace(values).tolist(), dtype=float)
    np.testing.assert_allclose(y.reshape(layer.out_shape),
                               subsample_reference(kwargs, coefficient, bias, x))
