"""The ``symconv`` command: matrices, figures and exports of layers written as SPECs.

A SPEC is a layer constructor call such as ``"Conv2d((1, 4, 4), 1, 2, stride=2)"``
with literal arguments (see :func:`symconv.parse_spec`; it is never evaluated)::

    symconv matrix [SPEC] [--format F] [--max-rows N] [--max-cols N] [-o FILE]
    symconv draw [SPEC] [--kind KIND] -o FILE [--format F] [--unit N] [--dpi DPI]
    symconv export [SPEC] -o FILE [--format F] [--bias] [--tikz] [--dpi DPI]
        [--max-edges N]
    symconv summary [SPEC ...] [--input SHAPE] [--format F] [-o FILE]
    symconv demo [-o DIR]

A SPEC of ``-``, or none when standard input is not a terminal, reads the SPECs
from standard input, one a line. ``-o -`` writes to standard output. In a summary
only the first layer needs its input shape (or ``--input``); the others are
written without it, and a classic network may be named instead (``lenet5``).

Usage mistakes (a bad SPEC, option or layer argument) print one line
``symconv: error: ...`` to standard error and exit with status 2; failures at
run time (a file that cannot be read or written) do the same with status 1.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn

from symconv.errors import FileWriteError, SymconvError, UnitIndexError

if TYPE_CHECKING:
    from pathlib import Path

    from symconv.layer import Layer

__all__ = [
    "DEMO_FILES",
    "FIGURE_KINDS",
    "FORMATS",
    "demo_text",
    "draw",
    "main",
    "matrix_text",
    "summary_text",
]

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
    from symconv.exporting import checked_dpi, checked_target
    from symconv.plots.figures import off_screen
    from symconv.plots.style import figure_style

    if kind == "animation":
        target = checked_target(path, (".gif",))
        with figure_style(), off_screen():
            import symconv

            options: dict[str, Any] = {} if dpi is None else {"dpi": checked_dpi(dpi)}
            symconv.animate_convolution(layer, path=target, **options)  # written atomically
        return target
    return _draw_figure(layer, kind, [path], unit=unit, dpi=dpi)[0]


def _draw_figure(
    layer: Layer, kind: str, paths: Sequence[str | Path], *, unit: int = 1,
    dpi: float | None = None,
) -> list[Path]:
    """Write one figure kind (not the animation) of ``layer`` to each of ``paths``.

    The figure is drawn once and saved in the format of each path, byte for byte
    what a fresh figure per file would give.
    """
    from symconv.exporting import checked_target, export
    from symconv.plots.figures import off_screen
    from symconv.plots.style import figure_style

    targets = [checked_target(path, (".png", ".svg", ".pdf")) for path in paths]
    if not 1 <= unit <= layer.n_out:
        raise UnitIndexError(f"unit {unit} is outside the outputs 1..{layer.n_out} of "
                             f"{layer.short_repr()}")
    options: dict[str, Any] = {} if dpi is None else {"dpi": dpi}
    with figure_style(), off_screen():
        figure = _figure(kind, layer, unit)
        return [export(figure, target, **options) for target in targets]


FORMATS = ("text", "markdown", "latex", "html")
"""Formats of the text ``symconv matrix`` and ``symconv summary`` print."""


def summary_text(layers: Sequence[Layer], fmt: str = "text") -> str:
    """The summary table of the network the layers make (see :meth:`symconv.Sequential.summary`).

    ``fmt`` is one of :data:`FORMATS`.

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

    table = Sequential(*layers).summary()
    render = {"text": table.__str__, "markdown": table.to_markdown, "latex": table.to_latex,
              "html": table._repr_html_}
    return render[fmt]()


