"""Bad input raises a ``ValueError`` subclass naming the bad value, before any heavy work."""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import symconv as sc

# (what to call, a piece of the message that names the bad value)
CONFIG_ERRORS: list[tuple[Callable[[], Any], str]] = [
    (lambda: sc.Conv2d((1, 4, 4), 1, 5), "kernel_size=5"),
    (lambda: sc.Conv1d((1, 4), 1, 3, dilation=2), "dilation=2"),
    (lambda: sc.LocallyConnected2d((1, 3, 3), 1, 4), "kernel_size=4"),
    (lambda: sc.AvgPool1d((1, 2), 3), "kernel_size=3"),
    (lambda: sc.Conv2d((1, 4, 4), 1, 2, stride=0), "stride=0"),
    (lambda: sc.Conv2d((1, 4, 4), 1, 2, stride=(1, -2)), "stride=(1, -2)"),
    (lambda: sc.Conv1d((1, 4), 1, 2, dilation=0), "dilation=0"),
    (lambda: sc.ConvTranspose2d((1, 4, 4), 1, 2, dilation=-1), "dilation=-1"),
    (lambda: sc.Conv2d((1, 4, 4), 0, 2), "out_channels=0"),
    (lambda: sc.Conv2d((1, 4, 4), 1, 0), "kernel_size=0"),
    (lambda: sc.Conv2d((1, 0, 4), 1, 1), "in_shape=(1, 0, 4)"),
    (lambda: sc.Conv1d((-1, 4), 1, 1), "in_shape=(-1, 4)"),
    (lambda: sc.Conv2d((1, 4, 4), 1, 2, padding=-1), "padding=-1"),
    (lambda: sc.ConvTranspose1d((1, 4), 1, 2, padding=-1), "padding=-1"),
    (lambda: sc.AvgPool2d((1, 4, 4), 2, padding=(0, -1)), "padding=(0, -1)"),
    (lambda: sc.Conv2d((2, 4, 4), 3, 1, groups=2), "groups=2"),
    (lambda: sc.Conv2d((3, 4, 4), 2, 1, groups=2), "groups=2"),
    (lambda: sc.ConvTranspose1d((4, 4), 6, 1, groups=4), "groups=4"),
    (lambda: sc.Conv2d((1, 4, 4), 1, 2.5), "kernel_size=2.5"),
    (lambda: sc.Conv2d((1, 4, 4), "3", 2), "out_channels='3'"),
    (lambda: sc.Conv2d((1, 4, 4), 1, True), "kernel_size=True"),
    (lambda: sc.Conv2d((1, 4, 4), 1, 2, stride=1.0), "stride=1.0"),
    (lambda: sc.Conv2d((1, 4.5, 4), 1, 2), "in_shape=(1, 4.5, 4)"),
    (lambda: sc.Conv1d((1, True), 1, 1), "in_shape=(1, True)"),
    (lambda: sc.Dense(2.5, 3), "in_shape=2.5"),
    (lambda: sc.Dense("3", 3), "in_shape='3'"),
    (lambda: sc.Dense(3, True), "out_features=True"),
    (lambda: sc.Conv2d((4, 4), 1, 2), "in_shape=(4, 4)"),
    (lambda: sc.Conv1d((1, 4, 4), 1, 2), "in_shape=(1, 4, 4)"),
    (lambda: sc.Conv3d((1, 4, 4), 1, 2), "in_shape=(1, 4, 4)"),
    (lambda: sc.AvgPool2d(16, 2), "in_shape=16"),
    (lambda: sc.Subsample2d((1, 4), 2), "in_shape=(1, 4)"),
    (lambda: sc.Conv2d((1, 4, 4), 1, (2, 2, 2)), "kernel_size=(2, 2, 2)"),
    (lambda: sc.Conv2d((1, 4, 4), 1, 2, padding_mode="mirror"), "padding_mode='mirror'"),
    (lambda: sc.AvgPool2d((1, 4, 4), 2, ceil_mode="x"), "ceil_mode='x'"),
    (lambda: sc.AvgPool1d((1, 4), 2, count_include_pad=None), "count_include_pad=None"),
    (lambda: sc.MaxPool2d((1, 4, 4), 2, ceil_mode=1), "ceil_mode=1"),
    (lambda: sc.Conv1d((1, 4), 1, 2, bias="no"), "bias='no'"),
    (lambda: sc.Conv1d((1, 4), 1, 2, flip=0), "flip=0"),
    (lambda: sc.Dense(4, 2, bias=None), "bias=None"),
    (lambda: sc.Conv2d((1, 4, 4), 1, 2, weight_name=1), "weight_name=1"),
    (lambda: sc.Dense(4, 2, bias_name=""), "bias_name=''"),
    (lambda: sc.Conv2d((1, 4, 4), 1, 2, padding="SAME"), "padding='SAME'"),
    (lambda: sc.ConvTranspose2d((1, 4, 4), 1, 2, padding="same"), "padding='same'"),
    (lambda: sc.Conv2d((1, 8, 8), 1, 3, stride=2, padding="same"), "padding='same'"),
    (lambda: sc.LocallyConnected1d((1, 8), 1, 3, stride=2, padding="same"), "padding='same'"),
    (lambda: sc.Conv1d((1, 4), 1, 3, padding=4, padding_mode="reflect"), "reflect padding (4)"),
    (lambda: sc.Conv2d((1, 5, 3), 1, 3, padding=(1, 3), padding_mode="reflect"),
     "reflect padding (3)"),
    (lambda: sc.Conv1d((1, 2), 1, 3, padding=3, padding_mode="circular"),
     "circular padding (3)"),
    (lambda: sc.ConvTranspose1d((1, 4), 1, 3, stride=2, output_padding=2), "output_padding=2"),
    (lambda: sc.ConvTranspose2d((1, 4, 4), 1, 3, dilation=(1, 3), output_padding=(0, 3)),
     "output_padding=3"),
    (lambda: sc.ConvTranspose1d((1, 1), 1, 1, padding=1), "padding=1"),
    (lambda: sc.Conv2d((2, 4, 4), 3, 1, connection_table=np.ones((2, 3))),
     "connection_table has shape (2, 3)"),
    (lambda: sc.Conv2d((2, 4, 4), 3, 1, connection_table=[[1, 0], [2, 1], [0, 1]]),
     "connection_table"),
    (lambda: sc.Conv2d((2, 4, 4), 2, 1, groups=2, connection_table=np.eye(2)), "groups=2"),
    (lambda: sc.Dense(4, 0), "out_features=0"),
    (lambda: sc.Dense((), 3), "in_shape=()"),
    (lambda: sc.AvgPool2d((1, 4, 4), 2, padding=2), "padding=2"),
    (lambda: sc.AvgPool1d((1, 4), 2, stride=0), "stride=0"),
]


