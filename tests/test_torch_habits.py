"""PyTorch's habits: positional order, ``Linear``, calling a layer, tensors, default keywords.

Positional arguments are checked against PyTorch itself: the same positional
call builds the PyTorch module and the symconv layer (after ``in_shape``), and
the two must agree on the output shape and the Jacobian.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import symconv as sc

torch = pytest.importorskip("torch")
nn = torch.nn

# (symconv class, torch class, in_shape, positional arguments as PyTorch takes them after
# the channels; for pooling the arguments start with kernel_size)
POSITIONAL = [
    (sc.Conv1d, nn.Conv1d, (2, 9), (4, 3, 2, 1, 2, 2, False, "reflect")),
    (sc.Conv2d, nn.Conv2d, (1, 4, 4), (1, 2, 2)),
    (sc.Conv2d, nn.Conv2d, (2, 7, 6), (2, 3, (2, 1), 1, (1, 2), 2, True, "circular")),
    (sc.Conv3d, nn.Conv3d, (1, 4, 4, 4), (2, 2, 2, 1)),
    (sc.ConvTranspose1d, nn.ConvTranspose1d, (2, 4), (2, 3, 2, 1, 1, 2, False, 1)),
    (sc.ConvTranspose2d, nn.ConvTranspose2d, (1, 3, 3), (1, 2, 2, 0, 1, 1, True, 2)),
    (sc.ConvTranspose3d, nn.ConvTranspose3d, (1, 2, 2, 2), (1, 2, 1, 0)),
    (sc.AvgPool1d, nn.AvgPool1d, (2, 9), (3, 2, 1, True, False)),
    (sc.AvgPool2d, nn.AvgPool2d, (1, 5, 5), (2, 1, 1, False, False, None)),
    (sc.MaxPool1d, nn.MaxPool1d, (1, 9), (3, 2, 1, 2, False, True)),
    (sc.MaxPool2d, nn.MaxPool2d, (1, 6, 6), (2, 2, 0, 1, False, True)),
]


def torch_module(torch_cls: Any, in_shape: tuple[int, ...], args: tuple[Any, ...]) -> Any:
    if "Pool" in torch_cls.__name__:
        return torch_cls(*args)
    return torch_cls(in_shape[0], *args)


@pytest.mark.parametrize(("cls", "torch_cls", "in_shape", "args"), POSITIONAL)
def test_positional_arguments_follow_pytorch_s_order(
    cls: Any, torch_cls: Any, in_shape: tuple[int, ...], args: tuple[Any, ...]
) -> None:
    module = torch_module(torch_cls, in_shape, args).double()
    layer = cls(in_shape, *args)
    x = torch.randn(1, *in_shape, dtype=torch.float64)
    expected = module(x)[0]
    assert layer.out_shape == tuple(expected.shape)
    if not layer.linear:
        return
    jacobian = torch.func.jacrev(lambda v: module(v[None])[0])(x[0])
    weight = None if layer.weight_shape is None else module.weight.detach()
    matrix = layer.numeric_matrix(weight)
    np.testing.assert_allclose(matrix.toarray(),
                               jacobian.reshape(layer.n_out, layer.n_in).detach().numpy(),
                               atol=1e-12)


def test_canonical_positional_stride() -> None:
    assert sc.Conv2d((1, 4, 4), 1, 2, 2).out_shape == (1, 2, 2)
    assert sc.LocallyConnected2d((1, 4, 4), 1, 2, 2).out_shape == (1, 2, 2)
    assert sc.Subsample2d((1, 4, 4), 2, 1).out_shape == (1, 3, 3)
    assert sc.Dense(4, 2, False).bias_shape is None


def test_linear_is_dense() -> None:
    assert sc.Linear is sc.Dense
    module = nn.Linear(3, 2).double()
    layer = sc.Linear(3, 2)
    x = torch.randn(3, dtype=torch.float64)
    affine = layer.numeric_matrix(module.weight, module.bias)
    np.testing.assert_allclose(affine @ np.append(x.numpy(), 1.0), module(x).detach().numpy())


def test_a_layer_is_callable() -> None:
    layer = sc.Conv1d((1, 4), 1, 2)
    assert layer([1, 2, 3, 4]) == layer.forward([1, 2, 3, 4])
    assert layer() == layer.forward()
    net = sc.Sequential(layer, sc.ReLU((1, 3)))
    assert net([1, 2, 3, 4]) == net.forward([1, 2, 3, 4])


def test_tensors_that_require_grad_are_accepted() -> None:
    module = nn.Conv2d(2, 3, 2).double()
    assert module.weight.requires_grad
    layer = sc.Conv2d((2, 3, 3), 3, 2)
    x = torch.randn(1, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    affine = layer.numeric_matrix(module.weight, module.bias)
    got = affine @ np.append(x.detach().numpy().ravel(), 1.0)
    np.testing.assert_allclose(got, module(x).detach().numpy().ravel(), rtol=1e-12)
    out = sc.Conv1d((1, 3), 1, 2, bias=False).forward(torch.ones(1, 3, requires_grad=True))
    assert out.shape == (2, 1)
    numbers = sc.Sequential(sc.Conv1d((1, 3), 1, 2)).numeric_matrix(
        [(torch.ones(1, 1, 2, requires_grad=True), torch.zeros(1, requires_grad=True))])
    np.testing.assert_array_equal(numbers.toarray(), [[1, 1, 0, 0], [0, 1, 1, 0]])


def test_a_tensor_numpy_cannot_hold_is_read_exactly_as_float64() -> None:
    weight = torch.tensor([[0.5, -3.0]], dtype=torch.bfloat16)
    matrix = sc.Dense(2, 1, bias=False).numeric_matrix(weight)
    assert matrix.dtype == np.float64
    assert matrix.toarray().tolist() == weight.double().tolist()


@pytest.mark.parametrize(
    ("build", "keywords"),
    [
        (lambda **k: sc.Conv2d((1, 4, 4), 1, 2, **k), {"device": None, "dtype": None}),
        (lambda **k: sc.ConvTranspose1d((1, 4), 1, 2, **k), {"padding_mode": "zeros"}),
        (lambda **k: sc.Dense(3, 2, **k), {"device": None}),
        (lambda **k: sc.ReLU(3, **k), {"inplace": False}),
        (lambda **k: sc.LeakyReLU(3, 0.1, **k), {"inplace": False}),
        (lambda **k: sc.Dropout(3, 0.2, **k), {"inplace": False}),
        (lambda **k: sc.Flatten((1, 2), **k), {"start_dim": 1, "end_dim": -1}),
        (lambda **k: sc.BatchNorm2d((2, 3, 3), **k),
         {"eps": 1e-5, "momentum": 0.1, "affine": True, "track_running_stats": True}),
        (lambda **k: sc.MaxPool2d((1, 4, 4), 2, **k), {"return_indices": False}),
        (lambda **k: sc.AvgPool1d((1, 4), 2, **k), {"divisor_override": None}),
    ],
)
def test_pytorch_keywords_at_their_default_are_accepted(build: Any,
                                                        keywords: dict[str, Any]) -> None:
    assert build(**keywords).n_in == build().n_in
    key, value = next(iter(keywords.items()))
    other = "cuda" if value is None else (not value if isinstance(value, bool) else value * 2)
    with pytest.raises(sc.LayerConfigError, match=f"{key}={other!r} is not supported"):
        build(**{key: other})


def test_unknown_keywords_are_a_symconv_error_naming_them() -> None:
    with pytest.raises(sc.LayerConfigError, match="Conv1d got an unknown keyword strides=2"):
        sc.Conv1d((1, 4), 1, 2, strides=2)
    with pytest.raises(sc.LayerConfigError, match="padding_mode='reflect' is not supported"):
        sc.ConvTranspose2d((1, 2, 2), 1, 2, padding_mode="reflect")
