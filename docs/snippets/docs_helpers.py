"""Helpers for the code blocks that the docs pages execute at build time.

Every number, matrix and figure on the site is computed by these blocks (run by
markdown-exec while MkDocs builds), so the pages cannot drift from the code.
This module only turns results into page content:

* :func:`svg` renders a matplotlib figure as inline SVG, byte-stable between builds;
* :func:`math` wraps LaTeX in display math, :func:`matrix` a layer's matrix;
* :func:`table` writes a Markdown table;
* :func:`repl` runs statements the way the Python prompt does and returns the
  transcript, so a page can show a real session.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import re
import traceback
from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

plt.rcParams["svg.hashsalt"] = "symconv"  # stable ids in the SVG output

from symconv import display  # noqa: E402

_ID = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_STYLE = re.compile(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", re.DOTALL)


MIN_TEXT_PX = 9.5
"""Smallest figure text, in CSS px, that a page may show (a figure never shrinks below)."""
REM_PX = 20
"""CSS px per rem in the theme (Material sets the root font size to 125 %)."""
# matplotlib draws text as glyph paths at size 100, scaled by a group transform
# (the font size / 100) and, for subscripts, by the glyph's own scale.
_TEXT_GROUP = re.compile(
    r'<g [^>]*transform="translate\([^)]*\) scale\(([\d.e-]+) -[\d.e-]+\)"[^>]*>(.*?)</g>',
    re.DOTALL,
)
_GLYPH_SCALE = re.compile(r'<use [^>]*transform="[^"]*scale\(([\d.e-]+)\)"')


def svg(figure: Any, *, alt: str, width: str | None = None) -> str:
    """Inline SVG of a matplotlib Figure (or of the figure of an Axes), then close it.

    The output is byte-stable (fixed hash salt, no date). Element ids get a prefix
    derived from the content, so several figures can share one page, and
    matplotlib's global ``<style>`` rule is dropped (the site's CSS scopes it).
    ``width`` (in rem, e.g. ``"32rem"``) is the preferred displayed width. The figure
    never shrinks below the width at which its smallest text (subscripts included)
    is :data:`MIN_TEXT_PX` CSS px; on a narrower screen it scrolls.
    """
    fig = figure.get_figure(root=True)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight",
                facecolor="white")
    plt.close(fig)
    return inline_svg(buffer.getvalue(), alt=alt, width=width)


def smallest_text_pt(svg_text: str) -> float | None:
    """The size in points of the smallest glyph of a matplotlib SVG (subscripts included)."""
    sizes = [float(scale) * 100 * min((float(g) for g in _GLYPH_SCALE.findall(body)),
                                      default=1.0)
             for scale, body in _TEXT_GROUP.findall(svg_text)]
    return min(sizes, default=None)


def inline_svg(text: str, *, alt: str, width: str | None = None) -> str:
    """The text of an SVG file (e.g. one symconv wrote) made ready to inline in a page."""
    text = _STYLE.sub("", text[text.index("<svg"):])
    text = _METADATA.sub("", text)
    prefix = "f" + hashlib.sha1(text.encode()).hexdigest()[:8] + "-"
    text = _ID.sub(lambda m: m.group(1) + prefix + m.group(2), text)
    label = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    readable = 0.0
    natural = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', text)
    smallest = smallest_text_pt(text)
    if smallest and natural:
        readable = MIN_TEXT_PX * float(natural.group(1)) / smallest
    attributes = f'role="img" aria-label="{label}"'
    if readable:
        attributes += f' style="min-width: {readable:.0f}px"'
    text = text.replace("<svg ", f"<svg {attributes} ", 1)
    preferred = float(width.removesuffix("rem")) * REM_PX if width else None
    style = (f' style="max-width: {max(preferred, readable):.0f}px"'
             if preferred is not None else "")
    return f'<div class="symconv-figure"{style}>\n{text.strip()}\n</div>\n'


def wrap(markdown: str, css_class: str) -> str:
    """Markdown wrapped in a ``<div>`` of a CSS class (see extra.css)."""
    return f'\n<div class="{css_class}" markdown>\n\n{markdown}\n\n</div>\n'


def animation(movie: Any, *, alt: str, width: str | None = None) -> str:
    """A matplotlib animation as a player: its frames as inline SVG, stepped by a script.

    The frames are drawn through matplotlib's public movie-writer interface, each
    one byte-stable like :func:`svg`; ``docs/javascripts/player.js`` shows one at a
    time with play/pause and step buttons (without scripts every frame shows).
    """
    from matplotlib.animation import AbstractMovieWriter

    frames: list[str] = []

    class SvgFrames(AbstractMovieWriter):
        def setup(self, fig: Any, outfile: Any, dpi: Any = None) -> None:
            super().setup(fig, outfile, dpi)

        def grab_frame(self, **savefig_kwargs: Any) -> None:
            buffer = io.StringIO()
            self.fig.savefig(buffer, format="svg", metadata={"Date": None},
                             facecolor="white")
            frames.append(buffer.getvalue())

        def finish(self) -> None:
            pass

    writer = SvgFrames(fps=1)
    movie.save("frames.svg", writer=writer)  # the writer keeps the frames in memory
    plt.close(writer.fig)
    shown = "".join(inline_svg(frame, alt=f"{alt}, frame {i + 1} of {len(frames)}",
                               width=width)
                    for i, frame in enumerate(frames))
    controls = ('<div class="symconv-player-controls">'
                '<button type="button" data-step="-1" aria-label="previous frame">&#9664;</button>'
                '<button type="button" data-play aria-label="pause">&#10074;&#10074;</button>'
                '<button type="button" data-step="1" aria-label="next frame">&#9654;</button>'
                '<span class="symconv-player-count"></span></div>')
    return f'<div class="symconv-player" data-interval="900">\n{shown}{controls}\n</div>\n'


def math(latex: str) -> str:
    """Display math for arithmatex: ``$$ ... $$`` on lines of its own."""
    return f"\n$$\n{latex}\n$$\n"


def matrix(layer: Any, lhs: str = "M", max_rows: int = display.MAX_ROWS,
           max_cols: int = display.MAX_COLS) -> str:
    """Display math ``lhs = [the layer's matrix]``, cut to its corners when large."""
    body = display.matrix_latex(layer, max_rows, max_cols)
    return math(f"{lhs} = {body}" if lhs else body)


def matrices(named: Sequence[tuple[str, Any]], per_row: int = 2) -> str:
    """Several ``name = [matrix]`` side by side, ``per_row`` to a line, in one display."""
    cells = [f"{name} = {display.matrix_latex(layer)}" for name, layer in named]
    lines = [" \\qquad & ".join(cells[i:i + per_row]) for i in range(0, len(cells), per_row)]
    body = " \\\\[1.5ex]\n".join(lines)
    return math(f"\\begin{{array}}{{{'c' * per_row}}}\n{body}\n\\end{{array}}")


def table(header: Sequence[str], rows: Iterable[Sequence[Any]],
          align: str | None = None, css_class: str | None = None) -> str:
    """A Markdown table; ``align`` has one of ``l``, ``r``, ``c`` per column.

    ``css_class`` wraps it in a ``<div>`` of that class (see extra.css).
    """
    if css_class:
        inner = table(header, rows, align)
        return f'\n<div class="{css_class}" markdown>\n{inner}\n</div>\n'

    align = align or "l" + "r" * (len(header) - 1)
    rule = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join(rule[a] for a in align) + " |"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n" + "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value).replace("|", "\\|")


