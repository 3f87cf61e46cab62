"""Classic networks built from symconv layers, full size, counted instantly.

* :func:`lenet5`: LeCun, Bottou, Bengio and Haffner, "Gradient-based learning
  applied to document recognition", Proc. IEEE 86(11), 1998.
* :func:`alexnet`: Krizhevsky, Sutskever and Hinton, "ImageNet classification
  with deep convolutional neural networks", NeurIPS 2012.
* :func:`vgg16`: Simonyan and Zisserman, "Very deep convolutional networks for
  large-scale image recognition", ICLR 2015 (configuration D).

Parameter-free operations that have no symconv layer are left out: AlexNet's
local response normalisation and the dropout of AlexNet and VGG (neither has
parameters, and dropout is the identity at inference).
"""

from __future__ import annotations

from typing import Any

from symconv.conv import Conv2d
from symconv.dense import Dense
from symconv.network import Sequential
from symconv.pooling import Subsample2d
from symconv.structural import Flatten, MaxPool2d, ReLU, Tanh

__all__ = ["LENET5_C3_TABLE", "MODELS", "VGG16_CONFIG", "alexnet", "lenet5", "vgg16"]

_C3_INPUTS = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1), (5, 0, 1, 2),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)
LENET5_C3_TABLE = tuple(tuple(i in inputs for i in range(6)) for inputs in _C3_INPUTS)
"""Table I of LeCun et al. (1998): which S2 maps (columns) feed each C3 map (rows).

C3 maps 1-6 read three contiguous S2 maps, maps 7-12 four contiguous ones,
maps 13-15 four non-contiguous ones and map 16 all six: 60 pairs.
"""


def lenet5() -> Sequential:
    """LeNet-5 on a 32x32 input, as in LeCun et al. (1998): 60,850 parameters.

    C1 to F6 are as published, each followed by the squashing function
    (``Tanh``; the paper scales it, ``1.7159 tanh(2a/3)``, which changes no
    connectivity). C3 uses the paper's partial connection table
    (:data:`LENET5_C3_TABLE`). The paper's output layer of Euclidean RBF units
    is not linear; ``Dense(84, 10)`` stands in for it (850 parameters with
    bias, where the RBF layer has 840 centres), so the total is 60,850
    against the paper's "about 60,000" trainable parameters.

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.lenet5()
    >>> [(layer.num_parameters, layer.num_connections) for layer in net if layer.num_parameters]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(156, 122304), (12, 5880), (1516, 151600), (32, 2000), (48120, 48120), (10164, 10164),
     (850, 850)]
    """
    return Sequential.build(
        (1, 32, 32),
        (Conv2d, 6, 5), Tanh,                                            # C1
        (Subsample2d, 2), Tanh,                                          # S2
        (Conv2d, 16, 5, {"connection_table": LENET5_C3_TABLE}), Tanh,    # C3
        (Subsample2d, 2), Tanh,                                          # S4
        (Conv2d, 120, 5), Tanh,                                          # C5
        (Dense, 84), Tanh,                                               # F6
        (Dense, 10),                                                     # output
    )


def alexnet() -> Sequential:
    """AlexNet as in Krizhevsky et al. (2012), two-group convolutions: 60,965,224 parameters.

    The input is 227x227 (the paper says 224x224, but its first layer's
    stride-4 11x11 kernels give 55x55 maps only from 227). conv2, conv4 and
    conv5 read only the kernel maps on their own GPU (``groups=2``); conv3 and
    the dense layers read both. Response normalisation and dropout are left out
    (no parameters).

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.alexnet()
    >>> net.num_parameters
    60965224
    >>> [net[i].out_shape for i in (0, 3, 6, 8, 10)]
    [(96, 55, 55), (256, 27, 27), (384, 13, 13), (384, 13, 13), (256, 13, 13)]
    """
    return Sequential.build(
        (3, 227, 227),
        (Conv2d, 96, 11, {"stride": 4}), ReLU, (MaxPool2d, 3, {"stride": 2}),
        (Conv2d, 256, 5, {"padding": 2, "groups": 2}), ReLU, (MaxPool2d, 3, {"stride": 2}),
        (Conv2d, 384, 3, {"padding": 1}), ReLU,
        (Conv2d, 384, 3, {"padding": 1, "groups": 2}), ReLU,
        (Conv2d, 256, 3, {"padding": 1, "groups": 2}), ReLU, (MaxPool2d, 3, {"stride": 2}),
        Flatten, (Dense, 4096), ReLU, (Dense, 4096), ReLU, (Dense, 1000),
    )


VGG16_CONFIG = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
                512, 512, 512, "M", 512, 512, 512, "M")
"""VGG configuration D: output channels of each 3x3 convolution, ``"M"`` a 2x2 max pool."""


def vgg16() -> Sequential:
    """VGG-16 (configuration D of Simonyan and Zisserman, 2015) at 224x224: 138,357,544 parameters.

    Thirteen 3x3 convolutions (padding 1) each followed by ``ReLU``, five 2x2
    max pools, then three dense layers; dropout is left out (no parameters).

    Examples
    --------
    >>> import symconv as sc
    >>> net = sc.vgg16()
    >>> net.num_parameters, len(net)
    (138357544, 37)
    """
    steps: list[Any] = []
    for item in VGG16_CONFIG:
        steps += [(MaxPool2d, 2)] if item == "M" else [(Conv2d, item, 3, {"padding": 1}), ReLU]
    steps += [Flatten, (Dense, 4096), ReLU, (Dense, 4096), ReLU, (Dense, 1000)]
    return Sequential.build((3, 224, 224), *steps)


MODELS = {"alexnet": alexnet, "lenet5": lenet5, "vgg16": vgg16}
"""The classic networks by name (``symconv summary lenet5``)."""
