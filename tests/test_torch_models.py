"""Models as people write them in PyTorch, converted and checked against ``torch.func``.

Linear models (batch normalisation, adaptive pooling, residual sums) are compared
with their exact Jacobian (``torch.func.jacrev``) and their output in eval mode;
non-linear ones (the MNIST example) through the Jacobians of their linear parts
and their receptive fields (the nonzero pattern of the whole Jacobian at a
random point).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from strategies import fewer_examples, rng_from, seeds

import symconv as sc

torch = pytest.importorskip("torch")
nn = torch.nn
F = nn.functional


def jacobian(module: Any, in_shape: tuple[int, ...], x: np.ndarray | None = None) -> np.ndarray:
    """The module's Jacobian ``(n_out, n_in)`` at ``x`` (default 0), one sample, float64."""
    point = torch.zeros(in_shape, dtype=torch.float64) if x is None else torch.from_numpy(x)
    jac = torch.func.jacrev(lambda v: module(v[None])[0])(point)
    n_in = int(np.prod(in_shape))
    return jac.reshape(-1, n_in).detach().numpy()


def randomise_batch_norm(module: Any, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, nn.BatchNorm1d | nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=generator))
            m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            with torch.no_grad():
                m.weight.copy_(torch.randn(m.num_features, generator=generator))
                m.bias.copy_(torch.randn(m.num_features, generator=generator))


def check_linear(module: Any, in_shape: tuple[int, ...], seed: int) -> sc.Sequential:
    """The converted network's affine matrix equals the module's Jacobian and output."""
    module = module.double().eval()
    net = sc.from_torch(module, in_shape)
    affine = net.numeric_matrix()
    matrix = affine[:, :-1] if affine.shape[1] == net.n_in + 1 else affine
    np.testing.assert_allclose(matrix.toarray(), jacobian(module, in_shape), atol=1e-10)
    x = rng_from(seed).standard_normal(in_shape)
    expected = module(torch.from_numpy(x)[None])[0].detach().numpy().ravel()
    got = affine @ (np.append(x.ravel(), 1.0) if affine.shape[1] == net.n_in + 1 else x.ravel())
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-10)
    return net


