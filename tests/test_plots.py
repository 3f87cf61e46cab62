"""Image-comparison tests of every figure kind, against committed baselines.

Run ``pytest --mpl tests/test_plots.py`` to compare with ``tests/baseline``;
regenerate with ``--mpl-generate-path=tests/baseline`` after a deliberate change
(and look at the new images). Without ``--mpl`` the figures are only drawn.
"""

from __future__ import annotations

import pytest

import symconv as sc
from symconv.plots.animation import SlidingWindow
from symconv.plots.style import FIGURE_RC, figure_style

pytest.importorskip("pytest_mpl")

compare = pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, style=FIGURE_RC)

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
    with figure_style():
        window = SlidingWindow(CANONICAL, [0, 1, 2, 3])
        window.show(1)
        return window.figure
