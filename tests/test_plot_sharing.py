"""The seed figure of weight sharing: the MIMO diagram and the K L count beside it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import symconv as sc


def test_mimo_panel_repeats_one_colour_per_weight_and_counts_match_the_layers() -> None:
    conv = sc.Conv1d((2, 5), 2, 2, bias=False)
    fig = sc.plot_weight_sharing(conv)
    assert plt.gcf() is fig
    left, right = fig.axes[:2]
    (lines,) = [c for c in left.collections if c.get_gid() == "connections"]
    colors = np.round(np.asarray(lines.get_colors()), 6)
    assert len(colors) == conv.num_weight_connections == 32
    assert len(np.unique(colors, axis=0)) == conv.num_weight_parameters == 8
    dense, shared, uses = right.get_lines()[:3]
    for n, k_l, weights, used in zip(dense.get_xdata(), dense.get_ydata(),
                                     shared.get_ydata(), uses.get_ydata(), strict=True):
        layer = sc.Conv1d((2, int(n)), 2, 2, bias=False)
        assert k_l == sc.Dense(layer.in_shape, layer.n_out, bias=False).num_parameters
        assert weights == layer.num_parameters == 8
        assert used * weights == layer.num_weight_connections  # each weight n_out times
    plt.close(fig)


def test_only_a_conv1d_is_drawn() -> None:
    with pytest.raises(sc.LayerConfigError, match="Conv2d"):
        sc.plot_weight_sharing(sc.Conv2d((1, 3, 3), 1, 2))