class SmallVGG(nn.Module):
    """VGG's pattern (torchvision): features, adaptive pooling, classifier with dropout."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.AvgPool2d(2),
            nn.Conv2d(4, 3, 3, padding=1, bias=False), nn.BatchNorm2d(3),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((3, 2))
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(3 * 3 * 2, 5),
                                        nn.BatchNorm1d(5), nn.Linear(5, 3))

    def forward(self, x: Any) -> Any:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


@fewer_examples(5)
@given(seed=seeds)
def test_vgg_style_network_with_batch_norm_and_adaptive_pooling(seed: int) -> None:
    torch.manual_seed(seed % 2**31)
    module = SmallVGG()
    randomise_batch_norm(module, seed % 2**31)
    net = check_linear(module, (2, 10, 7), seed)
    assert [layer.name for layer in net] == [
        "features.0", "features.1", "features.2", "features.3", "features.4", "avgpool",
        "flatten", "classifier.0", "classifier.1", "classifier.2", "classifier.3",
    ]
    assert isinstance(net[5], sc.AdaptiveAvgPool2d) and isinstance(net[7], sc.Dropout)


@pytest.mark.parametrize(("length", "size"), [(5, 3), (7, 4), (10, 3), (4, 4), (3, 5)])
def test_adaptive_pool_windows_are_pytorch_s(length: int, size: int) -> None:
    layer = sc.AdaptiveAvgPool1d((2, length), size)
    expected = jacobian(nn.AdaptiveAvgPool1d(size), (2, length))
    np.testing.assert_allclose(np.array(layer.matrix(), dtype=float), expected, atol=1e-15)
    pool2d = sc.AdaptiveAvgPool2d((1, length, size + 1), (size, None))
    np.testing.assert_allclose(pool2d.numeric_matrix().toarray(),
                               jacobian(nn.AdaptiveAvgPool2d((size, None)),
                                        (1, length, size + 1)), atol=1e-15)


class Block(nn.Module):
    """A ResNet basic block (linear version: no ReLU), optionally with a projection."""

    def __init__(self, channels: int, out: int, project: bool) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, out, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out)
        self.conv2 = nn.Conv2d(out, out, 3, padding=1, bias=False)
        self.shortcut = (nn.Sequential(nn.Conv2d(channels, out, 1, bias=False),
                                       nn.BatchNorm2d(out)) if project else nn.Identity())

    def forward(self, x: Any) -> Any:
        out = self.conv2(self.bn1(self.conv1(x)))
        out += self.shortcut(x)
        return out


@pytest.mark.parametrize("project", [False, True])
@fewer_examples(5)
@given(seed=seeds)
def test_residual_block_matrix_is_identity_or_projection_plus_branch(
    project: bool, seed: int
) -> None:
    torch.manual_seed(seed % 2**31)
    module = Block(2, 3 if project else 2, project)
    randomise_batch_norm(module, seed % 2**31)
    net = check_linear(module, (2, 4, 3), seed)
    (block,) = net.layers
    assert isinstance(block, sc.Residual)
    assert [layer.name for layer in block.branch] == ["conv1", "bn1", "conv2"]
    shortcut = [] if block.shortcut is None else [layer.name for layer in block.shortcut]
    assert shortcut == (["shortcut.0", "shortcut.1"] if project else ["shortcut"])


def test_identity_residual_symbolic_matrix_is_i_plus_m() -> None:
    class Skip(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv1d(1, 1, 3, padding=1, bias=False)

        def forward(self, x: Any) -> Any:
            return x + self.conv(x)

    net = sc.from_torch(Skip(), (1, 4))
    conv = sc.Conv1d((1, 4), 1, 3, padding=1, bias=False)._with_names("w^{(1.1)}", "b")
    assert net.matrix() == conv.matrix() + sc.Identity((1, 4)).matrix()


class Reused(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(1, 1, 2)
        self.act = nn.ReLU()

    def forward(self, x: Any) -> Any:
        return self.act(self.conv(self.act(self.conv(x))))


def test_modules_reused_twice_become_two_layers() -> None:
    conv = nn.Conv1d(1, 1, 2)
    net = check_linear(nn.Sequential(conv, conv), (1, 5), 0)  # registered once, called twice
    assert [layer.name for layer in net] == ["0", "0"]
    reused = sc.from_torch(Reused().double(), (1, 5))
    assert [layer.name for layer in reused] == ["conv", "act", "conv", "act"]
    assert [layer.out_shape for layer in reused] == [(1, 4), (1, 4), (1, 3), (1, 3)]
    values: dict[Any, float] = {}
    for layer, numbers in zip(reused, reused.weights or [], strict=True):
        if numbers is not None:
            values.update(zip(layer.parameters, [*numbers[0].ravel(), *numbers[1]], strict=True))
    x = np.array([0.3, -1.0, 2.0, 0.5, -0.2])
    expected = Reused().double()
    expected.load_state_dict(dict(reused_state(reused)))
    got = np.array(reused.forward(x).xreplace(values), dtype=float).ravel()
    np.testing.assert_allclose(got, expected(torch.from_numpy(x)[None, None])[0, 0]
                               .detach().numpy(), rtol=1e-12)


def reused_state(net: sc.Sequential) -> dict[str, Any]:
    weight, bias = (net.weights or [])[0]
    return {"conv.weight": torch.from_numpy(weight), "conv.bias": torch.from_numpy(bias)}


class MNISTNet(nn.Module):
    """The network of pytorch/examples' ``mnist/main.py`` (same calls, smaller sizes)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 6, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(6 * 4 * 4, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x: Any) -> Any:
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        return self.fc2(x)


@fewer_examples(5)
@given(seed=seeds)
def test_mnist_example_net(seed: int) -> None:
    torch.manual_seed(seed % 2**31)
    module = MNISTNet().double().eval()
    net = sc.from_torch(module, (1, 12, 12))
    assert [type(layer).__name__ for layer in net] == [
        "Conv2d", "ReLU", "Conv2d", "ReLU", "MaxPool2d", "Dropout", "Flatten", "Dense",
        "ReLU", "Dropout", "Dense",
    ]
    assert net.num_parameters == sum(p.numel() for p in module.parameters())
    for start, stop, part in [(0, 1, module.conv1), (2, 3, module.conv2), (10, 11, module.fc2)]:
        linear = net[start:stop]
        in_shape = linear.in_shape
        np.testing.assert_allclose(
            linear.numeric_matrix().toarray()[:, :-1], jacobian(part, in_shape), atol=1e-12
        )
    # receptive fields: the Jacobian's nonzero pattern at a point where every ReLU is active
    # (weights and input chosen positive), unit by unit
    with torch.no_grad():
        for p in module.parameters():
            p.abs_()
    x = rng_from(seed).uniform(0.1, 1.0, size=(1, 12, 12))
    features = nn.Sequential(module.conv1, nn.ReLU(), module.conv2, nn.ReLU(),
                             nn.MaxPool2d(2))
    pattern = jacobian(features, (1, 12, 12), x) != 0
    converted = net[:5]
    for unit in range(0, converted.n_out, 7):
        assert set(converted.receptive_field(unit)) >= set(np.flatnonzero(pattern[unit]))
        assert len(converted.receptive_field(unit)) == 36  # a 2x2 pool of 5x5 fields: 6x6
    dense_unit = net.receptive_field(3)
    assert dense_unit == tuple(range(144))


