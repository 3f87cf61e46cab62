"""MkDocs hook: hide the page-formatting code, and offer every page as a notebook.

The pages' ``python exec="on"`` blocks compute what they show and then format it
for the page with ``docs/snippets/docs_helpers.py`` (a matrix as display math, a
figure as inline SVG, a Markdown table). Readers copy the code, so the code they
see must run with only symconv installed: every top-level statement that uses a
name imported from ``docs_helpers`` is *formatting*, hidden from the shown source
(markdown-exec drops lines marked ``# markdown-exec: hide``) and left out of the
notebook.

The same reading of a page makes its Jupyter notebook (``page.ipynb`` beside
``page/index.html``): the prose as Markdown cells, the code as code cells, where a
formatting statement becomes what it shows (``print(svg(plot, ...))`` becomes
``plot;``, which draws the figure inline; ``print(matrix(layer))`` becomes
``layer.matrix()``; ``print(repl(source, ...))`` becomes the source). Each page
links its notebook under its title. ``tests/test_docs_code.py`` runs the code and
the notebooks.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

HELPERS_MODULE = "docs_helpers"
HIDE = "  # markdown-exec: hide"
BLOCK = re.compile(
    r'^(?P<indent>[ \t]*)```python (?P<options>exec="on"[^\n]*)\n'
    r"(?P<code>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


@dataclass(frozen=True)
class Block:
    """One executed code block of a page, where it sits and its code."""

    start: int
    end: int
    indent: str
    options: str
    code: str
    """The code, dedented (blocks in admonitions are indented)."""

    @property
    def shows_source(self) -> bool:
        return "source=" in self.options


def blocks(markdown: str) -> Iterator[Block]:
    """The ``python exec="on"`` blocks of a page, in order."""
    for match in BLOCK.finditer(markdown):
        indent = match["indent"]
        code = textwrap.dedent(match["code"]) if indent else match["code"]
        yield Block(match.start(), match.end(), indent, match["options"], code)


def _bound(node: ast.stmt) -> set[str]:
    """Names an assignment binds (loop variables stay out: they are reused freely)."""
    found = node.targets if isinstance(node, ast.Assign) else (
        [node.target] if isinstance(node, ast.AnnAssign) else [])
    return {n.id for t in found for n in ast.walk(t) if isinstance(n, ast.Name)}


def _is_formatting(node: ast.stmt, helpers: set[str]) -> bool:
    if isinstance(node, ast.ImportFrom) and node.module == HELPERS_MODULE:
        return True
    return _uses(node, helpers)


def _formatting(tree: ast.Module, helpers: set[str]) -> tuple[list[bool], set[str]]:
    """Which statements format; the helper names after them.

    A helper is a name imported from ``docs_helpers`` or bound by a formatting
    statement (such as the namespace of a transcript).
    """
    helpers, flags = set(helpers), []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == HELPERS_MODULE:
            helpers |= {alias.asname or alias.name for alias in node.names}
        flags.append(_is_formatting(node, helpers))
        if flags[-1]:
            helpers |= _bound(node)
    return flags, helpers


def _string_lines(code: str) -> set[int]:
    """Line numbers (1-based) that continue a string begun on an earlier line."""
    inside: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.STRING:
            inside |= set(range(token.start[0] + 1, token.end[0] + 1))
    return inside


def hide_formatting(code: str, helpers: set[str]) -> tuple[str, set[str]]:
    """The code with its formatting statements marked hidden; the helper names seen."""
    tree = ast.parse(code)
    flags, helpers = _formatting(tree, helpers)
    lines = code.splitlines()
    strings = _string_lines(code)
    for node, formatting in zip(tree.body, flags, strict=True):
        if formatting:
            for number in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                if number in strings:
                    raise ValueError(f"cannot hide a multi-line string in shown code: {code!r}")
                lines[number - 1] += HIDE
    return "\n".join(lines) + "\n", helpers


def notebook_cells(code: str, helpers: set[str]) -> tuple[list[str], set[str]]:
    """The code of a block as a reader runs it, in cells: formatting turned into what it
    shows; a transcript gives a cell per statement, as the prompt shows each value."""
    tree = ast.parse(code)
    flags, helpers = _formatting(tree, helpers)
    cells: list[str] = []
    current: list[str] = []
    for node, formatting in zip(tree.body, flags, strict=True):
        shown = (_shown(node, code, helpers) if formatting
                 else [ast.get_source_segment(code, node) or ""])
        if formatting and shown and shown == current[-1:]:
            continue  # the page's code already shows it (``layer.matrix()``)
        if formatting and len(shown) > 1:
            cells += ["\n".join(current)] if current else []
            cells += shown
            current = []
        else:
            current += shown
    cells += ["\n".join(current)] if current else []
    return [cell.strip("\n") for cell in cells if cell.strip()], helpers


def _uses(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _shown(node: ast.stmt, code: str, helpers: set[str]) -> list[str]:
    """What a formatting statement shows, as code: [] when nothing reusable, several
    cells for a transcript."""
    call = node.value if isinstance(node, ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id == "print" and len(call.args) == 1
            and isinstance(call.args[0], ast.Call) and isinstance(call.args[0].func, ast.Name)
            and call.args[0].args):
        return []
    helper, first = call.args[0].func.id, call.args[0].args[0]
    text = ast.get_source_segment(code, first) or ""
    if helper in ("svg", "animation"):
        return [] if isinstance(first, ast.Name) or _uses(first, helpers) else [text + ";"]
    if helper == "matrix":
        return [f"{text}.matrix()"]
    if helper == "repl" and isinstance(first, ast.Constant) and isinstance(first.value, str):
        source = textwrap.dedent(first.value).strip("\n")
        statements = ast.parse(source).body
        if any(k.arg == "error" for k in call.args[0].keywords):
            statements = statements[:-1]  # the statement shown failing
        return [ast.get_source_segment(source, s) or "" for s in statements]
    return []


def page_notebook(markdown: str) -> nbformat.NotebookNode | None:
    """The notebook of a page (``None`` if it runs no Python a reader would run).

    The command-line page runs shell transcripts (``console``): no notebook.
    """
    if any("console(" in block.code for block in blocks(markdown)):
        return None
    cells, helpers, position = [], set[str](), 0
    for block in blocks(markdown):
        prose = markdown[position:block.start].strip()
        if prose:
            cells.append(nbformat.v4.new_markdown_cell(prose))
        codes, helpers = notebook_cells(block.code, helpers)
        cells += [nbformat.v4.new_code_cell(code) for code in codes]
        position = block.end
    if not any(cell.cell_type == "code" for cell in cells):
        return None
    rest = markdown[position:].strip()
    if rest:
        cells.append(nbformat.v4.new_markdown_cell(rest))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = KERNEL
    notebook.metadata["language_info"] = {"name": "python"}
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"  # stable ids: the same page gives the same bytes
    return notebook


def notebook_uri(page_uri: str) -> str:
    """Where a page's notebook goes: ``concepts/padding.md`` -> ``concepts/padding.ipynb``."""
    return str(PurePosixPath(page_uri).with_suffix(".ipynb"))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the notebook of every page that runs code."""
    for file in list(files.documentation_pages()):
        source = file.content_string
        notebook = page_notebook(source)
        if notebook is not None:
            files.append(File.generated(config, notebook_uri(file.src_uri),
                                        content=nbformat.writes(notebook) + "\n"))
    return files


def on_page_markdown(markdown: str, page: Page, files: Files, **kwargs: Any) -> str:
    """Hide the formatting in shown code; link the page's notebook under its title."""
    pieces, helpers, position = [], set[str](), 0
    for block in blocks(markdown):
        code = block.code
        if block.shows_source:
            code, helpers = hide_formatting(code, helpers)
        else:
            helpers = _formatting(ast.parse(code), helpers)[1]
        fenced = f"```python {block.options}\n{code}```"
        pieces += [markdown[position:block.start], textwrap.indent(fenced, block.indent)]
        position = block.end
    pieces.append(markdown[position:])
    text = "".join(pieces)
    uri = notebook_uri(page.file.src_uri)
    if files.get_file_from_path(uri) is not None:
        name = PurePosixPath(uri).name
        link = (f'\n[Download this page as a Jupyter notebook]'
                f'({name}){{ .symconv-notebook download="{name}" }}\n')
        text = re.sub(r"^(# .*\n)", lambda m: m.group(1) + link, text, count=1,
                      flags=re.MULTILINE)
    return text
