r"""One function to write a layer, a graph or a figure to a file, chosen by its extension.

* ``.png``, ``.svg``, ``.pdf``: a matplotlib Figure or Axes, or a layer's
  connectivity diagram (:func:`symconv.plot_connectivity`). SVG and PDF files are
  byte-identical from run to run. Option ``dpi`` (PNG: :data:`DEFAULT_DPI` unless
  given; SVG and PDF: the figure's own, for any raster parts).
* ``.graphml``, ``.gexf``, ``.json`` (node-link), ``.dot``: a layer's graph
  (:func:`symconv.layer_graph`), a ``networkx.DiGraph``, or anything with a
  ``graph()`` method such as a network. Read them back with
  :func:`symconv.read_graph`. Options ``bias`` (add the bias nodes) and
  ``max_edges`` (raise the size limit of the graph). GEXF and DOT carry the
  figures' colours and columns (:mod:`symconv.graphwriters`); GEXF files carry
  no date, so they are byte-identical from day to day.
* ``.tex``: a layer's matrix as LaTeX, cut to its corners when large (options
  ``max_rows``, ``max_cols``), or with ``tikz=True`` its connectivity diagram as
  a standalone TikZ picture. The matrix is a fragment to ``\input`` into a
  document that loads ``graphicx``: it is shrunk to the line width when wider
  (``\resizebox``), never enlarged.

Files are written atomically: to a temporary file beside the target (named
``.symconv-<random><extension>``), moved onto it only when complete, so the
target is never partial. A failure, Ctrl-C or a ``SIGTERM`` during the write
removes the temporary file; only a ``SIGKILL`` (or a power cut) can leave it
behind. Overwriting a file keeps its permissions.
"""

from __future__ import annotations

import math
import os
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx

from symconv import display
from symconv.errors import ExportError, FileWriteError
from symconv.graphwriters import GRAPH_WRITERS
from symconv.layer import Layer

__all__ = [
    "DEFAULT_DPI",
    "EXPORT_FORMATS",
    "atomic_path",
    "checked_dpi",
    "checked_target",
    "export",
    "save_figure",
]

EXPORT_FORMATS: dict[str, frozenset[str]] = {
    ".png": frozenset({"dpi"}),
    ".svg": frozenset({"dpi"}),
    ".pdf": frozenset({"dpi"}),
    **{ext: frozenset({"bias", "max_edges"}) for ext in GRAPH_WRITERS},
    ".tex": frozenset({"tikz", "max_rows", "max_cols"}),
}
"""The extensions :func:`export` writes, each with the options it accepts."""

DEFAULT_DPI = 200
"""Resolution of PNG exports unless ``dpi`` is given: sharp in print and on a slide."""
DPI_RANGE = (10, 2400)
"""The resolutions accepted (a smaller one draws nothing legible, a larger one is huge)."""

