"""Weight, bias and input gradients against ``torch.autograd``.

Each layer's forward pass is written with PyTorch's own operators (``F.conv*``,
``F.conv_transpose*``, ``F.linear``, ``F.avg_pool*``, ``F.unfold``), differentiated by
autograd for a random upstream gradient, and compared with symconv's gradient rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    axes,
    conv_kwargs,
    dense_kwargs,
    fewer_examples,
    layers,
    local_kwargs,
    pad_pairs,
    pool_kwargs,
    seeds,
    tiled_kwargs,
    transposed_kwargs,
)
from test_tiled import unfold_reference

import symconv as sc

torch = pytest.importorskip("torch")
F = torch.nn.functional

BATCH = 2


def grads_by_autograd(forward, layer: sc.Layer, seed: int) -> tuple[Any, ...]:
    """Random weight, bias, batch of inputs and upstream gradients; autograd's gradients.

    ``forward(weight, bias, x)`` maps one batch ``(N, *in_shape)`` to ``(N, *out_shape)``.
    """
    rng = np.random.default_rng(seed)
    arrays = [None if shape is None else rng.standard_normal(shape)
              for shape in (layer.weight_shape, layer.bias_shape)]
    x = rng.standard_normal((BATCH, *layer.in_shape))
    delta = rng.standard_normal((BATCH, *layer.out_shape))
    tensors = [None if a is None else torch.tensor(a, requires_grad=True)
               for a in (*arrays, x)]
    y = forward(*tensors)
    assert tuple(y.shape) == (BATCH, *layer.out_shape)
    (y * torch.from_numpy(delta)).sum().backward()
    grads = [None if t is None else t.grad.numpy() for t in tensors]
    return (*arrays, x, delta, *grads)


def check(layer: sc.Layer, forward, seed: int) -> None:
    weight, bias, x, delta, grad_w, grad_b, grad_x = grads_by_autograd(forward, layer, seed)
    close = {"rtol": 1e-10, "atol": 1e-10}
    if weight is None:
        assert layer.weight_gradient(x, delta) is None
    else:
        np.testing.assert_allclose(layer.weight_gradient(x, delta), grad_w, **close)
    if bias is None:
        assert layer.bias_gradient(delta) is None
    else:
        np.testing.assert_allclose(layer.bias_gradient(delta), grad_b, **close)
    np.testing.assert_allclose(layer.input_gradient(delta, weight=weight), grad_x, **close)


CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def torch_conv(kwargs: dict[str, Any]):
    """PyTorch's convolution: ``F.pad`` in the padding mode, then ``F.conv*d``."""
    dims = len(kwargs["in_shape"]) - 1
    pads = [p for pair in reversed(pad_pairs(kwargs)) for p in pair]
    mode = kwargs["padding_mode"]

    def forward(w, b, x):
        if kwargs["flip"]:
            w = w.flip(list(range(2, 2 + dims)))
        x = F.pad(x, pads, mode="constant" if mode == "zeros" else mode)
        return CONV[dims](x, w, b, stride=kwargs["stride"], dilation=kwargs["dilation"],
                          groups=kwargs["groups"])
    return forward


@pytest.mark.parametrize("dims", [1, 2, 3])
@given(data=st.data(), seed=seeds)
def test_convolution_gradients_match_autograd(dims: int, data, seed: int) -> None:
    kwargs = data.draw(conv_kwargs(dims))
    check({1: sc.Conv1d, 2: sc.Conv2d, 3: sc.Conv3d}[dims](**kwargs), torch_conv(kwargs), seed)


@pytest.mark.parametrize("dims", [1, 2, 3])
@given(data=st.data(), seed=seeds)
def test_transposed_gradients_match_autograd(dims: int, data, seed: int) -> None:
    kwargs = data.draw(transposed_kwargs(dims))
    layer = {1: sc.ConvTranspose1d, 2: sc.ConvTranspose2d, 3: sc.ConvTranspose3d}[dims](**kwargs)
    options = {k: kwargs[k] for k in ("stride", "padding", "output_padding", "groups",
                                      "dilation")}
    check(layer, lambda w, b, x: CONV_T[dims](x, w, b, **options), seed)