def matrix_text(layer: Layer, fmt: str = "text", max_rows: int | None = None,
                max_cols: int | None = None) -> str:
    """The layer's matrix in one of :data:`FORMATS`, cut to its corners when large.

    The text format starts with the layer's one-line description.

    Examples
    --------
    >>> import symconv as sc
    >>> print(matrix_text(sc.Conv1d((1, 3), 1, 2), "markdown"))
    |     | x_1 | x_2 | x_3 |
    | :-- | :-: | :-: | :-: |
    | h_1 | w_1 | w_2 |  0  |
    | h_2 |  0  | w_1 | w_2 |
    """
    from symconv import display

    if not layer.linear:
        layer.matrix()  # raises NotLinearError, saying why there is no matrix
    window = {"max_rows": max_rows or display.MAX_ROWS, "max_cols": max_cols or display.MAX_COLS}
    if fmt == "text":
        return f"{layer!r}\n{display.matrix_text(layer, **window)}"
    render = {"markdown": display.matrix_markdown, "latex": display.matrix_latex,
              "html": display.matrix_html}
    return render[fmt](layer, **window)


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
    >>> from symconv.spec import parse_spec
    >>> text = demo_text(parse_spec(CANONICAL_SPEC), parse_spec(DENSE_SPEC))
    >>> print(text.splitlines()[0])
    A 4x4 input (x_1 ... x_16, row by row), one 2x2 kernel, stride 2, no bias.
    """
    from symconv import display

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
    from itertools import groupby
    from operator import itemgetter
    from pathlib import Path

    from symconv.exporting import export
    from symconv.spec import parse_spec

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    conv = parse_spec(CANONICAL_SPEC)
    written: list[Path] = []
    for kind, group in groupby(DEMO_FIGURES, key=itemgetter(1)):  # each figure drawn once
        names = [name for name, _ in group]
        if kind == "animation":
            written += [draw(conv, kind, folder / name) for name in names]
        else:
            written += _draw_figure(conv, kind, [folder / name for name in names])
    written += [export(conv, folder / name, **options) for name, options in DEMO_EXPORTS]
    return written


# --- command line ---------------------------------------------------------------
SPEC_HELP = (
    'a layer written as a constructor call with literal arguments, e.g. '
    '"Conv2d((1, 4, 4), 1, 2, stride=2)" (input shape first, then PyTorch\'s arguments); '
    "never evaluated. - or none: read it from standard input"
)
OUTPUT_EXTENSIONS = {
    "draw": (".png", ".svg", ".pdf", ".gif"),
    "export": (".graphml", ".gexf", ".json", ".dot", ".tex", ".png", ".svg", ".pdf"),
}
"""The file types ``draw`` and ``export`` write; ``--format`` names one for ``-o -``."""


class UsageError(SymconvError):
    """A command line that asks for something impossible (exit status 2)."""


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


def _shape(text: str) -> tuple[int, ...]:
    """``"1x28x28"`` (or ``"1,28,28"``, ``"(1, 28, 28)"``) as ``(1, 28, 28)``."""
    parts = text.strip().strip("()").replace(",", "x").split("x")
    try:
        shape = tuple(int(part) for part in parts if part.strip())
    except ValueError:
        shape = ()
    if not shape or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a shape such as 1x28x28")
    return shape


def _spec_argument(command: argparse.ArgumentParser, nargs: str = "?") -> None:
    command.add_argument("spec", nargs=nargs, metavar="SPEC", help=SPEC_HELP)


def _parser() -> argparse.ArgumentParser:
    from symconv import __version__

    parser = _Parser(
        prog="symconv",
        description="Exact symbolic weight matrices of neural-network layers. A SPEC is a "
        'layer call such as "Conv2d((1, 4, 4), 1, 2, stride=2)" with literal arguments.',
        epilog="Exit status: 0 done, 1 a file could not be read or written, 2 a usage error. "
        "Run 'symconv COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"symconv {__version__}",
                        help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     help="one of these; 'symconv COMMAND --help' says more")

    def command(name: str, text: str, *examples: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=text, description=f"{text[0].upper()}{text[1:]}.",
            epilog="\n".join(["examples:", *(f"  symconv {name} {e}" for e in examples)]),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    matrix = command("matrix", "print the symbolic weight matrix",
                     '"Conv2d((1, 4, 4), 1, 2, stride=2)" --format latex',
                     '- < layer.txt')
    _spec_argument(matrix)
    matrix.add_argument("--format", choices=FORMATS, default="text",
                        help="text (the default), a Markdown table, LaTeX or an HTML table")
    matrix.add_argument("--max-rows", type=_positive, metavar="N",
                        help="rows shown before the matrix is cut to its first and last ones "
                        "(default 16)")
    matrix.add_argument("--max-cols", type=_positive, metavar="N",
                        help="columns shown before the matrix is cut likewise (default 16)")
    matrix.add_argument("-o", "--output", default="-", metavar="FILE",
                        help="write to FILE instead of standard output (-)")

    draw_cmd = command("draw", "save a figure (PNG, SVG, PDF; GIF animation)",
                       '"Conv2d((1, 4, 4), 1, 2, stride=2)" --kind sparsity -o sparsity.svg')
    _spec_argument(draw_cmd)
    draw_cmd.add_argument("--kind", choices=(*FIGURE_KINDS, "animation"),
                          default="connectivity",
                          help="what to draw (default connectivity); animation is a GIF")
    draw_cmd.add_argument("-o", "--output", required=True, metavar="FILE",
                          help="the file to write, its extension the format; - for standard "
                          "output (with --format)")
    draw_cmd.add_argument("--format", choices=[e[1:] for e in OUTPUT_EXTENSIONS["draw"]],
                          help="the file type for -o - (standard output)")
    draw_cmd.add_argument("--unit", type=_positive, default=1, metavar="N",
                          help="output unit of the receptive field, counted from 1")
    draw_cmd.add_argument("--dpi", type=float, metavar="DPI",
                          help="resolution of a PNG or GIF (PNG default 200)")

    export_cmd = command(
        "export", "write the graph (.graphml .gexf .json .dot), LaTeX (.tex) or a diagram",
        '"Conv2d((1, 4, 4), 1, 2, stride=2)" -o - --format dot | dot -Tsvg > conv.svg',
    )
    _spec_argument(export_cmd)
    export_cmd.add_argument("-o", "--output", required=True, metavar="FILE",
                            help="the file to write, its extension the format; - for standard "
                            "output (with --format)")
    export_cmd.add_argument("--format", choices=[e[1:] for e in OUTPUT_EXTENSIONS["export"]],
                            help="the file type for -o - (standard output)")
    export_cmd.add_argument("--bias", action="store_true", help="graphs: add the bias nodes")
    export_cmd.add_argument("--tikz", action="store_true", help=".tex: a TikZ diagram")
    export_cmd.add_argument("--dpi", type=float, metavar="DPI",
                            help=".png .svg .pdf: resolution (PNG default 200)")
    export_cmd.add_argument("--max-edges", type=_positive, metavar="N",
                            help="graphs: the size limit (nodes and edges) to raise")

    summary = command("summary", "one line per layer of a network, then the totals",
                      '--input 1x28x28 "Conv2d(6, 5, padding=2)" "MaxPool2d(2)" Flatten '
                      '"Dense(10)"', "lenet5 --format markdown | pandoc -o lenet5.html")
    summary.add_argument(
        "specs", nargs="*", metavar="SPEC",
        help="the layers in order; only the first needs its input shape (or give --input), "
        "the others are written without it. Or one classic network by name: "
        "lenet5, alexnet, vgg16. - or none: read them from standard input, one a line",
    )
    summary.add_argument("--input", type=_shape, metavar="SHAPE",
                         help="the network's input shape, e.g. 1x28x28")
    summary.add_argument("--format", choices=FORMATS, default="text",
                         help="text (the default), a Markdown table, LaTeX (booktabs) or HTML")
    summary.add_argument("-o", "--output", default="-", metavar="FILE",
                         help="write to FILE instead of standard output (-)")

    demo = command("demo", "the canonical example: matrices and every figure", "-o figures")
    demo.add_argument("-o", "--output", default="symconv-demo", metavar="DIR",
                      help="the folder to write the files into (default symconv-demo)")
    return parser


def _stdin_specs(stdin: IO[str]) -> list[str]:
    """The SPECs on standard input: one a line, blank lines and ``#`` comments skipped."""
    lines = (line.split("#", 1)[0].strip() for line in stdin)
    return [line for line in lines if line]


