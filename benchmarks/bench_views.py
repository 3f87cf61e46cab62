"""Timings of the views (pictures, display, exports) against their targets.

Run with ``python benchmarks/bench_views.py``. Each row shows the first call (cold:
it also imports matplotlib and fills caches) and the best of a few repeats. The graph
rows (:func:`graph_rows`) time ``graph()`` of the 424,128-edge layer of
``Conv2d((3, 32, 32), 16, 3, padding=1)`` against its target; each export format on a
quarter of it against the floor it must stay within 2x of, timed alternately in the
same process (median of 5, with the spread): NetworkX's own writer on the same graph
with file-friendly attributes for GraphML, GEXF and JSON, writing the finished bytes
for DOT; then every format once on all 424,128 edges.
"""

from __future__ import annotations

import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
from bench_networks import report_rows

import symconv as sc
from symconv.graphfile import EDGES_KEY, encoded_graph


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


BIG = sc.Conv2d((3, 32, 32), 16, 3, padding=1)
"""The issue's large layer: 424,128 edges."""
MEDIUM = sc.Conv2d((3, 16, 16), 8, 3, padding=1)
"""A quarter of it, for the export ratios (each is timed ten times)."""
REPEATS = 5


def _median(work: Callable[[], object]) -> tuple[float, float, float]:
    """Median, lowest and highest of ``REPEATS`` CPU timings of ``work`` (seconds).

    CPU time of this process, not wall time: on a loaded machine (CI, shared cores)
    wall time measures the other processes.
    """
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times), min(times), max(times)


def _alternating(first: Callable[[], object], second: Callable[[], object]
                 ) -> tuple[list[float], list[float]]:
    """CPU timings of ``first`` and ``second`` run in turn, ``REPEATS`` times each."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        for work, out in ((first, times[0]), (second, times[1])):
            start = time.process_time()
            work()
            out.append(time.process_time() - start)
    return times


def _spread(times: list[float]) -> str:
    return (f"{statistics.median(times):6.2f} s "
            f"({min(times):.2f}-{max(times):.2f})")


def _networkx_writer(ext: str, graph: nx.DiGraph, path: Path) -> Callable[[], object]:
    if ext == ".graphml":
        return lambda: nx.write_graphml(graph, path)
    if ext == ".gexf":
        return lambda: nx.write_gexf(graph, path)
    return lambda: path.write_text(
        json.dumps(nx.node_link_data(graph, **EDGES_KEY), indent=1, ensure_ascii=False)
    )


def graph_rows() -> None:
    """``graph()`` of 424k edges (target < 1 s); each export format against its floor."""
    edges = BIG.num_weight_connections
    BIG.connectivity  # the core's cost is not the graph's  # noqa: B018
    median, low, high = _median(lambda: BIG.graph(max_edges=edges))
    print(f"graph() of {edges:,} edges: median {median:.2f} s CPU ({low:.2f}-{high:.2f}), "
          f"target < 1 s {'ok' if median < 1 else 'SLOW'}", flush=True)
    graph = MEDIUM.graph()
    plain = encoded_graph(graph)
    print(f"exports of {graph.number_of_edges():,} edges, CPU median of {REPEATS} (spread):")
    with tempfile.TemporaryDirectory() as folder:
        for ext in (".graphml", ".gexf", ".json"):
            ours, floor = _alternating(
                lambda ext=ext: sc.export(graph, Path(folder) / f"g{ext}"),
                _networkx_writer(ext, plain, Path(folder) / f"nx{ext}"),
            )
            ratio = statistics.median(ours) / statistics.median(floor)
            print(f"  {ext:<8} {_spread(ours)}  NetworkX's writer {_spread(floor)}  "
                  f"ratio {ratio:.2f} (target <= 2) {'ok' if ratio <= 2 else 'SLOW'}",
                  flush=True)
        dot = Path(folder) / "g.dot"
        sc.export(graph, dot)
        data = dot.read_bytes()
        ours, floor = _alternating(lambda: sc.export(graph, dot),
                                   lambda: (Path(folder) / "bytes.dot").write_bytes(data))
        ratio = statistics.median(ours) / statistics.median(floor)
        print(f"  .dot     {_spread(ours)}  writing its {len(data) / 1e6:.0f} MB "
              f"{_spread(floor)}  ratio {ratio:.1f} (target <= 2) "
              f"{'ok' if ratio <= 2 else 'SLOW'}", flush=True)
        big = BIG.graph(max_edges=edges)
        for ext in (".graphml", ".gexf", ".json", ".dot"):
            start = time.process_time()
            size = sc.export(big, Path(folder) / f"big{ext}").stat().st_size
            print(f"  {ext:<8} of all {edges:,} edges: {time.process_time() - start:.1f} s CPU, "
                  f"{size / 1e6:.0f} MB (once)", flush=True)


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
    graph_rows()
    cpu = sorted(demo_cpu_seconds() for _ in range(3))
    print(f"symconv demo: CPU {cpu[1]:.2f} s median of 3 (spread {cpu[0]:.2f}-{cpu[2]:.2f} s; "
          "target < 3 s)")


if __name__ == "__main__":
    main()
