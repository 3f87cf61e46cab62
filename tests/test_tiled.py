"""Tiled convolution against per-position kernels built with ``F.unfold``, its two limits
(a convolution at ``tiles=1``, a locally connected layer at ``tiles`` = output size),
and every view."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given
from strategies import axes, fewer_examples, local_kwargs, pad_pairs, seeds, tiled_kwargs

import symconv as sc

torch = pytest.importorskip("torch")
F = torch.nn.functional

TILED = {1: sc.TiledConv1d, 2: sc.TiledConv2d}
LOCAL = {1: sc.LocallyConnected1d, 2: sc.LocallyConnected2d}
CONV = {1: sc.Conv1d, 2: sc.Conv2d}


def unfold_reference(kwargs: dict[str, Any], weight: Any, bias: Any, x: Any) -> Any:
    """Every window as a column (``F.unfold``), dotted with kernel ``position mod tiles``.

    Arrays or tensors (gradients flow through tensors); a 1-D layer is run as a 2-D
    one of height 1. Without ``tiles`` it is the locally connected layer.
    """
    weight, x = torch.as_tensor(weight), torch.as_tensor(x)
    bias = None if bias is None else torch.as_tensor(bias)
    dims = len(kwargs["in_shape"]) - 1
    pairs = pad_pairs(kwargs)
    kernel = axes(kwargs["kernel_size"], dims)
    stride, dilation = axes(kwargs["stride"], dims), axes(kwargs["dilation"], dims)
    tiles = axes(kwargs.get("tiles", 1 << 30), dims)
    image = x[None]
    if dims == 1:
        image, pairs = image[:, :, None, :], ((0, 0), *pairs)
        kernel, stride, dilation = (1, *kernel), (1, *stride), (1, *dilation)
        weight = weight[:, None, :, :, None, :]
        tiles = (1, *tiles)
    (top, bottom), (left, right) = pairs
    columns = F.unfold(F.pad(image, (left, right, top, bottom)), kernel,
                       dilation=dilation, stride=stride)[0]
    padded = (image.shape[2] + top + bottom, image.shape[3] + left + right)
    out = [(n - d * (k - 1) - 1) // s + 1
           for n, k, s, d in zip(padded, kernel, stride, dilation, strict=True)]
    rows = torch.arange(out[0])[:, None] % tiles[0]
    cols = torch.arange(out[1])[None, :] % tiles[1]
    per_position = weight[:, rows, cols]  # (C_out, H, W, C_in, kH, kW)
    kernels = per_position.reshape(weight.shape[0], out[0] * out[1], -1)
    y = torch.einsum("clj,jl->cl", kernels, columns)
    if bias is not None:
        b = bias if dims == 2 else bias[:, None, :]
        y = y + b[:, rows, cols].reshape(y.shape)
    return y.reshape((weight.shape[0], *(out if dims == 2 else out[1:])))


def random_arrays(layer: sc.Layer, seed: int) -> tuple[np.ndarray, Any, np.ndarray]:
    rng = np.random.default_rng(seed)
    bias = None if layer.bias_shape is None else rng.standard_normal(layer.bias_shape)
    return rng.standard_normal(layer.weight_shape), bias, rng.standard_normal(layer.in_shape)


def apply(layer: sc.Layer, weight: np.ndarray, bias: Any, x: np.ndarray) -> np.ndarray:
    if bias is None:
        return (layer.numeric_matrix(weight) @ x.ravel()).reshape(layer.out_shape)
    return (layer.numeric_matrix(weight, bias) @ np.append(x.ravel(), 1)).reshape(
        layer.out_shape)


@pytest.mark.parametrize("dims", [1, 2])
@given(seed=seeds, data=__import__("hypothesis").strategies.data())
def test_tiled_matches_unfold_with_per_position_kernels(dims: int, seed: int, data) -> None:
    kwargs = data.draw(tiled_kwargs(dims))
    layer = TILED[dims](**kwargs)
    weight, bias, x = random_arrays(layer, seed)
    expected = unfold_reference(kwargs, weight, bias, x).numpy()
    assert expected.shape == layer.out_shape
    np.testing.assert_allclose(apply(layer, weight, bias, x), expected, rtol=1e-10,
                               atol=1e-12)


def renamed_to(matrix: sympy.SparseMatrix, source: sc.Layer, target: sc.Layer) -> Any:
    """``matrix`` with ``source``'s symbols replaced by ``target``'s, entry by entry."""
    pairs = zip(source.parameters, target.parameters, strict=True)
    return matrix.xreplace(dict(pairs))


@pytest.mark.parametrize("dims", [1, 2])
@fewer_examples(15)
@given(data=__import__("hypothesis").strategies.data())
def test_one_tile_is_the_convolution_and_all_tiles_the_local_layer(dims: int, data) -> None:
    kwargs = data.draw(local_kwargs(dims))
    local = LOCAL[dims](**kwargs)
    conv = CONV[dims](**kwargs)
    single = TILED[dims](**kwargs, tiles=1)
    full = TILED[dims](**kwargs, tiles=local.out_shape[1:])
    assert single.num_parameters == conv.num_parameters
    assert full.num_parameters == local.num_parameters
    assert full.weight_shape == local.weight_shape and full.bias_shape == local.bias_shape
    assert full.matrix() == renamed_to(local.matrix(), local, full)
    assert full.forward() == renamed_to(local.forward(), local, full)
    if max(full.tiles) > 1:  # even the names: w_{i,j,...} is output i's kernel in both
        assert full.matrix() == local.matrix() and full.parameters == local.parameters
    assert single.matrix() == renamed_to(conv.matrix(), conv, single)
    assert single.forward() == renamed_to(conv.forward(), conv, single)
    if conv.in_shape[0] == conv.out_shape[0] == 1:
        assert single.matrix() == conv.matrix()  # even the names: w_1, w_2, ...


def test_positions_cycle_through_the_kernels() -> None:
    layer = sc.TiledConv1d((1, 7), 1, 2, 3, bias=True)
    m = layer.matrix()
    assert [m[i, i] for i in range(6)] == [sympy.Symbol(f"w_{{{i % 3 + 1},1}}", real=True)
                                           for i in range(6)]
    assert [str(e.as_ordered_terms()[0]) for e in layer.forward()] == [
        "b_1", "b_2", "b_3", "b_1", "b_2", "b_3"]
    assert layer.num_parameters == 3 * 2 + 3
    assert layer.sharing_factor == 2.0


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(in_shape=(1, 5), out_channels=1, kernel_size=2, tiles=5), "tiles=5"),
    (dict(in_shape=(1, 5), out_channels=1, kernel_size=2, tiles=0), "tiles=0"),
    (dict(in_shape=(1, 5), out_channels=1, kernel_size=2, tiles=(1, 2)), "tiles"),
])
def test_bad_tiles_are_refused_by_name(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(sc.LayerConfigError, match=match):
        sc.TiledConv1d(**kwargs)


def test_every_view_works(tmp_path) -> None:
    layer = sc.TiledConv2d((2, 5, 5), 2, 2, (2, 1), padding=1)
    graph = layer.graph()
    assert graph.number_of_edges() == layer.num_weight_connections
    assert sc.parse_spec("TiledConv2d((2, 5, 5), 2, 2, (2, 1), padding=1)").matrix() == (
        layer.matrix())
    assert len(layer.receptive_field((1, 2, 3))) == 2 * 4
    assert sc.trace_receptive_field(
        sc.Sequential(layer, sc.Conv2d((2, 6, 6), 1, 3)), (0, 0, 0)) is not None
    ax = sc.plot_connectivity(sc.TiledConv1d((1, 6), 1, 2, 2, bias=False))
    (lines,) = [c for c in ax.collections if c.get_gid() == "connections"]
    colors = np.asarray(lines.get_colors()).reshape(5, 2, 4)  # output, tap, rgba
    assert (colors[0::2] == colors[0]).all() and (colors[1::2] == colors[1]).all()
    assert len(np.unique(colors.reshape(-1, 4), axis=0)) == 4  # two kernels of two taps
    assert len(ax.get_legend().get_texts()) == 4
    for ext in ("svg", "graphml", "tex"):
        sc.export(layer, tmp_path / f"tiled.{ext}")
        assert (tmp_path / f"tiled.{ext}").stat().st_size > 0