def _specs(given: Sequence[str], stdin: IO[str]) -> list[str]:
    """The SPECs of the command line, ``-`` (or none, from a pipe) replaced by stdin's."""
    if not given:
        if stdin.isatty():
            raise UsageError("no SPEC given (write one, or - to read them from standard input)")
        given = ["-"]
    specs: list[str] = []
    for spec in given:
        specs += _stdin_specs(stdin) if spec == "-" else [spec]
    if not specs:
        raise UsageError("no SPEC on standard input")
    return specs


def _one_layer(args: argparse.Namespace) -> Layer:
    from symconv.spec import parse_spec

    specs = _specs([args.spec] if args.spec else [], sys.stdin)
    if len(specs) != 1:
        raise UsageError(f"{args.command} takes one SPEC; standard input held {len(specs)}")
    return parse_spec(specs[0])


def _network(args: argparse.Namespace) -> list[Layer]:
    from symconv.models import MODELS
    from symconv.spec import parse_chain

    specs = _specs(args.specs, sys.stdin)
    model = MODELS.get(specs[0].removesuffix("()"))
    if model is None:
        return parse_chain(specs, args.input)
    if len(specs) > 1 or args.input:
        raise UsageError(f"{specs[0]} is a whole network: give it alone, without --input")
    return list(model())


