"""The explorer's configuration space: refusals as PyTorch's, cells and counts as published.

PyTorch is the oracle of what may be built: a setting symconv refuses must be one
``torch.nn.Conv*d`` / ``ConvTranspose*d`` refuses (at construction or on the first
forward pass), and the other way round. Counts are checked against their closed
forms (a convolution has ``k**dims`` weights; a dense layer ``n_in * n_out``).
"""

from __future__ import annotations

import math
import random
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

import symconv as sc
from symconv.errors import LayerConfigError, SymconvError
from symconv.playground import SITE_RANGES, Setting, layer_counts, matrix_cells
from symconv.plots.entries import matrix_entries
from symconv.plots.style import ParameterColors

SETTINGS = st.builds(Setting, **{name: st.sampled_from(values)
                                 for name, values in SITE_RANGES.items()})


def sample(count: int, seed: int) -> list[Setting]:
    rng = random.Random(seed)
    return [Setting(**{name: rng.choice(values) for name, values in SITE_RANGES.items()})
            for _ in range(count)]


@given(SETTINGS)
def test_the_query_names_the_setting(setting: Setting) -> None:
    assert Setting.from_query(setting.query()) == setting
    assert Setting.from_query("?" + setting.query()) == setting


@pytest.mark.parametrize("query, word", [
    ("k=2.5", "k='2.5'"), ("bias=1", "'bias'"), ("mode=zeros&size=3", "'size'"),
])
def test_a_bad_query_is_refused_by_name(query: str, word: str) -> None:
    with pytest.raises(LayerConfigError, match=word):
        Setting.from_query(query)


def torch_refuses(setting: Setting) -> bool:
    torch = pytest.importorskip("torch")
    nn = torch.nn
    kind = ((nn.Conv1d, nn.Conv2d), (nn.ConvTranspose1d, nn.ConvTranspose2d))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'same' with an even kernel warns
        try:
            module = kind[setting.transposed][setting.dims - 1](
                1, 1, setting.k, stride=setting.stride, padding=setting.padding,
                dilation=setting.dilation, padding_mode=setting.mode, bias=False,
            )
            module(torch.zeros((1, 1, *(setting.n,) * setting.dims)))
        except (RuntimeError, ValueError, TypeError):
            return True
    return False


def test_symconv_refuses_what_pytorch_refuses() -> None:
    both = 0
    for setting in sample(400, seed=3):
        try:
            setting.layer()
            refused = False
        except SymconvError:
            refused = True
        assert refused == torch_refuses(setting), setting
        both += refused
    assert 0 < both < 400


def test_transposed_convolutions_take_only_zero_padding_like_pytorch() -> None:
    with pytest.raises(LayerConfigError, match=r"ConvTranspose2d: padding_mode='reflect'"):
        sc.ConvTranspose2d((1, 3, 3), 1, 2, padding_mode="reflect")
    assert torch_refuses(Setting(transposed=True, mode="reflect"))


def test_cells_are_the_matrix_entries_with_the_figures_colours() -> None:
    for setting in sample(60, seed=5):
        try:
            layer = setting.layer()
        except SymconvError:
            continue
        cells = matrix_cells(layer)
        shown = dict(zip(zip(cells.row.tolist(), cells.col.tolist(), strict=True), cells.label,
                         strict=True))
        assert shown == {key: str(v) for key, v in layer.matrix().todok().items()}, setting
        entries = matrix_entries(layer)
        colors = ParameterColors.of(entries.key)
        assert cells.color == [colors.hex(k) for k in entries.key.tolist()], setting
        assert list(zip(cells.row.tolist(), cells.col.tolist(), strict=True)) == sorted(shown)


def test_folded_entries_are_labelled_as_sums() -> None:
    layer = Setting(dims=1, n=3, k=5, stride=1, padding=2, mode="circular").layer()
    assert "w_1 + w_4" in matrix_cells(layer).label


def builds(setting: Setting) -> bool:
    try:
        setting.layer()
    except SymconvError:
        return False
    return True


@pytest.mark.parametrize("setting", [s for s in sample(120, seed=9) if builds(s)][:40])
def test_counts_follow_their_closed_forms(setting: Setting) -> None:
    layer = setting.layer()
    counts = layer_counts(layer, setting)
    n_in, n_out = setting.n**setting.dims, math.prod(layer.out_shape)
    assert counts.dense == (n_in * n_out, n_in * n_out)
    assert counts.layer[0] == setting.k**setting.dims
    assert counts.layer[1] == len(layer.matrix().todok())
    if setting.transposed:
        assert counts.local is None
    else:
        assert counts.local is not None and counts.local[0] == n_out * setting.k**setting.dims


def test_from_layer_reads_a_square_convolution_back() -> None:
    layer = sc.ConvTranspose2d((2, 5, 5), 4, 3, stride=2, padding=1, groups=2)
    setting = Setting.from_layer(layer)
    assert repr(setting.layer()) == repr(layer)
    assert Setting.from_layer(sc.Conv1d((1, 6), 1, 4, padding="same")).padding == "same"


@pytest.mark.parametrize("layer, word", [
    (sc.Dense(4, 2), "Dense"),
    (sc.Conv2d((1, 6, 6), 1, (3, 2)), "kernel_size"),
    (sc.Conv2d((1, 6, 8), 1, 3), "input side"),
    (sc.Conv1d((1, 6), 1, 3, flip=True), "flip"),
    (sc.ConvTranspose1d((1, 6), 1, 3, stride=2, output_padding=1), "output_padding"),
])
def test_from_layer_refuses_what_the_controls_cannot_show(layer: sc.Layer, word: str) -> None:
    with pytest.raises(LayerConfigError, match=word):
        Setting.from_layer(layer)
