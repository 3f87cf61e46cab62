"""Receptive fields across layers against PyTorch's autograd, and the analytic formulas.

The oracle is the set of inputs with a nonzero gradient of one output of the
PyTorch network, with random weights and a random input (no accidental zeros
with probability 1). The gradient of a max pool reaches only the maximum of each
window, and a ReLU's is zero for negative inputs, so in the oracle network every
``MaxPool`` is replaced by the ``AvgPool`` with the same windows (the same
kernel, stride, padding and ceil_mode: window membership is what a receptive
field is made of) and every ``ReLU`` by ``Tanh``, whose gradient never vanishes.
The window membership of ``MaxPool`` itself is checked against
``torch.nn.functional.max_pool*d`` in ``test_structural.py``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from hypothesis import assume, given
from hypothesis import strategies as st
from optional import torch
from strategies import rng_from, seeds

import symconv as sc
from symconv.receptive import _boxes_of, analytic_fields, dependency_sets

nn = torch.nn


@st.composite
def modules(draw: Any, dims: int, transposed: bool) -> tuple[nn.Sequential, tuple[int, ...]]:
    """A small PyTorch network of 1 to 4 window layers (and ReLU), and its input shape."""
    kinds = ["conv", "max", "avg", "relu"] + (["transposed"] if transposed else [])
    channels, size = draw(st.integers(1, 2)), draw(st.integers(8, 14 if dims == 1 else 9))
    in_shape = shape = (channels,) + (size,) * dims
    layers: list[nn.Module] = []
    for kind in draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=4)):
        k, s = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        out = draw(st.integers(1, 2))
        if kind == "conv":
            module = getattr(nn, f"Conv{dims}d")(
                channels, out, k, stride=s, dilation=draw(st.integers(1, 2)),
                padding=draw(st.integers(0, 1)))
        elif kind == "transposed":
            module = getattr(nn, f"ConvTranspose{dims}d")(channels, out, k, stride=s)
        elif kind in ("max", "avg"):
            pool = getattr(nn, f"{kind.capitalize()}Pool{dims}d")
            module = pool(max(k, 2), stride=s, padding=draw(st.integers(0, max(k, 2) // 2)),
                          ceil_mode=draw(st.booleans()))
        else:
            module = nn.ReLU()
        try:
            y = module(torch.zeros(1, *shape))
        except RuntimeError:
            continue
        layers.append(module)
        channels, shape = y.shape[1], tuple(y.shape[1:])
    assume(layers)
    return nn.Sequential(*layers).double(), in_shape


def proxy(module: nn.Sequential) -> nn.Sequential:
    """The same network with max pools as average pools and ReLU as tanh (see above)."""
    parts: list[nn.Module] = []
    for m in module:
        if isinstance(m, nn.MaxPool1d | nn.MaxPool2d):
            avg = nn.AvgPool1d if isinstance(m, nn.MaxPool1d) else nn.AvgPool2d
            parts.append(avg(m.kernel_size, stride=m.stride, padding=m.padding,
                             ceil_mode=m.ceil_mode))
        elif isinstance(m, nn.ReLU):
            parts.append(nn.Tanh())
        else:
            parts.append(m)
    return nn.Sequential(*parts)


def autograd_field(module: nn.Module, in_shape: tuple[int, ...], unit: int, seed: int) -> tuple:
    x = torch.from_numpy(rng_from(seed).standard_normal((1, *in_shape))).requires_grad_()
    module(x).reshape(-1)[unit].backward()
    return tuple(np.flatnonzero(x.grad.numpy().ravel()).tolist())


@pytest.mark.parametrize(("dims", "transposed"), [(1, True), (2, True), (2, False)])
@given(data=st.data(), seed=seeds)
def test_exact_field_matches_autograd(dims: int, transposed: bool, data: Any, seed: int) -> None:
    module, in_shape = data.draw(modules(dims, transposed))
    net = sc.from_torch(module, in_shape)
    unit = data.draw(st.integers(0, net.n_out - 1))
    assert net.receptive_field(unit) == autograd_field(proxy(module), in_shape, unit, seed)


@given(data=st.data())
def test_analytic_span_equals_exact_span_for_interior_units(data: Any) -> None:
    dims = data.draw(st.sampled_from([1, 2]))
    net = sc.from_torch(*data.draw(modules(dims, transposed=False)))
    fields = analytic_fields(net)
    assert fields[-1] is not None
    for unit in range(net.n_out):
        field = net.receptive_field_details(unit)
        if field.interior:
            assert field.span == tuple(
                (start, start + size - 1)
                for start, size in zip(field.start, field.size, strict=True)
            )
        elif field.span is not None:  # otherwise within the analytic window, clipped
            assert all(lo >= max(start, 0) and hi <= start + size - 1
                       for (lo, hi), start, size in zip(field.span, field.start, field.size,
                                                        strict=True))


def pattern(layer: sc.Layer) -> scipy.sparse.csr_array:
    conn = layer.connectivity
    return scipy.sparse.csr_array((np.ones(len(conn)), (conn.out_unit, conn.in_unit)),
                                  shape=(layer.n_out, layer.n_in))


@given(data=st.data())
def test_level_sets_equal_the_boolean_product_of_full_patterns(data: Any) -> None:
    net = sc.from_torch(*data.draw(modules(2, transposed=True)))
    unit = data.draw(st.integers(0, net.n_out - 1))
    row = np.zeros(net.n_out)
    row[unit] = 1
    expected = [np.flatnonzero(row)]
    for layer in reversed(list(net)):
        row = (pattern(layer).T @ row > 0).astype(float)
        expected.append(np.flatnonzero(row))
    got = dependency_sets(net, unit)
    assert [s.tolist() for s in got] == [s.tolist() for s in expected[::-1]]


def test_vgg16_pool5_matches_published_figures() -> None:
    # Araujo, Norris and Sim (2019), Distill, table of receptive fields: vgg_16 has
    # r = 212, effective stride 32 and effective padding 90 at its last pooling layer.
    features = sc.vgg16()[:31]
    assert type(features[-1]).__name__ == "MaxPool2d"
    (field, _) = analytic_fields(features)[-1]
    assert (field.size, field.jump, field.start) == (212, 32, -90)
    start = time.perf_counter()
    deep = features.receptive_field_details((7, 3, 3))
    assert time.perf_counter() - start < 1.0
    assert deep.interior and deep.span == ((6, 217), (6, 217))
    assert len(deep.units) == 3 * 212 * 212


def test_dense_sees_everything_and_transposed_has_no_formula() -> None:
    net = sc.Sequential.build((1, 6, 6), (sc.Conv2d, 1, 3), sc.Flatten, (sc.Dense, 2))
    field = net.receptive_field_details(1)
    assert field.units == tuple(range(36))
    assert (field.size, field.jump, field.start) == ((6, 6), (0, 0), (0, 0))
    up = sc.Sequential.build((1, 4), (sc.ConvTranspose1d, 1, 3, {"stride": 2}))
    field = up.receptive_field_details(4)
    assert field.units == (1, 2) and field.size is None and not field.interior


def test_non_box_sets_are_split_into_boxes() -> None:
    coords = (np.array([0, 0, 1]), np.array([0, 1, 1]))
    boxes = _boxes_of(coords)
    units = sorted((int(a), int(b)) for box in boxes for a in box[0] for b in box[1])
    assert units == [(0, 0), (0, 1), (1, 1)]
    assert len(_boxes_of((np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])))) == 1


def test_mask_and_bad_units() -> None:
    net = sc.Sequential.build((2, 5, 5), (sc.Conv2d, 1, 3))
    field = net.receptive_field_details((0, 1, 1))
    mask = field.mask()
    assert mask.shape == (2, 5, 5) and mask.sum() == 18
    assert mask[:, 1:4, 1:4].all()
    with pytest.raises(sc.UnitIndexError):
        net.receptive_field(9)