def session() -> dict[str, Any]:
    """A fresh namespace for a page's :func:`repl` transcripts to share."""
    return {}


def repl(source: str, namespace: dict[str, Any], *, error: type[BaseException] | None = None,
         cwd: str | None = None) -> str:
    """Run ``source`` statement by statement as the Python prompt would; return the transcript.

    Each statement is compiled in ``"single"`` mode, so expression values are shown
    with ``repr`` (``None`` is not shown), as the prompt shows them. The transcript
    is a fenced ``pycon`` block. An exception fails the build, except an instance of
    ``error`` raised by the last statement, which is shown the way the prompt shows
    it. ``cwd`` is the working directory meanwhile (for files the statements write).
    """
    with contextlib.chdir(cwd or "."):
        return _transcript(source, namespace, error)


def _transcript(source: str, namespace: dict[str, Any], error: type[BaseException] | None
                ) -> str:
    tree = ast.parse(source.strip("\n"))
    lines = source.strip("\n").splitlines()
    out: list[str] = []
    for i, node in enumerate(tree.body):
        code = lines[node.lineno - 1:node.end_lineno]
        out += [(">>> " if j == 0 else "... ") + line for j, line in enumerate(code)]
        if len(code) > 1:
            out.append("...")
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(compile(ast.Interactive([node]), "<docs>", "single"), namespace)
        except Exception as exc:
            if error is None or not isinstance(exc, error) or i != len(tree.body) - 1:
                raise
            out += [printed.getvalue().rstrip("\n")] if printed.getvalue() else []
            out += ["Traceback (most recent call last):", "  ...",
                    *traceback.format_exception_only(exc)[-1].rstrip("\n").splitlines()]
            break
        if printed.getvalue():
            out.append(printed.getvalue().rstrip("\n"))
    else:
        if error is not None:
            raise AssertionError(f"expected {error.__name__}, nothing was raised")
    return "\n```pycon\n" + "\n".join(out) + "\n```\n"