_SAVE_METADATA: dict[str, dict[str, Any]] = {
    "png": {},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new empty temporary file beside ``path``, moved onto ``path`` if the block succeeds.

    The temporary file keeps the extension of ``path`` (for writers that look at
    it) and is removed if the block raises, on Ctrl-C and on ``SIGTERM`` (in the
    main thread, when no other handler is installed). It takes the permissions
    of the file it replaces, or else follows the umask like a file opened
    normally. Errors name ``path``, not the temporary file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with atomic_path(f"{folder}/note.txt") as tmp:
    ...         _ = tmp.write_text("complete")
    ...     print(sorted(p.name for p in Path(folder).iterdir()))
    ['note.txt']
    """
    target = Path(path)
    tmp = _new_temporary(target)
    try:
        with _terminate_as_exit():
            yield tmp
        try:
            if target.exists():
                os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
            os.replace(tmp, target)
        except OSError as err:
            raise _naming(err, target) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """Within the block, ``SIGTERM`` raises ``SystemExit`` (so cleanup runs) instead of killing."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        yield
        return

    def exit_on_term(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, exit_on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _new_temporary(target: Path) -> Path:
    while True:
        # short, so that a target name of up to 255 characters still works
        tmp = target.with_name(f".symconv-{secrets.token_hex(4)}{target.suffix}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:  # pragma: no cover - a 32-bit random collision
            continue
        except OSError as err:
            raise _naming(err, target) from None


def _naming(err: OSError, target: Path) -> FileWriteError:
    """A :class:`~symconv.FileWriteError` naming the file asked for, not the temporary one."""
    return FileWriteError(f"cannot write {str(target)!r}: {err.strerror or err}")


def save_figure(figure: Any, target: Any, fmt: str, *, dpi: float | None = None) -> None:
    """Save a matplotlib figure reproducibly: same figure, same bytes (SVG and PDF).

    ``target`` is a path or a binary stream; ``fmt`` is ``"png"``, ``"svg"`` or
    ``"pdf"``. Dates are left out of the metadata and SVG ids are salted with a
    fixed string.

    Examples
    --------
    >>> import io
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(2, 1))
    >>> _ = figure.add_subplot().plot([0, 1])
    >>> first, second = io.BytesIO(), io.BytesIO()
    >>> save_figure(figure, first, "svg")
    >>> save_figure(figure, second, "svg")
    >>> first.getvalue() == second.getvalue()
    True
    """
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "symconv", "svg.id": None, "pdf.compression": 6}):
        figure.savefig(
            target, format=fmt, dpi="figure" if dpi is None else dpi,
            metadata=_SAVE_METADATA[fmt],
        )


def checked_target(path: str | os.PathLike[str], extensions: tuple[str, ...]) -> Path:
    r"""``path`` as a ``Path`` once its extension is one of ``extensions`` and its folder exists.

    Examples
    --------
    >>> checked_target("figure.svg", (".png", ".svg")).name
    'figure.svg'
    >>> checked_target("figure.gif", (".png", ".svg"))
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: cannot export to 'figure.gif': unknown extension '.gif'; ...
    >>> checked_target("fig\0ure.svg", (".svg",))
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: cannot export to 'fig\x00ure.svg': the path holds a NUL character
    """
    target = Path(path)
    if "\0" in str(target):
        raise ExportError(f"cannot export to {str(target)!r}: the path holds a NUL character")
    if target.suffix.lower() not in extensions:
        raise ExportError(
            f"cannot export to {str(target)!r}: unknown extension {target.suffix!r}; "
            f"supported: {', '.join(extensions)}"
        )
    if not target.parent.is_dir():
        raise FileWriteError(
            f"cannot export to {str(target)!r}: directory {str(target.parent)!r} does not exist"
        )
    if target.is_dir():
        raise FileWriteError(f"cannot export to {str(target)!r}: it is a directory")
    return target


def checked_dpi(dpi: Any) -> float:
    """``dpi`` as a float once it is a finite number within :data:`DPI_RANGE`.

    Examples
    --------
    >>> checked_dpi(300)
    300.0
    >>> checked_dpi(1)
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: dpi=1 is outside 10..2400
    """
    low, high = DPI_RANGE
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not math.isfinite(dpi):
        raise ExportError(f"dpi={dpi!r} is not a number of dots per inch")
    if not low <= dpi <= high:
        raise ExportError(f"dpi={dpi!r} is outside {low}..{high}")
    return float(dpi)


def _root_figure(thing: Any) -> Any:
    """The figure to save for ``thing``, or ``None`` if it is no matplotlib object."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, FigureBase

    figure = thing.figure if isinstance(thing, Axes) else thing
    while isinstance(figure, FigureBase) and not isinstance(figure, Figure):
        figure = figure.figure  # a SubFigure's root
    return figure if isinstance(figure, Figure) else None


def _figure_writer(thing: Any, ext: str, options: dict[str, Any]) -> Callable[[Path], None]:
    if "dpi" in options:
        options = {"dpi": checked_dpi(options["dpi"])}
    elif ext == ".png":
        options = {"dpi": DEFAULT_DPI}
    if isinstance(thing, Layer):
        layer = thing

        def write_layer(tmp: Path) -> None:
            import symconv
            from symconv.plots.figures import off_screen
            from symconv.plots.style import figure_style

            with figure_style(), off_screen():
                ax = symconv.plot_connectivity(layer)
                save_figure(_root_figure(ax), tmp, ext[1:], **options)

        return write_layer
    figure = _root_figure(thing)
    if figure is None:
        raise _wrong_thing(thing, ext, "a matplotlib Figure or Axes, or a layer")
    return lambda tmp: save_figure(figure, tmp, ext[1:], **options)


def _graph_writer(thing: Any, ext: str, options: dict[str, Any]) -> Callable[[Path], None]:
    if not isinstance(thing, nx.DiGraph) and not callable(getattr(thing, "graph", None)):
        raise _wrong_thing(thing, ext, "a layer, a network or a networkx.DiGraph")
    if isinstance(thing, nx.DiGraph) and options:
        shown = ", ".join(f"{k}={v!r}" for k, v in sorted(options.items()))
        raise ExportError(f"option {shown} needs a layer, not a graph")
    if "bias" in options and not isinstance(options["bias"], bool):
        raise ExportError(f"bias={options['bias']!r} is not True or False")
    if isinstance(thing, Layer):
        graph = thing.graph(**options)  # refuses a graph too large, before any file exists

        def write_layer_graph(tmp: Path) -> None:
            with tmp.open("wb") as stream:
                GRAPH_WRITERS[ext](graph, stream)

        return write_layer_graph

    def write_graph(tmp: Path) -> None:
        graph = thing if isinstance(thing, nx.DiGraph) else thing.graph(**options)
        with tmp.open("wb") as stream:
            GRAPH_WRITERS[ext](graph, stream)

    return write_graph


def _tex_writer(thing: Any, ext: str, options: dict[str, Any]) -> Callable[[Path], None]:
    if not isinstance(thing, Layer):
        raise _wrong_thing(thing, ext, "a layer")
    tikz = options.pop("tikz", False)
    if not isinstance(tikz, bool):
        raise ExportError(f"tikz={tikz!r} is not True or False")
    if tikz and options:
        raise ExportError(f"options {', '.join(sorted(options))} do not apply with tikz=True")
    if not tikz and not thing.linear:
        thing.matrix()  # raises NotLinearError, saying why there is no matrix

    def write_tex(tmp: Path) -> None:
        if tikz:
            from symconv.tikz import tikz_standalone

            text = tikz_standalone(thing)
        else:
            text = _matrix_tex(thing, options)
        tmp.write_text(text, encoding="utf-8")

    return write_tex


def _matrix_tex(layer: Layer, options: dict[str, Any]) -> str:
    """The matrix as a LaTeX fragment, shrunk to the line width when wider (needs graphicx)."""
    matrix = display.matrix_latex(layer, **options)
    return "\n".join([
        f"% The weight matrix of {layer.short_repr()}",
        "% Needs \\usepackage{graphicx}; shrunk to the line width when wider.",
        "\\begin{center}",
        "\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{$\\displaystyle",
        f"M = {matrix}",
        "$}",
        "\\end{center}",
        "",
    ])


def _wrong_thing(thing: Any, ext: str, expected: str) -> ExportError:
    return ExportError(f"cannot export a {type(thing).__name__} to {ext}; expected {expected}")


def export(thing: Any, path: str | os.PathLike[str], **options: Any) -> Path:
    r"""Write ``thing`` to ``path`` in the format its extension names; return the path.

    See the module documentation for the formats and their options. The
    extension, the options, the directory and the kind of ``thing`` are checked
    before any work; the file appears only once it is complete.

    Parameters
    ----------
    thing
        A layer, a ``networkx.DiGraph`` or network, or a matplotlib Figure or Axes.
    path
        The file to write; its extension chooses the format.
    **options
        Options of the format (``dpi``, ``bias``, ``max_edges``, ``tikz``, ``max_rows``,
        ``max_cols``).

    Raises
    ------
    ExportError
        For an unknown extension or option, a missing directory or a ``thing``
        the format cannot hold.

    Examples
    --------
    >>> import tempfile
    >>> import symconv as sc
    >>> conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     print(export(conv, f"{folder}/conv.tex").read_text())
    % The weight matrix of Conv2d((1, 4, 4) -> (1, 2, 2))
    % Needs \usepackage{graphicx}; shrunk to the line width when wider.
    \begin{center}
    \resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{$\displaystyle
    M = \left[\begin{array}{cccccccccccccccc}
    w_{1,1} & w_{1,2} & 0 & 0 & w_{2,1} & w_{2,2} & 0 & 0 & 0 & 0 & 0 & 0 & 0 & 0 & 0 & 0 \\
    ...
    \end{array}\right]
    $}
    \end{center}
    >>> export(conv, "conv.txt")
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: cannot export to 'conv.txt': unknown extension '.txt'; ...
    """
    target = checked_target(path, tuple(EXPORT_FORMATS))
    ext = target.suffix.lower()
    unknown = sorted(set(options) - EXPORT_FORMATS[ext])
    if unknown:
        raise ExportError(
            f"unknown option {', '.join(unknown)} for {ext}; "
            f"{ext} accepts {', '.join(sorted(EXPORT_FORMATS[ext]))}"
        )
    if ext == ".tex":
        write = _tex_writer(thing, ext, dict(options))
    elif ext in GRAPH_WRITERS:
        write = _graph_writer(thing, ext, options)
    else:
        write = _figure_writer(thing, ext, options)
    with atomic_path(target) as tmp:
        write(tmp)
    return target
