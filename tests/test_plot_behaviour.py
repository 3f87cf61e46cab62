"""What the figures show, checked on their artists: lines, colours, lit cells, data, frames."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from PIL import Image
from scipy.signal import correlate2d

import symconv as sc
from symconv.plots.style import ParameterColors, cell_face, figure_style

CANONICAL = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)


def connections(ax):
    (lines,) = [c for c in ax.collections if c.get_gid() == "connections"]
    return lines


def distinct_rows(colors) -> int:
    return len(np.unique(np.round(np.asarray(colors), 6), axis=0))


def lit_cells(ax, gid: str) -> list[int]:
    """Indices of the grid cells covered by the lit overlay (and coloured, not blank)."""
    (cells,) = [c for c in ax.collections if c.get_gid() == gid]
    (lit,) = [c for c in ax.collections if c.get_gid() == f"{gid}-lit"]
    centres = np.array([path.vertices[:4].mean(axis=0) for path in cells.get_paths()])
    lit_centres = np.array([path.vertices[:4].mean(axis=0) for path in lit.get_paths()])
    faces = np.asarray(lit.get_facecolor())
    assert np.all(np.any(np.abs(faces - to_rgba(cell_face())) > 1e-6, axis=1))
    found = [int(np.argmin(np.linalg.norm(centres - c, axis=1))) for c in lit_centres]
    return sorted(found)


# --- connectivity -----------------------------------------------------------------


def test_canonical_connectivity_repeats_four_weights():
    ax = sc.plot_connectivity(CANONICAL)
    lines = connections(ax)
    assert len(lines.get_segments()) == 16  # 4 outputs x 4 inputs (the design's example)
    colors = np.asarray(lines.get_colors()).reshape(4, 4, 4)  # output, tap, rgba
    # every output reads its window through the same four weights, in the same order
    assert (colors == colors[0]).all()
    assert distinct_rows(colors[0]) == 4
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["$w_{1,1}$", "$w_{1,2}$", "$w_{2,1}$", "$w_{2,2}$"]


def test_dense_connectivity_gives_every_line_its_own_colour():
    ax = sc.plot_connectivity(sc.Dense((1, 4, 4), 4, bias=False))
    lines = connections(ax)
    assert len(lines.get_segments()) == 64
    assert distinct_rows(lines.get_colors()) == 64
    key = ax.get_legend()  # a caption instead of a 64-entry legend
    assert key.get_texts() == []
    assert "64 weights" in key.get_title().get_text()
    # distinguishable, not shades of one colormap: every two colours differ clearly
    rgb = lines.get_colors()[:, :3]
    gaps = np.linalg.norm(rgb[:, None] - rgb[None], axis=-1) + 9 * np.eye(len(rgb))
    assert gaps.min() > 0.1


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        (sc.Conv1d((1, 5), 1, 3, padding=1), 13),  # 3 full windows of 3, 2 clipped of 2
        (sc.Conv2d((1, 5, 5), 1, 3), 81),  # 9 outputs x 9 taps
        (sc.Conv2d((2, 4, 4), 3, 3), 216),  # 3 x 2 channel pairs x 4 positions x 9 taps
        (sc.ConvTranspose1d((1, 3), 1, 2, stride=2), 6),  # each input scatters to 2 outputs
        (sc.LocallyConnected2d((1, 4, 4), 1, 2, stride=2), 16),
        (sc.AvgPool2d((1, 4, 4), 2), 16),
        (sc.Subsample2d((2, 4, 4), 2), 32),
        (sc.Conv1d((1, 3), 1, 3, padding=1, padding_mode="reflect"), 7),  # 2 + 3 + 2 folded
        (sc.Conv3d((1, 2, 3, 3), 1, 2, bias=False), 32),  # 4 outputs x 8 taps
    ],
)
def test_one_line_per_nonzero(layer, expected):
    lines = connections(sc.plot_connectivity(layer))
    assert len(lines.get_segments()) == expected == layer.num_weight_connections


def test_colours_count_the_weights_used():
    layer = sc.Conv2d((2, 4, 4), 3, 3, bias=False)
    lines = connections(sc.plot_connectivity(layer, channels=[1]))
    assert distinct_rows(lines.get_colors()) == 2 * 9  # output channel 2's two 3x3 kernels


def test_folded_entries_are_grey():
    layer = sc.Conv1d((1, 3), 1, 3, padding=1, padding_mode="reflect", bias=False)
    ax = sc.plot_connectivity(layer)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[-1] == "sum of weights (folded padding)"
    assert distinct_rows(connections(ax).get_colors()) == 3 + 1  # w_1..w_3 and the sum


def test_large_layer_is_cut_to_a_labelled_window():
    ax = sc.plot_connectivity(sc.Conv2d((1, 28, 28), 8, 3))
    assert len(connections(ax).get_segments()) == 3 * 3 * 9  # a 3x3 window of outputs
    notes = ax.texts[-1].get_text()  # the subtitle
    assert "channel 1 of 8" in notes and "rows 1–3 of 26" in notes


def test_large_connectivity_renders_quickly(tmp_path):
    start = time.perf_counter()
    with figure_style():
        ax = sc.plot_connectivity(sc.Conv2d((1, 28, 28), 8, 3))
        ax.figure.savefig(tmp_path / "conv.png")
    assert time.perf_counter() - start < 10  # a hang guard; it takes well under a second


def test_channel_and_window_selection():
    layer = sc.Conv2d((1, 6, 6), 2, 3, bias=False)
    ax = sc.plot_connectivity(layer, channels=1, window=(slice(0, 2), (1, 3)))
    assert len(connections(ax).get_segments()) == 4 * 9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"channels": [5]}, "channels=[5]"),
        ({"in_channels": -1}, "in_channels=-1"),
        ({"window": (slice(0, 2),)}, "window="),
        ({"window": (slice(3, 3), slice(0, 2))}, "window="),
    ],
)
def test_bad_selection_is_refused(kwargs, message):
    with pytest.raises(sc.SymconvError, match=re.escape(message)):
        sc.plot_connectivity(sc.Conv2d((1, 6, 6), 2, 3), **kwargs)


def test_draws_into_given_axes_without_pyplot():
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    assert sc.plot_connectivity(CANONICAL, ax) is ax
    assert sc.plot_sparsity(CANONICAL, ax=Figure().add_subplot()).get_title()
    assert plt.get_fignums() == []


def test_import_does_not_load_matplotlib():
    code = "import sys, symconv; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# --- sparsity -------------------------------------------------------------------------


def matrix_image(ax) -> np.ndarray:
    (image,) = [i for i in ax.images if i.get_gid() == "matrix"]
    return np.asarray(image.get_array())


def test_canonical_sparsity_pattern():
    ax = sc.plot_sparsity(CANONICAL)
    nonzero = np.any(matrix_image(ax)[..., :3] < 255, axis=-1)
    # the design's example: h11 reads x1, x2, x5, x6; h12 x3, x4, x7, x8; ...
    expected = np.zeros((4, 16), dtype=bool)
    for row, first in enumerate((1, 3, 9, 11)):
        expected[row, [first - 1, first, first + 3, first + 4]] = True
    assert (nonzero == expected).all()
    texts = [t.get_text() for t in ax.texts if t.get_text().startswith("$w")]
    assert texts[:4] == ["$w_{1,1}$", "$w_{1,2}$", "$w_{2,1}$", "$w_{2,2}$"]


def test_sparsity_matches_scipy_correlation():
    layer = sc.Conv2d((1, 5, 5), 1, 3, bias=False)
    nonzero = np.any(matrix_image(sc.plot_sparsity(layer))[..., :3] < 255, axis=-1)
    expected = np.stack([
        correlate2d(np.eye(25)[c].reshape(5, 5), np.ones((3, 3)), mode="valid").ravel() != 0
        for c in range(25)
    ], axis=1)
    assert (nonzero == expected).all()


def test_sparsity_and_connectivity_share_colours():
    line_colors = {tuple(np.round(c[:3], 4)) for c in
                   connections(sc.plot_connectivity(CANONICAL)).get_colors()}
    pixels = matrix_image(sc.plot_sparsity(CANONICAL)).reshape(-1, 4)[:, :3] / 255
    cell_colors = {tuple(np.round(p, 2)) for p in pixels if (p < 1).any()}
    assert {tuple(np.round(c, 2)) for c in line_colors} == cell_colors


def test_block_boundaries():
    ax = sc.plot_sparsity(sc.Conv2d((2, 4, 4), 2, 3, padding=1, bias=False))
    (blocks,) = [c for c in ax.collections if c.get_gid() == "blocks"]
    rows = sorted({s[0][1] for s in blocks.get_segments() if s[0][1] == s[1][1]})
    # 32 rows: 2 channel blocks of 16, each of 4 image rows of 4 units
    assert rows == [3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5]


# --- receptive field ----------------------------------------------------------------


def test_canonical_receptive_field():
    ax = sc.plot_receptive_field(CANONICAL, (0, 0, 1))
    assert lit_cells(ax, "inputs") == [2, 3, 6, 7]  # x3, x4, x7, x8
    assert lit_cells(ax, "outputs") == [1]
    weights = [t.get_text() for t in ax.texts if t.get_text().startswith("$w")]
    assert weights == ["$w_{1,1}$", "$w_{1,2}$", "$w_{2,1}$", "$w_{2,2}$"]


def test_dilated_receptive_field():
    layer = sc.Conv1d((1, 7), 1, 3, dilation=2)
    assert lit_cells(sc.plot_receptive_field(layer, 1), "inputs") == [1, 3, 5]


@pytest.mark.parametrize(
    ("layer", "unit"),
    [
        (sc.Conv2d((2, 5, 5), 3, 3, padding=1), (1, 0, 4)),
        (sc.Conv2d((1, 6, 6), 1, 2, stride=2, dilation=2), 3),
        (sc.ConvTranspose2d((1, 3, 3), 1, 3, stride=2), 12),
        (sc.AvgPool2d((1, 5, 5), 3, stride=2, padding=1), 0),
    ],
)
def test_receptive_field_shades_exactly_what_the_unit_reads(layer, unit):
    ax = sc.plot_receptive_field(layer, unit)
    assert lit_cells(ax, "inputs") == list(layer.receptive_field(unit))


def test_receptive_field_refuses_a_unit_outside_the_output():
    with pytest.raises(sc.UnitIndexError, match="4"):
        sc.plot_receptive_field(CANONICAL, 4)


# --- parameter growth ---------------------------------------------------------------


@pytest.mark.parametrize(("kernel", "channels"), [(3, 1), (5, 3)])
def test_growth_counts_follow_closed_forms(kernel, channels):
    sizes = [4, 16, 224]
    ax = sc.plot_parameter_growth(kernel, channels, sizes)
    dense, local, conv = (line.get_ydata().tolist() for line in ax.get_lines())
    units = [channels * n * n for n in sizes]
    assert dense == [u * u + u for u in units]
    assert local == [u * channels * kernel**2 + u for u in units]
    assert conv == [channels**2 * kernel**2 + channels] * len(sizes)
    assert ax.get_yscale() == "log"
    assert [line.get_xdata().tolist() for line in ax.get_lines()] == [sizes] * 3


def test_growth_refuses_bad_arguments():
    with pytest.raises(sc.SymconvError, match=r"sizes=\[\]"):
        sc.plot_parameter_growth(sizes=[])
    with pytest.raises(sc.LayerConfigError, match="kernel_size=0"):
        sc.plot_parameter_growth(kernel_size=0)


# --- animation ----------------------------------------------------------------------


def test_canonical_animation_has_four_frames(tmp_path):
    path = tmp_path / "conv.gif"
    with figure_style():
        sc.animate_convolution(CANONICAL, path)
    with Image.open(path) as gif:
        assert gif.n_frames == 4
    assert [p.name for p in tmp_path.iterdir()] == ["conv.gif"]


def test_animation_frames_follow_units(tmp_path):
    path = tmp_path / "conv.gif"
    layer = sc.Conv1d((1, 5), 2, 3)
    sc.animate_convolution(layer, path, units=[(1, 0), (1, 2)], fps=4)
    with Image.open(path) as gif:
        assert gif.n_frames == 2
        assert gif.info["duration"] == 250


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"path": "conv.png"}, sc.ExportError, "conv.png"),
        ({"fps": 0}, sc.SymconvError, "fps=0"),
        ({"units": []}, sc.SymconvError, "units="),
        ({"units": [9]}, sc.UnitIndexError, "9"),
    ],
)
def test_animation_refuses_bad_arguments(tmp_path, kwargs, error, message):
    if "path" in kwargs:
        kwargs["path"] = tmp_path / kwargs["path"]
    with pytest.raises(error, match=message):
        sc.animate_convolution(CANONICAL, **kwargs)
    assert list(tmp_path.iterdir()) == []


# --- the shared palette -------------------------------------------------------------


def test_palette_is_distinct_and_switches_to_a_colormap():
    for count in (1, 4, 8, 9, 10, 11, 64):
        colors = ParameterColors.of(range(count))
        assert colors.qualitative == (count <= 10)
        assert distinct_rows(colors.rgba(np.arange(count))) == count


# --- where figures go, and what plot functions refuse ---------------------------------


def test_plot_functions_make_pyplot_figures_that_savefig_writes(tmp_path):
    import matplotlib.pyplot as plt

    for draw in (lambda: sc.plot_connectivity(CANONICAL), lambda: sc.plot_sparsity(CANONICAL),
                 lambda: sc.plot_receptive_field(CANONICAL, 0),
                 lambda: sc.plot_unit_rows(sc.Conv1d((1, 5), 1, 3)),
                 lambda: sc.plot_parameter_growth(sizes=[4, 8])):
        drawn = draw()
        assert plt.gcf() is drawn.figure
        plt.savefig(tmp_path / "figure.png")
        with Image.open(tmp_path / "figure.png") as image:
            assert np.asarray(image.convert("L")).std() > 10  # not blank
        plt.close("all")
    figure = sc.plot_dense_vs_conv(CANONICAL)
    assert plt.gcf() is figure


def test_exports_and_the_cli_leave_no_pyplot_figure(tmp_path):
    import matplotlib.pyplot as plt

    from symconv.cli import draw

    layer = sc.Conv1d((1, 3), 1, 2)
    for k in range(100):
        sc.export(layer, tmp_path / f"c{k % 3}.{('png', 'svg', 'pdf')[k % 3]}")
    for kind in ("connectivity", "comparison", "sparsity", "receptive-field", "growth"):
        draw(layer, kind, tmp_path / f"{kind}.png")
    draw(layer, "animation", tmp_path / "a.gif")
    assert plt.get_fignums() == []


def test_a_network_is_refused_by_layer_plots_and_drawn_by_receptive_field():
    net = sc.Sequential.build((1, 8, 8), (sc.Conv2d, 1, 3), (sc.Conv2d, 1, 3))
    with pytest.raises(sc.SymconvError, match=r"net\.layers"):
        sc.plot_connectivity(net)
    with pytest.raises(sc.SymconvError, match=r"net\.layers"):
        sc.plot_sparsity(net)
    ax = sc.plot_receptive_field(net, 0)
    assert ax.get_title().startswith("Receptive field of $h^{(2)}_{1,1}$: 5×5")
    ax = sc.plot_receptive_field(sc.Sequential.build((1, 9), (sc.Conv1d, 1, 3)), 1)
    assert [c.get_gid() for c in ax.collections if c.get_gid() == "cone"] == ["cone"]


@pytest.mark.parametrize("call", [
    lambda: sc.plot_connectivity(CANONICAL, 0),
    lambda: sc.plot_sparsity(CANONICAL, "blocks"),
    lambda: sc.plot_receptive_field(CANONICAL, 0, 1),
])
def test_a_positional_option_in_place_of_the_axes_is_refused(call):
    with pytest.raises(sc.SymconvError, match="is not a matplotlib Axes"):
        call()


@pytest.mark.parametrize("dpi", [1, 0, -5, 10**6, float("nan"), "high", True])
def test_bad_dpi_is_refused(dpi):
    with pytest.raises(sc.SymconvError, match=re.escape(f"dpi={dpi!r}")):
        sc.animate_convolution(CANONICAL, dpi=dpi)


@pytest.mark.parametrize("draw", [
    sc.plot_connectivity, sc.plot_sparsity, sc.plot_dense_vs_conv, sc.animate_convolution,
    lambda layer: sc.plot_receptive_field(layer, 0), sc.plot_unit_rows,
])
def test_layers_with_enormous_rows_are_refused_before_any_work(draw):
    with pytest.raises(sc.SizeLimitError, match="100,000,000 inputs"):
        draw(sc.Dense(10**8, 1))


def test_bad_style_is_refused():
    with pytest.raises(sc.SymconvError, match="style='no-such-style'"):
        sc.plot_connectivity(CANONICAL, style="no-such-style")


def test_style_option_applies_while_drawing():
    import matplotlib

    ax = sc.plot_connectivity(CANONICAL, style="dark_background")
    assert matplotlib.colors.to_hex(ax.title.get_color()) == "#ffffff"
    assert matplotlib.colors.to_hex(ax.figure.get_facecolor()) == "#000000"
    assert matplotlib.rcParams["text.color"] != "white"  # only while drawing


def test_a_weight_keeps_its_colour_in_every_figure_of_a_layer():
    layer = sc.Dense(12, 6, bias=False)  # weight (o, i) is parameter 12 * o + i, as in torch
    colors = ParameterColors.of([], layer.num_weight_parameters)
    part = connections(sc.plot_connectivity(layer, window=slice(2, 4))).get_colors()
    assert np.allclose(part[:, :3], colors.rgba(np.arange(24, 48))[:, :3])
    whole = matrix_image(sc.plot_sparsity(layer))
    assert np.allclose(whole[2, 0, :3] / 255, colors.rgba(np.array([24]))[0, :3], atol=0.01)
    assert np.allclose(whole[5, 11, :3] / 255, colors.rgba(np.array([71]))[0, :3], atol=0.01)


def test_animation_is_a_notebook_player_and_frames_are_images(tmp_path):
    animation = sc.animate_convolution(CANONICAL, fps=4)
    assert len(animation.frames) == 4
    assert len({frame.tobytes() for frame in animation.frames}) == 4  # every frame differs
    html = animation._repr_html_()
    assert "<script" in html and html.count("data:image/png;base64") == 4
    animation.save(tmp_path / "a.gif")
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 4
