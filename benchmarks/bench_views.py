"""Timings of the views (pictures, display, exports) against their targets.

Run with ``python benchmarks/bench_views.py``. Each row shows the first call (cold:
it also imports matplotlib and fills caches) and the best of a few repeats.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
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


def notebook_display_dense() -> None:
    """What a notebook shows for VGG-16's largest dense layer (plain text and LaTeX)."""
    sc.Dense(25088, 4096)._repr_mimebundle_()


def notebook_display_conv() -> None:
    sc.Conv2d((3, 224, 224), 64, 3, padding=1)._repr_mimebundle_()


def dense_vs_conv_vgg() -> None:
    """The comparison for a VGG-sized layer (64 channels of 224x224 in and out)."""
    plt.close(sc.plot_dense_vs_conv(sc.Conv2d((64, 224, 224), 64, 3, padding=1)))


def dense_vs_conv_8x8() -> None:
    plt.close(sc.plot_dense_vs_conv(sc.Conv2d((1, 8, 8), 1, 3, padding=1)))


ANIMATED = sc.Conv2d((1, 8, 8), 1, 3, padding=1)


def animation_gif() -> None:
    """The issue's 64-frame animation, written as a GIF."""
    with tempfile.TemporaryDirectory() as folder:
        sc.animate_convolution(ANIMATED, Path(folder) / "a.gif")


def demo_cpu_seconds() -> float:
    """CPU seconds of ``symconv demo`` in a fresh process (interpreter start included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "symconv", "demo", "-o", folder], check=True,
                       capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


EXPORTED = sc.Conv2d((3, 16, 16), 8, 3, padding=1)


def graph_export() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sc.export(EXPORTED, Path(folder) / "conv.graphml")


def main() -> None:
    report_rows([
        ("plot_connectivity(Conv2d((1, 28, 28), 8, 3)) to PNG", connectivity_28x28, 1.0),
        ("plot_dense_vs_conv of the canonical example to SVG", dense_vs_conv_svg, 3.0),
        ("str() of Dense(25088, 4096), LaTeX of Conv2d 512->512", display_huge_layers, 0.5),
        (f"GraphML export, {EXPORTED.num_weight_connections:,} edges", graph_export, 10.0),
        ("notebook display of Dense(25088, 4096)", notebook_display_dense, 0.05),
        ("notebook display of Conv2d 3x224x224 -> 64", notebook_display_conv, 0.05),
        ("plot_dense_vs_conv of Conv2d 64x224x224 -> 64", dense_vs_conv_vgg, 2.0),
        ("plot_dense_vs_conv of Conv2d 1x8x8, k3", dense_vs_conv_8x8, 0.5),
        (f"animation GIF of {ANIMATED.short_repr()}, 64 frames (0.1 s a frame)",
         animation_gif, 6.4),
    ])
    cpu = sorted(demo_cpu_seconds() for _ in range(3))
    print(f"symconv demo: CPU {cpu[1]:.2f} s median of 3 (spread {cpu[0]:.2f}-{cpu[2]:.2f} s; "
          "target < 3 s)")


if __name__ == "__main__":
    main()