@pytest.mark.parametrize(("make", "fragment"), CONFIG_ERRORS)
def test_bad_configuration_names_the_value(make: Callable[[], Any], fragment: str) -> None:
    with pytest.raises(sc.LayerConfigError, match=re.escape(fragment)) as info:
        make()
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, sc.SymconvError)


NUMERIC_ERRORS: list[tuple[Callable[[], Any], str]] = [
    (lambda: sc.Conv1d((1, 8), 1, 3).numeric_matrix(np.ones((1, 1, 2))), "(1, 1, 2)"),
    (lambda: sc.Conv1d((1, 8), 1, 3).numeric_matrix(np.ones(3)), "(3,)"),
    (lambda: sc.Conv1d((1, 8), 1, 3).numeric_matrix(), "(1, 1, 3)"),
    (lambda: sc.Conv1d((1, 8), 1, 3).numeric_matrix([[["a", "b", "c"]]]), "<U1"),
    (lambda: sc.Conv1d((1, 8), 2, 3).numeric_matrix(np.ones((2, 1, 3)), [1.0]), "(1,)"),
    (lambda: sc.Conv1d((1, 8), 1, 3, bias=False).numeric_matrix(np.ones((1, 1, 3)), [1.0]),
     "bias=[1.0]"),
    (lambda: sc.AvgPool1d((1, 4), 2).numeric_matrix(np.ones(2)), "array([1., 1.])"),
    (lambda: sc.Dense(3, 2).numeric_matrix(np.ones((3, 2))), "(3, 2)"),
    (lambda: sc.Conv1d((1, 4), 1, 2).forward([1, 2, 3]), "3 entries"),
]


@pytest.mark.parametrize(("call", "fragment"), NUMERIC_ERRORS)
def test_bad_numbers_name_the_value(call: Callable[[], Any], fragment: str) -> None:
    with pytest.raises(sc.ShapeMismatchError, match=re.escape(fragment)):
        call()


@pytest.mark.parametrize("unit", [4, -1, (0, 2, 0), (1, 0, 0), (0, 0), True, "0", 2.0])
def test_receptive_field_of_a_unit_outside_the_output(unit: Any) -> None:
    layer = sc.Conv2d((1, 4, 4), 1, 2, stride=2)
    with pytest.raises(sc.UnitIndexError, match=re.escape(repr(unit))):
        layer.receptive_field(unit)


def test_size_guard_refuses_vgg_dense_layer_at_once_with_an_estimate() -> None:
    layer = sc.Dense(25088, 4096)
    start = time.perf_counter()
    with pytest.raises(sc.SizeLimitError,
                       match=r"102,760,448 entries and 102,760,448 distinct symbols \(about"):
        layer.matrix()
    with pytest.raises(sc.SizeLimitError, match="102,760,448"):
        layer.forward()
    assert time.perf_counter() - start < 0.5


def test_size_guard_refuses_large_convolution_symbols_at_once() -> None:
    layer = sc.Conv2d((64, 56, 56), 64, 3, padding=1)
    start = time.perf_counter()
    with pytest.raises(sc.SizeLimitError, match=f"{layer.num_weight_connections:,}"):
        layer.matrix()
    assert time.perf_counter() - start < 0.5


