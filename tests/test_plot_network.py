"""Network pictures: the growing receptive field of a deep unit, and its place on a 2-D input."""

from __future__ import annotations

import matplotlib
import networkx as nx
import numpy as np
import pytest
from matplotlib.colors import to_rgba

import symconv as sc
from symconv.plots.style import HIGHLIGHT

matplotlib.use("Agg")


def by_gid(ax: matplotlib.axes.Axes, gid: str) -> list:
    return [artist for artist in ax.get_children() if artist.get_gid() == gid]


def goodfellow_net() -> sc.Sequential:
    """Three stride-1 3-tap convolutions on 9 units (Goodfellow et al., figure 9.4)."""
    return sc.Sequential.build((1, 9), *[(sc.Conv1d, 1, 3, {"padding": 1})] * 3)


def test_growth_lights_the_cone_of_the_graph() -> None:
    net = sc.Sequential.build((1, 13), (sc.Conv1d, 2, 3), (sc.MaxPool1d, 2),
                              (sc.Conv1d, 1, 2, {"dilation": 2}))
    unit = 1
    ax = sc.plot_receptive_field_growth(net, unit)
    graph = net.graph()
    target = f"L{len(net)}.h{unit + 1}"
    cone_nodes = nx.ancestors(graph, target) | {target}
    cone_edges = graph.subgraph(cone_nodes).number_of_edges()
    (cone,) = by_gid(ax, "cone")
    (plain,) = by_gid(ax, "connections")
    assert len(cone.get_segments()) == cone_edges
    assert len(cone.get_segments()) + len(plain.get_segments()) == graph.number_of_edges()
    (units,) = by_gid(ax, "units")
    lit = np.all(np.isclose(units.get_facecolors(), to_rgba(HIGHLIGHT)), axis=1)
    assert lit.sum() == len(cone_nodes) and len(lit) == graph.number_of_nodes()
    left, right = ax.get_xlim()
    bottom, top = ax.get_ylim()
    x, y = units.get_offsets().T
    assert left < x.min() and x.max() < right and bottom < y.min() and y.max() < top


def test_growth_default_unit_is_the_middle_one() -> None:
    ax = sc.plot_receptive_field_growth(goodfellow_net())
    # the middle unit of the top row sees 7 of the 9 inputs: the field grows by 2 per layer
    assert ax.get_title() == "Receptive field of $h^{(3)}_{5}$: 7 of 9 inputs"
    texts = [t.get_text() for t in ax.texts if "/" in t.get_text()]
    assert [t.split()[-1] for t in texts] == ["7/9", "5/9", "3/9", "1/9"]


def test_growth_draws_into_given_axes_and_refuses_2d() -> None:
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    assert sc.plot_receptive_field_growth(goodfellow_net(), 0, ax=ax) is ax
    plt.close(figure)
    with pytest.raises(sc.ShapeMismatchError, match="1-D networks"):
        sc.plot_receptive_field_growth(sc.Conv2d((1, 4, 4), 1, 2))
    with pytest.raises(sc.ShapeMismatchError, match="at most 256 units"):
        sc.plot_receptive_field_growth(sc.Conv1d((1, 300), 1, 3))


def test_2d_field_lights_the_exact_set_and_boxes_the_analytic_one() -> None:
    net = sc.Sequential.build((2, 16, 16), (sc.Conv2d, 1, 3), (sc.MaxPool2d, 2),
                              (sc.Conv2d, 1, 3))
    ax = sc.plot_network_receptive_field(net, (0, 0, 2))
    field = net.receptive_field_details((0, 0, 2))
    (image,) = by_gid(ax, "field")
    lit = image.get_array()[..., 3] > 0
    assert np.array_equal(lit, field.mask().any(axis=0))
    (box,) = by_gid(ax, "analytic")
    assert (box.get_x() + 0.5, box.get_y() + 0.5) == (field.start[1], field.start[0])
    assert (box.get_width(), box.get_height()) == (8, 8)
    assert ax.get_title() == "Receptive field of $h^{(3)}_{1,3}$: 8×8 of 16×16 inputs"
    (grid,) = by_gid(ax, "grid")
    assert len(grid.get_segments()) == 2 * 17  # a line between every two cells, and edges


def test_2d_field_over_an_image_and_errors() -> None:
    net = sc.Sequential.build((1, 8, 8), (sc.Conv2d, 1, 3, {"padding": 1}))
    image = np.linspace(0, 1, 64).reshape(8, 8)
    ax = sc.plot_network_receptive_field(net, (0, 0, 0), image=image)
    assert ax.get_title() == "Receptive field of $h^{(1)}_{1,1}$: 2×2 of 8×8 inputs"
    with pytest.raises(sc.ShapeMismatchError, match="image has shape"):
        sc.plot_network_receptive_field(net, 0, image=np.zeros((4, 4)))
    with pytest.raises(sc.ShapeMismatchError, match=r"2-D inputs \(C, H, W\)"):
        sc.plot_network_receptive_field(goodfellow_net(), 0)
