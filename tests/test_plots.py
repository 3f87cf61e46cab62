"""Image-comparison tests of every figure kind, against committed baselines.

Run ``pytest --mpl tests/test_plots.py`` to compare with ``tests/baseline``;
regenerate with ``--mpl-generate-path=tests/baseline`` after a deliberate change
(and look at the new images). Without ``--mpl`` the figures are only drawn.
"""

from __future__ import annotations

import matplotlib
import pytest

import symconv as sc
from symconv.plots.style import FIGURE_RC, figure_style

pytest.importorskip("pytest_mpl")

compare = pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, style=FIGURE_RC)
compare_dark = pytest.mark.mpl_image_compare(
    baseline_dir="baseline", tolerance=2, style=FIGURE_RC, savefig_kwargs={"facecolor": "auto"}
)
"""Saved on the figure's own (dark) paper, as ``plt.savefig`` does by default."""

CANONICAL = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)


def figure_of(drawn):
    """The figure of an Axes (or the Figure itself), as pytest-mpl wants it."""
    return getattr(drawn, "figure", drawn)


@compare
def test_connectivity_canonical():
    with figure_style():
        return figure_of(sc.plot_connectivity(CANONICAL))


@compare
def test_connectivity_dense():
    with figure_style():
        return figure_of(sc.plot_connectivity(sc.Dense((1, 4, 4), 4, bias=False)))


@compare
def test_connectivity_1d():
    with figure_style():
        return figure_of(sc.plot_connectivity(sc.Conv1d((1, 6), 1, 3, bias=False)))


@compare
def test_connectivity_channels():
    with figure_style():
        return figure_of(sc.plot_connectivity(sc.Conv1d((2, 5), 2, 2, bias=False)))


@compare
def test_connectivity_large_layer_window():
    with figure_style():
        return figure_of(sc.plot_connectivity(sc.Conv2d((1, 28, 28), 8, 3)))


@compare
def test_dense_vs_conv():
    with figure_style():
        return sc.plot_dense_vs_conv(CANONICAL)


@compare
def test_sparsity_canonical():
    with figure_style():
        return figure_of(sc.plot_sparsity(CANONICAL))


@compare
def test_sparsity_folded_padding():
    layer = sc.Conv1d((1, 5), 1, 3, padding=1, padding_mode="reflect", bias=False)
    with figure_style():
        return figure_of(sc.plot_sparsity(layer))


@compare
def test_sparsity_blocks():
    with figure_style():
        return figure_of(sc.plot_sparsity(sc.Conv2d((2, 4, 4), 2, 3, padding=1, bias=False)))


@compare
def test_receptive_field_canonical():
    with figure_style():
        return figure_of(sc.plot_receptive_field(CANONICAL, (0, 0, 1)))


@compare
def test_receptive_field_channels():
    layer = sc.Conv2d((2, 5, 5), 3, 3, padding=1, bias=False)
    with figure_style():
        return figure_of(sc.plot_receptive_field(layer, (1, 2, 0)))


@compare
def test_parameter_growth():
    with figure_style():
        return figure_of(sc.plot_parameter_growth())


@compare
def test_animation_frame():
    from matplotlib.figure import Figure

    with figure_style():
        frame = sc.animate_convolution(CANONICAL, dpi=100).frames[1]
    figure = Figure(figsize=(frame.shape[1] / 100, frame.shape[0] / 100), dpi=100)
    figure.figimage(frame)
    return figure


@compare_dark
def test_connectivity_dark_style():
    with figure_style(), matplotlib.style.context("dark_background"):
        return figure_of(sc.plot_connectivity(sc.Conv2d((1, 5, 5), 1, 3, bias=False)))


@compare
def test_sparsity_large_font():
    with figure_style(), matplotlib.rc_context({"font.size": 16}):
        return figure_of(sc.plot_sparsity(sc.Conv1d((1, 6), 1, 3, bias=False)))


@compare
def test_connectivity_transposed():
    with figure_style():
        return figure_of(sc.plot_connectivity(sc.ConvTranspose2d((1, 2, 2), 1, 3, bias=False)))


@compare
def test_dense_vs_conv_8x8():
    with figure_style():
        return sc.plot_dense_vs_conv(sc.Conv2d((1, 8, 8), 1, 3, padding=1, bias=False))


@compare
def test_unit_rows_lit():
    layer = sc.Conv1d((1, 5), 1, 3, padding=1, bias=False)
    with figure_style():
        return figure_of(sc.plot_unit_rows(
            layer, lit_units=["x3", "h2", "h3", "h4"],
            lit_edges=[("x3", "h2"), ("x3", "h3"), ("x3", "h4")]))


@compare
def test_unit_rows_network_weights():
    net = sc.Sequential.build((1, 9), (sc.Conv1d, 1, 3, {"padding": 1}),
                              (sc.Conv1d, 1, 3, {"stride": 2}))
    with figure_style():
        return figure_of(sc.plot_unit_rows(net, weights=True, edge_labels=True))


@compare
def test_network_receptive_field_grid():
    net = sc.Sequential.build((1, 16, 16), (sc.Conv2d, 1, 3), (sc.MaxPool2d, 2),
                              (sc.Conv2d, 1, 3))
    with figure_style():
        return figure_of(sc.plot_receptive_field(net, (0, 2, 3)))


@compare_dark
def test_receptive_field_dark_style():
    with figure_style(), matplotlib.style.context("dark_background"):
        return figure_of(sc.plot_receptive_field(CANONICAL, (0, 0, 1)))