def _file_type(args: argparse.Namespace) -> str:
    """The extension to write for ``draw`` or ``export``: from ``-o``, or ``--format``."""
    suffix = os.path.splitext(args.output)[1] if args.output != "-" else ""
    if args.format is None:
        if args.output == "-":
            raise UsageError("-o - (standard output) needs --format")
        return suffix
    if suffix and suffix != f".{args.format}":
        raise UsageError(f"--format {args.format} contradicts -o {args.output}")
    return f".{args.format}"


def _write_file(args: argparse.Namespace, layer: Layer) -> str | bytes:
    """Run ``draw`` or ``export``: bytes of the file for ``-o -``, else the note to print."""
    import tempfile
    from pathlib import Path

    from symconv.exporting import export

    def write(path: str | Path) -> Path:
        if args.command == "draw":
            return draw(layer, args.kind, path, unit=args.unit, dpi=args.dpi)
        options: dict[str, Any] = {k: True for k in ("bias", "tikz") if getattr(args, k)}
        options |= {k: getattr(args, k) for k in ("dpi", "max_edges")
                    if getattr(args, k) is not None}
        return export(layer, path, **options)

    extension = _file_type(args)
    if args.output != "-":
        return f"Wrote {write(args.output)}"
    with tempfile.TemporaryDirectory() as folder:
        return write(Path(folder) / f"symconv{extension}").read_bytes()


def _run(args: argparse.Namespace) -> str | bytes:
    """Carry out one command; return what to print (text) or write out (bytes)."""
    if args.command == "summary":
        return summary_text(_network(args), args.format)
    if args.command == "demo":
        from symconv.spec import parse_spec

        text = demo_text(parse_spec(CANONICAL_SPEC), parse_spec(DENSE_SPEC))
        written = _write_demo(args.output)
        return "\n".join([text, "", f"Wrote {len(written)} files:",
                          *(f"  {path}" for path in written)])
    layer = _one_layer(args)
    if args.command == "matrix":
        return matrix_text(layer, args.format, args.max_rows, args.max_cols)
    return _write_file(args, layer)


def _emit(output: str | bytes, target: str) -> None:
    """Write the command's output to the file ``target``, or to standard output for ``-``."""
    data = output.encode() if isinstance(output, str) else output
    if target != "-":
        from symconv.exporting import atomic_path

        if os.path.isdir(target) or not os.path.basename(target):
            raise IsADirectoryError(errno.EISDIR, "a folder, not a file", target)
        with atomic_path(target) as tmp:
            tmp.write_bytes(data + b"\n")
        return
    try:
        if isinstance(output, str):
            print(output, flush=True)
        elif hasattr(sys.stdout, "buffer"):
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:  # a text stream in place of standard output (a text format, in-process)
            print(data.decode(), end="", flush=True)
    except BrokenPipeError:  # e.g. `symconv matrix ... | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _fail(status: int, message: str) -> int:
    print(f"symconv: error: {' '.join(message.split())}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``symconv`` command with ``argv`` (default: the process's arguments).

    Returns the exit status: 0; 2 after a usage error; 1 after a failure at run
    time (a file that cannot be read or written), each with a one-line message.

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
        _emit(output, args.output if args.command in ("matrix", "summary") else "-")
    except FileWriteError as err:
        return _fail(1, str(err))
    except SymconvError as err:
        return _fail(2, str(err))
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""  # atomic_path names the target
        return _fail(1, f"cannot read or write{where}: {err.strerror or err}")
    return 0
