"""The ``symconv`` command: matrices, figures and exports of layers written as SPECs.

A SPEC is a layer constructor call such as ``"Conv2d((1, 4, 4), 1, 2, stride=2)"``
with literal arguments (see :func:`symconv.parse_spec`; it is never evaluated)::

    symconv matrix SPEC [--latex] [--max-rows N] [--max-cols N]
    symconv draw SPEC [--kind KIND] -o FILE [--unit N] [--dpi DPI]
    symconv export SPEC -o FILE [--bias] [--tikz] [--dpi DPI] [--max-edges N]
    symconv summary SPEC [SPEC ...]
    symconv demo [-o DIR]

Mistakes (a bad SPEC or layer argument, an unknown kind, a path that cannot be
written) print one line ``symconv: error: ...`` to standard error and exit with
status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from symconv import display
from symconv.errors import SymconvError, UnitIndexError
from symconv.exporting import checked_dpi, checked_target, export
from symconv.layer import Layer
from symconv.spec import parse_spec

__all__ = ["DEMO_FILES", "FIGURE_KINDS", "demo_text", "draw", "main", "summary_text"]

CANONICAL_SPEC = "Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)"
"""The canonical example: a 4x4 input, one 2x2 kernel, stride 2."""
DENSE_SPEC = "Dense((1, 4, 4), 4, bias=False)"
"""The dense layer between the same 16 inputs and 4 outputs."""


def _figure(kind: str, layer: Layer, unit: int) -> Any:
    """The Figure or Axes of one figure kind (all but the animation)."""
    import symconv

    if kind == "connectivity":
        return symconv.plot_connectivity(layer)
    if kind == "comparison":
        return symconv.plot_dense_vs_conv(layer)
    if kind == "sparsity":
        return symconv.plot_sparsity(layer)
    if kind == "receptive-field":
        return symconv.plot_receptive_field(layer, unit - 1)
    kernel = layer.structure.kernel
    return symconv.plot_parameter_growth(
        kernel_size=max(kernel) if kernel else 3, channels=layer.in_shape[0]
    )


FIGURE_KINDS = ("connectivity", "comparison", "sparsity", "receptive-field", "growth")
"""Figure kinds ``symconv draw`` saves as PNG, SVG or PDF (plus ``animation``, a GIF)."""


def draw(
    layer: Layer, kind: str, path: str | Path, *, unit: int = 1, dpi: float | None = None
) -> Path:
    """Write one figure of ``layer`` to ``path``; ``unit`` is a 1-based output unit.

    ``dpi`` is the resolution of a PNG or GIF (default: that of :func:`symconv.export`
    and :func:`symconv.animate_convolution`).

    Examples
    --------
    >>> import symconv as sc
    >>> draw(sc.Conv1d((1, 4), 1, 2), "growth", "plot.gif")
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: cannot export to 'plot.gif': unknown extension '.gif'; ...
    """
    from symconv.plots.figures import off_screen
    from symconv.plots.style import figure_style

    if kind == "animation":
        target = checked_target(path, (".gif",))
        with figure_style(), off_screen():
            import symconv

            options: dict[str, Any] = {} if dpi is None else {"dpi": checked_dpi(dpi)}
            symconv.animate_convolution(layer, path=target, **options)  # written atomically
        return target
    target = checked_target(path, (".png", ".svg", ".pdf"))
    if not 1 <= unit <= layer.n_out:
        raise UnitIndexError(f"unit {unit} is outside the outputs 1..{layer.n_out} of "
                             f"{layer.short_repr()}")
    with figure_style(), off_screen():
        return export(_figure(kind, layer, unit), target, **({} if dpi is None else {"dpi": dpi}))


def summary_text(layers: Sequence[Layer]) -> str:
    """The summary table of the network the layers make (see :meth:`symconv.Sequential.summary`).

    Examples
    --------
    >>> import symconv as sc
    >>> print(summary_text([sc.Conv2d((1, 4, 4), 1, 2, stride=2), sc.Dense(4, 2)]))
    #  layer   in -> out               parameters  connections  dense equiv.  sharing  density   RF
    1  Conv2d  (1, 4, 4) -> (1, 2, 2)           5           20            68      4.0      25%  2x2
    2  Dense   (4,) -> (2,)                    10           10            10      1.0     100%  4x4
       total                                   15           30            78
    """
    from symconv.network import Sequential

    return str(Sequential(*layers).summary())


# --- demo -----------------------------------------------------------------------
DEMO_FIGURES = (
    ("connectivity.svg", "connectivity"),
    ("connectivity.png", "connectivity"),
    ("connectivity.pdf", "connectivity"),
    ("dense-vs-conv.svg", "comparison"),
    ("sparsity.svg", "sparsity"),
    ("receptive-field.svg", "receptive-field"),
    ("parameter-growth.svg", "growth"),
    ("animation.gif", "animation"),
)
DEMO_EXPORTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("matrix.tex", {}),
    ("connectivity.tex", {"tikz": True}),
    ("graph.graphml", {}),
    ("graph.gexf", {}),
    ("graph.json", {}),
    ("graph.dot", {}),
)
DEMO_FILES = tuple(name for name, _ in DEMO_FIGURES + DEMO_EXPORTS)
"""The files ``symconv demo`` writes."""


def demo_text(conv: Layer, dense: Layer) -> str:
    """The canonical convolution's matrix next to the dense layer's, with their counts.

    Examples
    --------
    >>> import symconv as sc
    >>> text = demo_text(parse_spec(CANONICAL_SPEC), parse_spec(DENSE_SPEC))
    >>> print(text.splitlines()[0])
    A 4x4 input (x_1 ... x_16, row by row), one 2x2 kernel, stride 2, no bias.
    """
    field = ", ".join(f"x_{i + 1}" for i in conv.receptive_field(0))
    ratio = dense.num_parameters // max(conv.num_parameters, 1)
    return "\n".join([
        "A 4x4 input (x_1 ... x_16, row by row), one 2x2 kernel, stride 2, no bias.",
        "",
        f"Convolution  {CANONICAL_SPEC}",
        f"  {conv.num_parameters} parameters, {conv.num_connections} connections: "
        f"h_{{1,1}} reads {field}, and every output uses the same {conv.num_parameters} weights",
        display.matrix_text(conv),
        "",
        f"Dense        {DENSE_SPEC}",
        f"  {dense.num_parameters} parameters, {dense.num_connections} connections: "
        f"every output reads all {dense.n_in} inputs, {ratio}x the parameters",
        display.matrix_text(dense, max_cols=8),
    ])


def _write_demo(folder: str | Path) -> list[Path]:
    """Write every figure and export of the canonical example into ``folder``.

    The folder is created if needed; returns the paths written, in order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    conv = parse_spec(CANONICAL_SPEC)
    written = [draw(conv, kind, folder / name) for name, kind in DEMO_FIGURES]
    written += [export(conv, folder / name, **options) for name, options in DEMO_EXPORTS]
    return written


