"""Output shapes and padding resolution against PyTorch's shape inference.

PyTorch computes output shapes on "meta" tensors without any arithmetic, so the
shapes of large layers are checked as cheaply as small ones.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from optional import torch
from strategies import conv_kwargs, pool_kwargs, transposed_kwargs

import symconv as sc
from symconv.geometry import resolve_padding

F = torch.nn.functional

CONV = {1: sc.Conv1d, 2: sc.Conv2d, 3: sc.Conv3d}
TRANSPOSED = {1: sc.ConvTranspose1d, 2: sc.ConvTranspose2d, 3: sc.ConvTranspose3d}


def meta(*shape: int) -> Any:
    return torch.empty(*shape, device="meta")


def enlarged(kwargs: dict[str, Any], growth: list[int]) -> dict[str, Any]:
    """The same layer on a larger input (still valid: every constraint is a lower bound)."""
    channels, *spatial = kwargs["in_shape"]
    grown = [n + g for n, g in zip(spatial, growth, strict=False)]
    key = "in_shape" if "in_shape" in kwargs else "in_shape_or_features"
    return {**kwargs, key: (channels, *grown)}


growths = st.lists(st.integers(0, 300), min_size=3, max_size=3)


@pytest.mark.parametrize("dims", [1, 2, 3])
@given(data=st.data(), growth=growths)
def test_conv_out_shape_matches_torch(dims: int, data: st.DataObject, growth: list[int]) -> None:
    kwargs = enlarged(data.draw(conv_kwargs(dims)), growth)
    layer = CONV[dims](**kwargs)
    padding = kwargs["padding"]
    if padding == "full":  # PyTorch has no "full": it pads dilation * (kernel - 1)
        padding = tuple(
            d * (k - 1) for k, d in zip(layer.geometry.kernel, layer.geometry.dilation,
                                        strict=True)
        )
    channels = kwargs["in_shape"][0]
    weight = meta(kwargs["out_channels"], channels // kwargs["groups"], *layer.geometry.kernel)
    function = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[dims]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using padding='same'")
        y = function(meta(1, *kwargs["in_shape"]), weight, stride=kwargs["stride"],
                     padding=padding, dilation=kwargs["dilation"], groups=kwargs["groups"])
    assert layer.out_shape == tuple(y.shape[1:])
    assert layer.n_out == int(np.prod(y.shape))


@pytest.mark.parametrize("dims", [1, 2, 3])
@given(data=st.data(), growth=growths)
def test_transposed_out_shape_matches_torch(
    dims: int, data: st.DataObject, growth: list[int]
) -> None:
    kwargs = enlarged(data.draw(transposed_kwargs(dims)), growth)
    layer = TRANSPOSED[dims](**kwargs)
    weight = meta(kwargs["in_shape"][0], kwargs["out_channels"] // kwargs["groups"],
                  *layer.geometry.kernel)
    function = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[dims]
    y = function(meta(1, *kwargs["in_shape"]), weight, stride=kwargs["stride"],
                 padding=kwargs["padding"], output_padding=kwargs["output_padding"],
                 groups=kwargs["groups"], dilation=kwargs["dilation"])
    assert layer.out_shape == tuple(y.shape[1:])


@pytest.mark.parametrize("dims", [1, 2])
@given(data=st.data(), growth=growths)
def test_avg_pool_out_shape_matches_torch(
    dims: int, data: st.DataObject, growth: list[int]
) -> None:
    kwargs = enlarged(data.draw(pool_kwargs(dims)), growth)
    layer = (sc.AvgPool1d if dims == 1 else sc.AvgPool2d)(**kwargs)
    function = F.avg_pool1d if dims == 1 else F.avg_pool2d
    y = function(meta(1, *kwargs["in_shape"]), kwargs["kernel_size"], stride=kwargs["stride"],
                 padding=kwargs["padding"], ceil_mode=kwargs["ceil_mode"])
    assert layer.out_shape == tuple(y.shape[1:])


@given(
    kernel=st.integers(1, 9), dilation=st.integers(1, 4), size=st.integers(1, 40),
)
def test_same_padding_keeps_the_size_and_puts_the_odd_element_last(
    kernel: int, dilation: int, size: int
) -> None:
    total = dilation * (kernel - 1)
    ((before, after),) = resolve_padding("same", (kernel,), (1,), (dilation,))
    assert before + after == total
    assert after - before == total % 2  # PyTorch's split
    if total < size:  # the input is long enough for every padding mode
        for mode in ("zeros", "circular", "replicate"):
            layer = sc.Conv1d((1, size), 1, kernel, padding="same", dilation=dilation,
                              padding_mode=mode)
            assert layer.out_shape == (1, size)


def test_full_padding_is_dilated_kernel_extent() -> None:
    assert resolve_padding("full", (3, 2), (1, 1), (1, 3)) == ((2, 2), (3, 3))
    layer = sc.Conv2d((1, 4, 5), 1, (3, 2), padding="full", dilation=(1, 3), stride=(1, 2))
    # full output length: n + d*(k-1) at stride 1; stride s keeps every s-th position
    assert layer.out_shape == (1, 4 + 2, (5 + 3 - 1) // 2 + 1)


@pytest.mark.parametrize("value", [np.int64(3), np.int32(3), 3])
def test_numpy_integers_are_accepted(value: Any) -> None:
    layer = sc.Conv2d((1, value, value), value, value, stride=value)
    assert layer.out_shape == (3, 1, 1)

