"""Nothing clipped, nothing too small: every plot kind over a grid of layer shapes.

Each figure is drawn as it would be saved; every visible text must lie inside the
canvas and be at least 6 pt at the figure's own size, and the figure's drawn
extent must fit the canvas. The exported files of the layers whose titles used to
be cut are rendered back to pixels (PNG; SVG with rsvg-convert, PDF with pdftoppm
when installed) and must have an empty margin all round.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image

import symconv as sc
from symconv.plots.style import figure_style

LAYERS = {
    "conv1d": sc.Conv1d((1, 6), 1, 3),
    "conv1d-strided-dilated": sc.Conv1d((3, 16), 4, 5, stride=2, dilation=2),
    "conv1d-32-channels": sc.Conv1d((32, 10), 32, 1),
    "conv2d-6x6-k3": sc.Conv2d((1, 6, 6), 1, 3),
    "conv2d-7x7-s2-d2": sc.Conv2d((1, 7, 7), 1, 3, stride=2, dilation=2),
    "conv2d-28x28": sc.Conv2d((1, 28, 28), 1, 3),
    "conv2d-2-outputs": sc.Conv2d((1, 6, 6), 2, 3),
    "conv2d-k7-same": sc.Conv2d((3, 9, 9), 8, 7, padding=3),
    "conv2d-k1-32": sc.Conv2d((16, 8, 8), 32, 1),
    "transposed-2x2": sc.ConvTranspose2d((1, 2, 2), 1, 3, stride=2),
    "transposed-1d": sc.ConvTranspose1d((2, 4), 1, 3, stride=2),
    "dense": sc.Dense(16, 4),
    "pool": sc.AvgPool2d((1, 4, 4), 2),
}

KINDS = {
    "connectivity": lambda layer: sc.plot_connectivity(layer),
    "sparsity": lambda layer: sc.plot_sparsity(layer),
    "receptive-field": lambda layer: sc.plot_receptive_field(layer, 0),
}

MIN_POINTS = 6.0


def check_legible(figure) -> None:
    """Every visible text inside the canvas and at least 6 pt; the drawn extent too."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    canvas = figure.bbox
    ticks = {id(label) for ax in figure.axes for axis in (ax.xaxis, ax.yaxis)
             for tick in axis.get_major_ticks() + axis.get_minor_ticks()
             for label in (tick.label1, tick.label2)}
    for ax in figure.axes:  # tick labels: only the drawn ones, inside the view
        if ax.axison:
            for label in ax.get_xticklabels() + ax.get_yticklabels():
                assert label.get_fontsize() >= MIN_POINTS, label.get_text()
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or id(text) in ticks:
            continue
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.y0 >= -1, (text.get_text(), box, canvas)
        assert box.x1 <= canvas.x1 + 1 and box.y1 <= canvas.y1 + 1, (text.get_text(), box)
        assert text.get_fontsize() >= MIN_POINTS, (text.get_text(), text.get_fontsize())
    drawn = figure.get_tightbbox(renderer).transformed(figure.dpi_scale_trans)
    assert drawn.x0 >= -1 and drawn.y0 >= -1
    assert drawn.x1 <= canvas.x1 + 1 and drawn.y1 <= canvas.y1 + 1, (drawn, canvas)


def figure_of(drawn):
    return getattr(drawn, "figure", drawn)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", LAYERS)
def test_every_plot_kind_fits_its_canvas(kind, name) -> None:
    with figure_style():
        check_legible(figure_of(KINDS[kind](LAYERS[name])))


@pytest.mark.parametrize("name", ["conv2d-6x6-k3", "conv2d-28x28", "transposed-1d", "dense"])
def test_comparison_fits_its_canvas(name) -> None:
    with figure_style():
        check_legible(sc.plot_dense_vs_conv(LAYERS[name]))


@pytest.mark.parametrize("layer", [sc.Conv1d((1, 9), 1, 3, padding=1),
                                   sc.Conv2d((1, 4, 4), 1, 2, stride=2),
                                   sc.Sequential.build((1, 9), (sc.Conv1d, 1, 3),
                                                       (sc.Conv1d, 1, 3, {"stride": 2}))])
def test_unit_rows_fit_their_canvas(layer) -> None:
    with figure_style():
        check_legible(figure_of(sc.plot_unit_rows(layer, edge_labels=True)))


@pytest.mark.parametrize("style", [{"font.size": 20}, "dark_background"])
@pytest.mark.parametrize("kind", KINDS)
def test_user_styles_fit_their_canvas(style, kind) -> None:
    with figure_style(), matplotlib.style.context(style):
        check_legible(figure_of(KINDS[kind](LAYERS["conv2d-6x6-k3"])))


def test_large_font_size_is_respected() -> None:
    with figure_style(), matplotlib.rc_context({"font.size": 20}):
        ax = sc.plot_connectivity(LAYERS["conv2d-6x6-k3"])
    assert ax.title.get_fontsize() == 24


def test_dark_background_titles_are_visible() -> None:
    with figure_style(), matplotlib.style.context("dark_background"):
        ax = sc.plot_sparsity(LAYERS["conv2d-6x6-k3"])
    ink = matplotlib.colors.to_rgb(ax.title.get_color())
    face = matplotlib.colors.to_rgb(ax.figure.get_facecolor())
    assert np.abs(np.subtract(ink, face)).sum() > 1.5


def margin_is_empty(png: Path) -> bool:
    """Whether the outermost 2 pixels all round are one colour: nothing drawn reaches them."""
    with Image.open(png) as image:
        pixels = np.asarray(image.convert("L"), dtype=int)
    edges = np.concatenate([pixels[:2].ravel(), pixels[-2:].ravel(), pixels[:, :2].ravel(),
                            pixels[:, -2:].ravel()])
    return bool(np.ptp(edges) < 8)


RENDERERS = {
    ".png": None,
    ".svg": ["rsvg-convert", "-o", "{png}", "{src}"],
    ".pdf": ["pdftoppm", "-png", "-r", "72", "-singlefile", "{src}", "{stem}"],
}


@pytest.mark.parametrize("ext", RENDERERS)
@pytest.mark.parametrize("name", ["conv2d-6x6-k3", "conv2d-7x7-s2-d2", "conv2d-28x28",
                                  "conv2d-2-outputs"])
def test_exported_diagrams_keep_their_titles_whole(tmp_path, ext, name) -> None:
    target = tmp_path / f"diagram{ext}"
    sc.export(LAYERS[name], target)
    command = RENDERERS[ext]
    png = target if command is None else tmp_path / "rendered.png"
    if command is not None:
        if shutil.which(command[0]) is None:
            pytest.skip(f"{command[0]} is not installed")
        subprocess.run([part.format(png=png, src=target, stem=tmp_path / "rendered")
                        for part in command], check=True)
    assert margin_is_empty(png)
