"""LeNet-5, AlexNet and VGG-16: published figures and PyTorch-built equivalents."""

from __future__ import annotations

import time

from optional import torch
from published import LENET5_TABLE_I

import symconv as sc

nn = torch.nn


def torch_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())




def test_lenet5_counts_are_the_papers() -> None:
    net = sc.lenet5()
    trainable = [layer for layer in net if layer.num_parameters]
    # LeCun et al. (1998), section II-B
    assert [(layer.num_parameters, layer.num_connections) for layer in trainable[:6]] == [
        (156, 122_304), (12, 5_880), (1_516, 151_600), (32, 2_000), (48_120, 48_120),
        (10_164, 10_164),
    ]
    # the paper's map sizes: C1 28x28, S2 14x14, C3 10x10, S4 5x5, C5 1x1, F6 84
    assert [layer.out_shape for layer in trainable] == [
        (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120, 1, 1), (84,), (10,)]
    # the RBF output layer is replaced by Dense(84, 10): 840 weights + 10 biases
    assert trainable[-1].num_parameters == 850
    assert net.num_parameters == 60_850  # "about 60,000 trainable parameters"


def test_lenet5_c3_follows_table_i() -> None:
    table = [[mark == "X" for mark in row] for row in LENET5_TABLE_I]
    assert [list(column) for column in zip(*table, strict=True)] == [
        list(row) for row in sc.models.LENET5_C3_TABLE]
    c3 = sc.lenet5()[4]
    assert sum(map(sum, table)) == 60
    assert c3.num_weight_parameters == 60 * 25


def test_lenet5_parameters_match_a_torch_build() -> None:
    c3 = nn.Conv2d(6, 16, 5)  # a full C3; remove the weights Table I leaves out
    unused = sum(not mark for row in sc.models.LENET5_C3_TABLE for mark in row) * 25
    module = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Tanh(), nn.Conv2d(6, 6, 1, groups=6), nn.Tanh(), c3, nn.Tanh(),
        nn.Conv2d(16, 16, 1, groups=16), nn.Tanh(), nn.Conv2d(16, 120, 5), nn.Tanh(),
        nn.Flatten(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))
    assert sc.lenet5().num_parameters == torch_parameters(module) - unused


def alexnet_torch() -> nn.Sequential:
    """Krizhevsky et al. (2012) with its two-group convolutions, built on the meta device."""
    with torch.device("meta"):
        return nn.Sequential(
            nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, stride=2),
            nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(), nn.MaxPool2d(3, stride=2),
            nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, stride=2),
            nn.Flatten(), nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(),
            nn.Linear(4096, 1000))


def test_alexnet_matches_the_paper_and_torch() -> None:
    net = sc.alexnet()
    module = alexnet_torch()
    assert net.num_parameters == torch_parameters(module) == 60_965_224  # "60 million"
    # the paper: "the number of neurons in the network's remaining layers is given by
    # 253,440-186,624-64,896-64,896-43,264-4096-4096-1000" (the first figure is known
    # not to match 96 x 55 x 55 = 290,400; the others do)
    convolutions = [layer for layer in net if isinstance(layer, sc.Conv2d)]
    assert [layer.n_out for layer in convolutions[1:]] == [186_624, 64_896, 64_896, 43_264]
    assert [layer.n_out for layer in net if isinstance(layer, sc.Dense)] == [4096, 4096, 1000]
    y = module(torch.empty(1, 3, 227, 227, device="meta"))
    assert tuple(y.shape[1:]) == net.out_shape


def vgg16_torch() -> nn.Sequential:
    layers: list[nn.Module] = []
    channels = 3
    for item in sc.models.VGG16_CONFIG:
        if item == "M":
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(channels, int(item), 3, padding=1), nn.ReLU()]
            channels = int(item)
    layers += [nn.Flatten(), nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Linear(4096, 4096),
               nn.ReLU(), nn.Linear(4096, 1000)]
    with torch.device("meta"):
        return nn.Sequential(*layers)


def test_vgg16_matches_the_reference_count_and_torch() -> None:
    start = time.perf_counter()
    net = sc.vgg16()
    total = net.num_parameters
    assert time.perf_counter() - start < 0.5
    module = vgg16_torch()
    assert total == torch_parameters(module) == 138_357_544  # torchvision's vgg16
    converted = sc.from_torch(module, (3, 224, 224))
    assert [layer.out_shape for layer in converted] == [layer.out_shape for layer in net]
    assert converted.summary() == net.summary()