@given(kwargs=dense_kwargs(), seed=seeds)
def test_dense_gradients_match_autograd(kwargs: dict[str, Any], seed: int) -> None:
    layer = sc.Dense(**kwargs)
    check(layer, lambda w, b, x: F.linear(x.reshape(BATCH, -1), w, b), seed)


@pytest.mark.parametrize("dims", [1, 2])
@given(data=st.data(), seed=seeds)
def test_local_and_tiled_gradients_match_autograd(dims: int, data, seed: int) -> None:
    for kwargs, make in ((data.draw(local_kwargs(dims)), sc.LocallyConnected1d
                          if dims == 1 else sc.LocallyConnected2d),
                         (data.draw(tiled_kwargs(dims)), sc.TiledConv1d
                          if dims == 1 else sc.TiledConv2d)):
        def forward(w, b, x, kwargs=kwargs):
            return torch.stack([unfold_reference(kwargs, w, b, sample) for sample in x])
        check(make(**kwargs), forward, seed)


@pytest.mark.parametrize("dims", [1, 2])
@given(data=st.data(), seed=seeds)
def test_average_pooling_input_gradient_matches_autograd(dims: int, data, seed: int) -> None:
    kwargs = data.draw(pool_kwargs(dims))
    layer = (sc.AvgPool1d if dims == 1 else sc.AvgPool2d)(**kwargs)
    pool = F.avg_pool1d if dims == 1 else F.avg_pool2d
    options = {k: v for k, v in kwargs.items() if k != "in_shape"}
    check(layer, lambda w, b, x: pool(x, **options), seed)


@fewer_examples(25)
@given(layer=layers(max_dims=2), seed=seeds)
def test_any_layer_gradients_match_autograd_through_its_own_matrix(layer: sc.Layer,
                                                                   seed: int) -> None:
    """Every family (subsampling and connection tables included): autograd through
    ``M(w) x + b`` assembled in PyTorch from the connectivity arrays."""
    conn = layer.connectivity
    bias_index = layer.structure.bias_index()

    def forward(w, b, x):
        flat = torch.cat([w.reshape(-1) if w is not None else torch.zeros(0,
                          dtype=torch.float64), torch.ones(1, dtype=torch.float64)])
        values = flat[torch.tensor(conn.param)]
        if conn.divisor is not None:
            values = values / torch.tensor(conn.divisor)
        m = torch.zeros(layer.n_out, layer.n_in, dtype=torch.float64).index_put(
            (torch.tensor(conn.out_unit), torch.tensor(conn.in_unit)), values,
            accumulate=True)
        y = x.reshape(BATCH, -1) @ m.T
        if b is not None:
            y = y + b.reshape(-1)[torch.tensor(bias_index)]
        return y.reshape(BATCH, *layer.out_shape)
    check(layer, forward, seed)


