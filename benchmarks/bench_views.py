"""Timings of the views (pictures, display, exports) against their targets.

Run with ``python benchmarks/bench_views.py``. Each row shows the first call (cold:
it also imports matplotlib and fills caches) and the best of a few repeats.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from bench_networks import report_rows

import symconv as sc


def connectivity_28x28() -> None:
    """The issue's target: the connectivity diagram of a 28x28 convolution, saved as PNG."""
    ax = sc.plot_connectivity(sc.Conv2d((1, 28, 28), 8, 3))
    ax.figure.savefig(io.BytesIO(), format="png")
    plt.close(ax.figure)


def dense_vs_conv_svg() -> None:
    figure = sc.plot_dense_vs_conv(sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False))
    figure.savefig(io.StringIO(), format="svg")
    plt.close(figure)


def display_huge_layers() -> None:
    """What a REPL prints for VGG-16's largest dense layer and a deep convolution."""
    str(sc.Dense(25088, 4096))
    sc.Conv2d((512, 14, 14), 512, 3, padding=1)._repr_latex_()


EXPORTED = sc.Conv2d((3, 16, 16), 8, 3, padding=1)


def graph_export() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sc.export(EXPORTED, Path(folder) / "conv.graphml")


def main() -> None:
    report_rows([
        ("plot_connectivity(Conv2d((1, 28, 28), 8, 3)) to PNG", connectivity_28x28, 3.0),
        ("plot_dense_vs_conv of the canonical example to SVG", dense_vs_conv_svg, 3.0),
        ("str() of Dense(25088, 4096), LaTeX of Conv2d 512->512", display_huge_layers, 0.5),
        (f"GraphML export, {EXPORTED.num_weight_connections:,} edges", graph_export, 10.0),
    ])


if __name__ == "__main__":
    main()
