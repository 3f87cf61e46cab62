"""One function to write a layer, a graph or a figure to a file, chosen by its extension.

* ``.png``, ``.svg``, ``.pdf``: a matplotlib Figure or Axes, or a layer's
  connectivity diagram (:func:`symconv.plot_connectivity`). SVG and PDF files are
  byte-identical from run to run. Option ``dpi``.
* ``.graphml``, ``.gexf``, ``.json`` (node-link), ``.dot``: a layer's graph
  (:func:`symconv.layer_graph`), a ``networkx.DiGraph``, or anything with a
  ``graph()`` method such as a network. Read them back with
  :func:`symconv.read_graph`. Option ``bias`` (add the bias nodes).
* ``.tex``: a layer's matrix as LaTeX, cut to its corners when large (options
  ``max_rows``, ``max_cols``), or with ``tikz=True`` its connectivity diagram as
  a standalone TikZ picture.

Files are written atomically: to a temporary file beside the target, moved onto
it only when complete, so a failure leaves neither a half-written file nor the
temporary one behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import networkx as nx

from symconv import display
from symconv.errors import ExportError
from symconv.graphfile import GRAPH_WRITERS, encoded_graph
from symconv.layer import Layer

__all__ = ["EXPORT_FORMATS", "atomic_path", "checked_target", "export", "save_figure"]

EXPORT_FORMATS: dict[str, frozenset[str]] = {
    ".png": frozenset({"dpi"}),
    ".svg": frozenset({"dpi"}),
    ".pdf": frozenset({"dpi"}),
    **{ext: frozenset({"bias"}) for ext in GRAPH_WRITERS},
    ".tex": frozenset({"tikz", "max_rows", "max_cols"}),
}
"""The extensions :func:`export` writes, each with the options it accepts."""

_SAVE_METADATA: dict[str, dict[str, Any]] = {
    "png": {},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new empty temporary file beside ``path``, moved onto ``path`` if the block succeeds.

    The temporary file keeps the extension of ``path`` (for writers that look at
    it) and is removed if the block raises. Its permissions follow the umask,
    like a file opened normally.

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
        yield tmp
        try:
            os.replace(tmp, target)
        except OSError as err:
            raise _naming(err, target) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _new_temporary(target: Path) -> Path:
    while True:
        tmp = target.with_name(f".{target.stem}-{secrets.token_hex(4)}.tmp{target.suffix}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:  # pragma: no cover - a 32-bit random collision
            continue
        except OSError as err:
            raise _naming(err, target) from None


def _naming(err: OSError, target: Path) -> OSError:
    """The same error, naming the file asked for instead of the temporary one."""
    return type(err)(err.errno, err.strerror, str(target))


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
    """``path`` as a ``Path`` once its extension is one of ``extensions`` and its folder exists.

    Examples
    --------
    >>> checked_target("figure.svg", (".png", ".svg")).name
    'figure.svg'
    >>> checked_target("figure.gif", (".png", ".svg"))
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: cannot export to 'figure.gif': unknown extension '.gif'; ...
    """
    target = Path(path)
    if target.suffix.lower() not in extensions:
        raise ExportError(
            f"cannot export to {str(target)!r}: unknown extension {target.suffix!r}; "
            f"supported: {', '.join(extensions)}"
        )
    if not target.parent.is_dir():
        raise ExportError(
            f"cannot export to {str(target)!r}: directory {str(target.parent)!r} does not exist"
        )
    return target


def _root_figure(thing: Any) -> Any:
    """The figure to save for ``thing``, or ``None`` if it is no matplotlib object."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, FigureBase

    figure = thing.figure if isinstance(thing, Axes) else thing
    while isinstance(figure, FigureBase) and not isinstance(figure, Figure):
        figure = figure.figure  # a SubFigure's root
    return figure if isinstance(figure, Figure) else None


def _figure_writer(thing: Any, ext: str, options: dict[str, Any]) -> Callable[[Path], None]:
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
        raise ExportError(f"option bias={options['bias']!r} needs a layer, not a graph")

    def write_graph(tmp: Path) -> None:
        graph = thing if isinstance(thing, nx.DiGraph) else thing.graph(**options)
        stream: IO[bytes]
        with tmp.open("wb") as stream:
            GRAPH_WRITERS[ext](encoded_graph(graph), stream)

    return write_graph


def _tex_writer(thing: Any, ext: str, options: dict[str, Any]) -> Callable[[Path], None]:
    if not isinstance(thing, Layer):
        raise _wrong_thing(thing, ext, "a layer")
    tikz = options.pop("tikz", False)
    if tikz and options:
        raise ExportError(f"options {', '.join(sorted(options))} do not apply with tikz=True")
    if not tikz and not thing.linear:
        thing.matrix()  # raises NotLinearError, saying why there is no matrix

    def write_tex(tmp: Path) -> None:
        if tikz:
            from symconv.tikz import tikz_standalone

            text = tikz_standalone(thing)
        else:
            matrix = display.matrix_latex(thing, **options)
            text = f"% The weight matrix of {thing.short_repr()}\n\\[\nM = {matrix}\n\\]\n"
        tmp.write_text(text, encoding="utf-8")

    return write_tex


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
        Options of the format (``dpi``, ``bias``, ``tikz``, ``max_rows``, ``max_cols``).

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
    \[
    M = \left[\begin{array}{cccccccccccccccc}
    w_{1,1} & w_{1,2} & 0 & 0 & w_{2,1} & w_{2,2} & 0 & 0 & 0 & 0 & 0 & 0 & 0 & 0 & 0 & 0 \\
    ...
    \end{array}\right]
    \]
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