# --- command line ---------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other symconv error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"symconv: error: {message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return value


def _parser() -> argparse.ArgumentParser:
    from symconv import __version__

    parser = _Parser(
        prog="symconv",
        description="Exact symbolic weight matrices of neural-network layers. A SPEC is a "
        'layer call such as "Conv2d((1, 4, 4), 1, 2, stride=2)" with literal arguments.',
    )
    parser.add_argument("--version", action="version", version=f"symconv {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    matrix = commands.add_parser("matrix", help="print the symbolic weight matrix")
    matrix.add_argument("spec", metavar="SPEC")
    matrix.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    matrix.add_argument("--max-rows", type=_positive, default=display.MAX_ROWS, metavar="N")
    matrix.add_argument("--max-cols", type=_positive, default=display.MAX_COLS, metavar="N")

    draw_cmd = commands.add_parser("draw", help="save a figure (PNG, SVG, PDF; GIF animation)")
    draw_cmd.add_argument("spec", metavar="SPEC")
    draw_cmd.add_argument("--kind", choices=(*FIGURE_KINDS, "animation"),
                          default="connectivity")
    draw_cmd.add_argument("-o", "--output", required=True, metavar="FILE")
    draw_cmd.add_argument("--unit", type=_positive, default=1, metavar="N",
                          help="output unit of the receptive field, counted from 1")
    draw_cmd.add_argument("--dpi", type=float, metavar="DPI",
                          help="resolution of a PNG or GIF (PNG default 200)")

    export_cmd = commands.add_parser(
        "export", help="write the graph (.graphml .gexf .json .dot), LaTeX (.tex) or a diagram"
    )
    export_cmd.add_argument("spec", metavar="SPEC")
    export_cmd.add_argument("-o", "--output", required=True, metavar="FILE")
    export_cmd.add_argument("--bias", action="store_true", help="graphs: add the bias nodes")
    export_cmd.add_argument("--tikz", action="store_true", help=".tex: a TikZ diagram")
    export_cmd.add_argument("--dpi", type=float, metavar="DPI",
                            help=".png .svg .pdf: resolution (PNG default 200)")
    export_cmd.add_argument("--max-edges", type=_positive, metavar="N",
                            help="graphs: the size limit (nodes and edges) to raise")

    summary = commands.add_parser("summary", help="one line per layer of a network")
    summary.add_argument("specs", nargs="+", metavar="SPEC")

    demo = commands.add_parser("demo", help="the canonical example: matrices and every figure")
    demo.add_argument("-o", "--output", default="symconv-demo", metavar="DIR")
    return parser


def _run(args: argparse.Namespace) -> str:
    """Carry out one command; return what to print."""
    if args.command == "summary":
        return summary_text([parse_spec(spec) for spec in args.specs])
    if args.command == "demo":
        text = demo_text(parse_spec(CANONICAL_SPEC), parse_spec(DENSE_SPEC))
        written = _write_demo(args.output)
        return "\n".join([text, "", f"Wrote {len(written)} files:",
                          *(f"  {path}" for path in written)])
    layer = parse_spec(args.spec)
    if args.command == "matrix":
        if not layer.linear:
            layer.matrix()  # raises NotLinearError, saying why there is no matrix
        if args.latex:
            return display.matrix_latex(layer, args.max_rows, args.max_cols)
        return f"{layer!r}\n{display.matrix_text(layer, args.max_rows, args.max_cols)}"
    if args.command == "draw":
        return f"Wrote {draw(layer, args.kind, args.output, unit=args.unit, dpi=args.dpi)}"
    options: dict[str, Any] = {k: True for k in ("bias", "tikz") if getattr(args, k)}
    options |= {k: getattr(args, k) for k in ("dpi", "max_edges") if getattr(args, k) is not None}
    return f"Wrote {export(layer, args.output, **options)}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``symconv`` command with ``argv`` (default: the process's arguments).

    Returns the exit status: 0, or 2 after printing a one-line error.

    Examples
    --------
    >>> main(["summary", "Conv1d((1, 8), 2, 3)"])
    #  layer   in -> out         parameters  connections  dense equiv.  sharing  density  RF
    1  Conv1d  (1, 8) -> (2, 6)           8           48           108      6.0    37.5%   3
       total                              8           48           108
    0
    """
    args = _parser().parse_args(argv)
    try:
        output = _run(args)
    except SymconvError as err:
        message = " ".join(str(err).split())
        print(f"symconv: error: {message}", file=sys.stderr)
        return 2
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""  # atomic_path names the target
        print(f"symconv: error: cannot write{where}: {err.strerror or err}", file=sys.stderr)
        return 2
    try:
        print(output, flush=True)
    except BrokenPipeError:  # e.g. `symconv matrix ... | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