def test_max_entries_lowers_and_raises_the_limit() -> None:
    layer = sc.Conv1d((1, 10), 1, 3)  # 8 outputs x 3 taps = 24 entries
    with pytest.raises(sc.SizeLimitError, match="limit of 23 entries"):
        layer.matrix(max_entries=23)
    with pytest.raises(sc.SizeLimitError, match="limit of 23 entries"):
        layer.forward(max_entries=23)
    assert layer.matrix(max_entries=24).shape == (8, 10)


def test_max_entries_above_the_default_allows_a_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("symconv.symbolic.MAX_SYMBOLIC_ENTRIES", 100)
    layer = sc.Conv1d((1, 200), 1, 3)
    with pytest.raises(sc.SizeLimitError, match="limit of 100 entries"):
        layer.matrix()
    assert layer.matrix(max_entries=1000).shape == (198, 200)


# --- agreement with PyTorch on which configurations exist -------------------------
# Arguments drawn from a range that holds both valid and invalid values. Wherever
# PyTorch refuses a configuration, symconv must refuse it too. Where PyTorch accepts
# it and every number is in symconv's documented domain, symconv builds the same
# output shape. Outside that domain PyTorch sometimes computes something (it crops
# with negative padding in the non-zero modes; it accepts dilation 0 in transposed
# convolutions) that symconv refuses on purpose; so is an output with no positions,
# which PyTorch returns as an empty tensor.
small = st.integers(-1, 4)


def _torch_shape(run: Callable[[], Any]) -> tuple[int, ...] | None:
    """The output shape PyTorch computes, or None if it refuses."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return tuple(run().shape[1:])
        except (ValueError, RuntimeError, ZeroDivisionError):
            return None


def _our_shape(make: Callable[[], sc.Layer]) -> tuple[int, ...] | None:
    try:
        return make().out_shape
    except sc.SymconvError:
        return None


def _check_agreement(torch_shape: Any, our_shape: Any, in_domain: bool) -> None:
    if torch_shape is None:
        assert our_shape is None
    elif in_domain and all(torch_shape):
        assert our_shape == torch_shape


@given(
    channels=st.tuples(st.integers(1, 4), st.integers(1, 4)), size=st.integers(1, 6),
    kernel=st.integers(0, 6), stride=small, dilation=small, groups=st.integers(1, 4),
    padding=st.one_of(small, st.sampled_from(["same", "valid"])),
    mode=st.sampled_from(["zeros", "circular", "reflect", "replicate"]),
)
def test_conv_configurations_agree_with_torch(
    channels: tuple[int, int], size: int, kernel: int, stride: int, dilation: int,
    groups: int, padding: Any, mode: str,
) -> None:
    torch = pytest.importorskip("torch")
    (c_in, c_out), shape = channels, (size, size + 1)
    hyper = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups,
             "padding_mode": mode}
    expected = _torch_shape(lambda: torch.nn.Conv2d(c_in, c_out, kernel, **hyper)(
        torch.zeros(1, c_in, *shape)))
    ours = _our_shape(lambda: sc.Conv2d((c_in, *shape), c_out, kernel, **hyper))
    _check_agreement(expected, ours, not isinstance(padding, int) or padding >= 0)


@given(
    channels=st.tuples(st.integers(1, 4), st.integers(1, 4)), size=st.integers(1, 5),
    kernel=st.integers(0, 4), stride=small, padding=small, output_padding=small,
    dilation=small, groups=st.integers(1, 4),
)
def test_transposed_configurations_agree_with_torch(
    channels: tuple[int, int], size: int, kernel: int, stride: int, padding: int,
    output_padding: int, dilation: int, groups: int,
) -> None:
    torch = pytest.importorskip("torch")
    c_in, c_out = channels
    hyper = {"stride": stride, "padding": padding, "output_padding": output_padding,
             "dilation": dilation, "groups": groups}
    expected = _torch_shape(lambda: torch.nn.ConvTranspose1d(c_in, c_out, kernel, **hyper)(
        torch.zeros(1, c_in, size)))
    ours = _our_shape(lambda: sc.ConvTranspose1d((c_in, size), c_out, kernel, **hyper))
    _check_agreement(expected, ours, min(padding, output_padding, dilation - 1) >= 0)


@given(
    size=st.integers(1, 6), kernel=st.integers(0, 5),
    stride=st.one_of(st.none(), small), padding=small,
    ceil_mode=st.booleans(), count_include_pad=st.booleans(),
)
def test_pool_configurations_agree_with_torch(
    size: int, kernel: int, stride: int | None, padding: int, ceil_mode: bool,
    count_include_pad: bool,
) -> None:
    torch = pytest.importorskip("torch")
    hyper = {"stride": stride, "padding": padding, "ceil_mode": ceil_mode,
             "count_include_pad": count_include_pad}
    shape = (size, size + 1)
    expected = _torch_shape(lambda: torch.nn.functional.avg_pool2d(
        torch.zeros(1, 2, *shape), kernel, **hyper))
    ours = _our_shape(lambda: sc.AvgPool2d((2, *shape), kernel, **hyper))
    _check_agreement(expected, ours, padding >= 0)