# --- the identities the docs show ---------------------------------------------------
@given(kwargs=conv_kwargs(2, modes=("zeros",), grouped=False), seed=seeds)
def test_conv_weight_gradient_is_a_cross_correlation_and_input_gradient_a_transposed_conv(
    kwargs: dict[str, Any], seed: int
) -> None:
    kwargs = {**kwargs, "flip": False}
    layer = sc.Conv2d(**kwargs)
    rng = np.random.default_rng(seed)
    weight = rng.standard_normal(layer.weight_shape)
    x = rng.standard_normal((BATCH, *layer.in_shape))
    delta = rng.standard_normal((BATCH, *layer.out_shape))
    stride, dilation = axes(kwargs["stride"], 2), axes(kwargs["dilation"], 2)
    kernel = axes(kwargs["kernel_size"], 2)
    (top, bottom), (left, right) = pad_pairs(kwargs)
    padded = F.pad(torch.from_numpy(x), (left, right, top, bottom))
    # dL/dW[o, c] = cross-correlation of input channel c with output gradient o, the
    # gradient dilated by the stride and the input read with the kernel's dilation
    correlation = F.conv2d(padded.transpose(0, 1), torch.from_numpy(delta).transpose(0, 1),
                           stride=dilation, dilation=stride).transpose(0, 1)
    expected = correlation[:, :, :kernel[0], :kernel[1]].numpy()
    np.testing.assert_allclose(layer.weight_gradient(x, delta), expected, rtol=1e-10,
                               atol=1e-10)
    # dL/dx = the transposed convolution of the output gradient with the same kernel
    full = F.conv_transpose2d(torch.from_numpy(delta), torch.from_numpy(weight),
                              stride=stride, dilation=dilation)
    reach = full[:, :, top:top + layer.in_shape[1], left:left + layer.in_shape[2]]
    extra = [n - s for n, s in zip(layer.in_shape[1:], reach.shape[2:], strict=True)]
    expected_x = F.pad(reach, (0, extra[1], 0, extra[0])).numpy()  # rows no window reads
    np.testing.assert_allclose(layer.input_gradient(delta, weight=weight), expected_x,
                               rtol=1e-10, atol=1e-10)


def test_symbolic_gradients_are_sums_over_the_positions_that_share_a_weight() -> None:
    conv = sc.Conv2d((1, 3, 3), 1, 2, bias=True)
    grad = conv.weight_gradient()
    x = conv.input_symbols
    from symconv.gradient import gradient_symbols

    d = gradient_symbols(4)
    assert grad[0, 0, 0, 0] == d[0] * x[0] + d[1] * x[1] + d[2] * x[3] + d[3] * x[4]
    assert conv.bias_gradient()[0] == sum(d)
    dense = sc.Dense(3, 2, bias=False)
    assert dense.weight_gradient()[1, 2] == d[1] * x[2]  # one position, no sum
    # numbers in the symbolic result equal the numeric path
    rng = np.random.default_rng(0)
    xv, dv = rng.standard_normal(9), rng.standard_normal(4)
    values = dict(zip([*x, *d], [*xv, *dv], strict=True))
    numeric = np.array(grad.subs(values).tolist(), dtype=float)
    np.testing.assert_allclose(numeric, conv.weight_gradient(xv, dv))
    w = conv.parameters[:4]
    assert conv.input_gradient()[4] == sympy.Add(*(d[i] * w[3 - i] for i in range(4)))


def test_bad_gradient_arguments_are_refused() -> None:
    conv = sc.Conv1d((1, 4), 1, 2)
    with pytest.raises(sc.ShapeMismatchError, match="x has 5 entries"):
        conv.weight_gradient(np.ones(5), np.ones(3))
    with pytest.raises(sc.ShapeMismatchError, match="2 samples"):
        conv.weight_gradient(np.ones((2, 4)), np.ones(3))
    with pytest.raises(sc.ShapeMismatchError, match="grad_output has 2 entries"):
        conv.bias_gradient(["a", "b"])
    assert sc.MaxPool1d((1, 4), 2).weight_gradient() is None


@pytest.mark.parametrize("chunk", [1, 7, 10**9])
def test_batched_products_agree_whichever_way_they_are_formed(monkeypatch, chunk) -> None:
    """Small layers read ``delta^T x`` at the connections, large ones form products per
    connection in chunks of samples: both give autograd's gradient."""
    import symconv.gradient

    monkeypatch.setattr(symconv.gradient, "CHUNK", chunk)
    kwargs = {"in_shape": (2, 5, 4), "out_channels": 3, "kernel_size": 2, "stride": 1,
              "padding": 1, "dilation": 1, "groups": 1, "padding_mode": "reflect",
              "flip": False, "bias": True}
    check(sc.Conv2d(**kwargs), torch_conv(kwargs), 0)