def test_functional_calls_and_tensor_methods() -> None:
    class Functional(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv1d(1, 2, 2)

        def forward(self, x: Any) -> Any:
            x = F.leaky_relu(self.conv(x), 0.2)
            x = F.avg_pool1d(x, 2)
            x = F.gelu(x).tanh().sigmoid()
            x = x.view(x.size(0), -1)
            x = F.elu(x, alpha=0.5)
            x = F.silu(x.reshape(-1, 8)).relu()
            return F.dropout(x, training=self.training)

    net = sc.from_torch(Functional().eval(), (1, 9))
    assert [type(layer).__name__ for layer in net] == [
        "Conv1d", "LeakyReLU", "AvgPool1d", "GELU", "Tanh", "Sigmoid", "Flatten", "ELU",
        "SiLU", "ReLU", "Dropout",
    ]
    assert net[1].negative_slope == sympy_rational(1, 5) and net[7].alpha == sympy_rational(1, 2)


def sympy_rational(p: int, q: int) -> Any:
    import sympy

    return sympy.Rational(p, q)


@pytest.mark.parametrize(
    ("forward", "message"),
    [
        (lambda self, x: F.softmax(self.conv(x), dim=1), r"node 'softmax' \(call_function "
                                                          r"softmax\): softmax is not supported"),
        (lambda self, x: self.conv(x) * 2, r"node 'mul' \(call_function mul\)"),
        (lambda self, x: torch.cat([x, self.conv(x)], 1), r"node 'cat' \(call_function cat\)"),
        (lambda self, x: F.conv1d(x, self.conv.weight), r"node 'conv_weight' \(get_attr"),
        (lambda self, x: x + x, "adds a tensor to itself"),
        (lambda self, x: self.conv(x).view(2, -1), "only flattening reshapes"),
        (lambda self, x: F.dropout(self.conv(x)), "training=True is random"),
    ],
)
def test_anything_else_is_refused_naming_the_node(forward: Any, message: str) -> None:
    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv1d(1, 1, 1)

    Model.forward = forward  # type: ignore[method-assign]
    with pytest.raises(sc.UnsupportedModuleError, match=message):
        sc.from_torch(Model(), (1, 4))


def test_untraceable_forward_is_refused() -> None:
    class Branchy(nn.Module):
        def forward(self, x: Any) -> Any:
            return x if x.sum() > 0 else -x

    with pytest.raises(sc.UnsupportedModuleError, match=r"torch\.fx cannot trace Branchy"):
        sc.from_torch(Branchy(), (1, 4))


def test_new_activations_match_torch() -> None:
    x = np.linspace(-3, 3, 13)
    cases = [
        (sc.LeakyReLU(13, 0.1), nn.LeakyReLU(0.1)), (sc.ELU(13, 0.7), nn.ELU(0.7)),
        (sc.GELU(13), nn.GELU()), (sc.GELU(13, approximate="tanh"), nn.GELU("tanh")),
        (sc.SiLU(13), nn.SiLU()),
    ]
    for layer, module in cases:
        got = np.array(layer.forward(x).evalf(30), dtype=float).ravel()
        np.testing.assert_allclose(got, module(torch.from_numpy(x)).numpy(), rtol=1e-12,
                                   atol=1e-15)
        assert layer.receptive_field(5) == (5,)
        with pytest.raises(sc.NotLinearError):
            layer.matrix()


class BasicBlock(nn.Module):
    """torchvision's ResNet BasicBlock, with a stride-2 projection shortcut."""

    def __init__(self, channels: int, out: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, out, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out, out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.downsample = nn.Sequential(nn.Conv2d(channels, out, 1, stride=2, bias=False),
                                        nn.BatchNorm2d(out))

    def forward(self, x: Any) -> Any:
        identity = self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


def test_resnet_block_receptive_fields_are_the_jacobian_s_pattern() -> None:
    torch.manual_seed(0)
    module = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), BasicBlock(2, 3)).double().eval()
    with torch.no_grad():  # positive weights and input keep every ReLU active
        for p in module.parameters():
            p.abs_()
    net = sc.from_torch(module, (1, 8, 8))
    assert [type(layer).__name__ for layer in net] == ["Conv2d", "Residual", "ReLU"]
    block = net[1]
    assert [layer.name for layer in block.branch] == ["1.conv1", "1.bn1", "1.relu", "1.conv2",
                                                       "1.bn2"]
    assert [layer.name for layer in block.shortcut or []] == ["1.downsample.0",
                                                             "1.downsample.1"]
    assert net.num_parameters == sum(p.numel() for p in module.parameters())
    x = rng_from(1).uniform(0.1, 1.0, size=(1, 8, 8))
    pattern = jacobian(module, (1, 8, 8), x) != 0
    for unit in range(net.n_out):
        assert net.receptive_field(unit) == tuple(np.flatnonzero(pattern[unit]).tolist())
    assert len(net.summary().rows) == 3