def console(*commands: Sequence[str], cwd: str | None = None, columns: int = 80) -> str:
    """Run ``symconv`` command lines in-process; return a fenced ``console`` transcript.

    Each command is the argument list after ``symconv``; it runs through
    :func:`symconv.cli.main` with standard output and error captured, and a nonzero
    exit status is shown as ``echo $?`` would. ``--help`` text is wrapped at
    ``columns`` so it does not depend on the terminal of the build.
    """
    import os

    from symconv.cli import main

    out: list[str] = []
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        with contextlib.chdir(cwd or "."):
            for argv in commands:
                out.append("$ " + " ".join(_shell_quote(a) for a in ["symconv", *argv]))
                printed = io.StringIO()
                with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                    try:
                        status = main(list(argv))
                    except SystemExit as stop:
                        status = stop.code if isinstance(stop.code, int) else 1
                out.append(printed.getvalue().rstrip("\n"))
                if status:
                    out += ["$ echo $?", str(status)]
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    return "\n```console\n" + "\n".join(line for line in out if line) + "\n```\n"


def _shell_quote(word: str) -> str:
    """Quote a word for a POSIX shell, preferring double quotes where they suffice."""
    import shlex

    if shlex.quote(word) == word:
        return word
    if not any(c in word for c in '"$`\\!'):
        return f'"{word}"'
    return shlex.quote(word)


def unit_rows(layer: Any, ax: Any, *, lit_units: Iterable[str] = (),
              lit_edges: Iterable[tuple[str, str]] = (), edge_labels: bool = False,
              title: str = "") -> Any:
    """A textbook diagram of a small 1-D layer: :func:`symconv.plot_unit_rows` into ``ax``."""
    import symconv

    return symconv.plot_unit_rows(layer, ax, lit_units=lit_units, lit_edges=lit_edges,
                                  edge_labels=edge_labels, title=title or None)


def experiment(name: str) -> Any:
    """The module of ``experiments/<name>.py`` (the experiments live beside the package).

    Pages run an experiment at build time through this; readers run the same script
    from the command line, so the notebooks leave it out.
    """
    import importlib.util
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "experiments" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_experiment", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
