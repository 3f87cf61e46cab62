"""Converting PyTorch modules: shapes, numbers and errors."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given
from strategies import fewer_examples, rng_from, seeds

import symconv as sc

torch = pytest.importorskip("torch")
nn = torch.nn

LINEAR_MODULES = [
    lambda: nn.Sequential(nn.Conv1d(2, 4, 3, stride=2, padding=1, groups=2),
                          nn.AvgPool1d(2, ceil_mode=True), nn.Identity(),
                          nn.ConvTranspose1d(4, 1, 3, stride=2, output_padding=1),
                          nn.Flatten(), nn.Dropout(), nn.Linear(10, 3)),
    lambda: nn.Sequential(nn.Conv2d(1, 2, 3, padding="same", padding_mode="reflect"),
                          nn.AvgPool2d(2, stride=1, padding=1, count_include_pad=False),
                          nn.Sequential(nn.ConvTranspose2d(2, 3, 2, stride=2, dilation=2),
                                        nn.Conv2d(3, 1, 3, dilation=2, bias=False))),
    lambda: nn.Sequential(nn.Conv3d(1, 2, 2, padding=1, padding_mode="circular"),
                          nn.ConvTranspose3d(2, 1, 2, stride=(1, 2, 1)), nn.Flatten(),
                          nn.Linear(5 * 8 * 5, 2, bias=False)),
]
IN_SHAPES = [(2, 15), (1, 5, 6), (1, 3, 3, 3)]


@pytest.mark.parametrize("case", range(len(LINEAR_MODULES)))
@fewer_examples(10)
@given(seed=seeds)
def test_numeric_matrix_reproduces_the_module(case: int, seed: int) -> None:
    torch.manual_seed(seed % 2**31)
    module = LINEAR_MODULES[case]().double().eval()
    in_shape = IN_SHAPES[case]
    net = sc.from_torch(module, in_shape)
    x = rng_from(seed).standard_normal(in_shape)
    expected = module(torch.from_numpy(x)[None])[0].detach().numpy()
    assert net.out_shape == expected.shape
    affine = net.numeric_matrix()
    np.testing.assert_allclose(affine @ np.append(x.ravel(), 1.0), expected.ravel(),
                               rtol=1e-9, atol=1e-10)


def test_converted_layers_keep_the_module_arguments() -> None:
    module = nn.Sequential(nn.Conv2d(3, 8, (3, 5), stride=(1, 2), padding=(1, 0), dilation=2,
                                     groups=1, bias=False), nn.MaxPool2d(3, 2, 1, ceil_mode=True),
                           nn.Sigmoid(), nn.Flatten(), nn.Linear(8 * 6 * 3, 5))
    net = sc.from_torch(module, (3, 12, 17))
    conv, pool = net[0], net[1]
    assert conv.geometry.kernel == (3, 5) and conv.geometry.stride == (1, 2)
    assert conv.geometry.dilation == (2, 2) and conv.bias_shape is None
    assert pool.geometry.ceil_mode and pool.geometry.padding == (1, 1)
    y = module(torch.zeros(1, 3, 12, 17))
    assert net.out_shape == tuple(y.shape[1:])
    assert net.num_parameters == sum(p.numel() for p in module.parameters())


@fewer_examples(3)
@given(seed=seeds)
def test_non_linear_network_forward_matches_the_module(seed: int) -> None:
    torch.manual_seed(seed % 2**31)
    module = nn.Sequential(nn.Conv1d(1, 2, 3), nn.ReLU(), nn.MaxPool1d(2), nn.Tanh(),
                           nn.Flatten(), nn.Linear(6, 2), nn.Sigmoid()).double()
    net = sc.from_torch(module, (1, 8))
    with pytest.raises(sc.NotLinearError, match="layer 2, ReLU"):
        net.numeric_matrix()
    values: dict[sympy.Symbol, float] = {}
    for layer, numbers in zip(net, net.weights or [], strict=True):
        if numbers is not None:
            values.update(zip(layer._weight_symbols, numbers[0].ravel().tolist(), strict=True))
            values.update(zip(layer._bias_symbols, numbers[1].ravel().tolist(), strict=True))
    x = rng_from(seed).standard_normal((1, 8))
    expected = module(torch.from_numpy(x)[None])[0].detach().numpy()
    got = np.array(net.forward(x.ravel().tolist()).xreplace(values).tolist(), dtype=float)
    np.testing.assert_allclose(got.ravel(), expected, rtol=1e-9)


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Identity(), nn.LSTM(2, 2)),
         r"node '_3' \(call_module 3\): LSTM is not supported; supported: Conv1d, Conv2d"),
        (nn.Sequential(nn.Flatten(), nn.Sequential(nn.ReLU(), nn.Softmax(dim=1))),
         r"node '_1_1' \(call_module 1.1\): Softmax is not supported: softmax couples"),
        (nn.Sequential(nn.Flatten(start_dim=2)), "Flatten '0' .*start_dim=2"),
        (nn.Sequential(nn.MaxPool2d(2, return_indices=True)), "return_indices=True"),
        (nn.Sequential(nn.AvgPool2d(2, divisor_override=3)), "divisor_override"),
        (nn.Sequential(nn.BatchNorm2d(1, track_running_stats=False)), "track_running_stats"),
        (nn.Sequential(), "holds no layers"),
    ],
)
def test_unsupported_modules_are_named(module: nn.Module, message: str) -> None:
    with pytest.raises(sc.UnsupportedModuleError, match=message):
        sc.from_torch(module, (1, 4, 4))


def test_subclasses_are_not_taken_for_the_module_they_extend() -> None:
    class Custom(nn.Conv2d):
        pass

    with pytest.raises(sc.UnsupportedModuleError, match="Custom subclasses a supported"):
        sc.from_torch(Custom(1, 1, 3), (1, 4, 4))


def test_shape_errors_name_the_module() -> None:
    with pytest.raises(sc.LayerConfigError, match=r"Conv2d '1' \(input \(2, 2, 2\)\)"):
        sc.from_torch(nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(2, 2, 3)), (1, 4, 4))
    with pytest.raises(sc.ShapeMismatchError, match="Linear reads 5 features; its input has 8"):
        sc.from_torch(nn.Sequential(nn.Flatten(), nn.Linear(5, 2)), (2, 4))
    single = sc.from_torch(nn.Conv1d(1, 1, 2), (1, 3))
    assert len(single) == 1 and single.weights is not None


def test_channels_are_checked_at_conversion() -> None:
    with pytest.raises(sc.ShapeMismatchError, match=r"Conv2d expects 3 input channels; its "
                       r"input \(1, 4, 4\) has 1"):
        sc.from_torch(nn.Sequential(nn.Conv2d(3, 1, 2)), (1, 4, 4))
    with pytest.raises(sc.ShapeMismatchError, match="BatchNorm2d expects 4 input channels"):
        sc.from_torch(nn.Sequential(nn.Conv2d(1, 2, 2), nn.BatchNorm2d(4)), (1, 4, 4))
    with pytest.raises(sc.ShapeMismatchError, match="ConvTranspose1d expects 2 input"):
        sc.from_torch(nn.ConvTranspose1d(2, 1, 2), (3, 4))


def test_missing_torch_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_torch(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(ImportError, match="from_torch needs PyTorch"):
        sc.from_torch(object(), (1, 4))
