"""The docs' code as readers get it: shown code runs as shown, notebooks execute.

Each page's code (the shown source of its executed blocks, without the hidden
page-formatting statements, plus its figure code) runs in a fresh interpreter
whose path holds symconv but not the docs' helper module, in an empty directory.
The notebooks the docs build offers for download are made from the same source
(``docs/hooks/notebooks.py``) and executed with nbclient in an ipykernel.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if p.relative_to(DOCS).parts[0] != "snippets")


def _hook() -> ModuleType:
    path = DOCS / "hooks" / "notebooks.py"
    spec = importlib.util.spec_from_file_location("notebooks_hook", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


pytest.importorskip("nbformat")
pytest.importorskip("mkdocs", reason="the notebooks hook is docs build code ('.[docs]')")
hook = _hook()
NOTEBOOKS = {p: nb for p in PAGES if (nb := hook.page_notebook(p.read_text("utf-8"))) is not None}


def _env() -> dict[str, str]:
    """symconv importable (the checkout first), matplotlib off-screen, no docs helpers."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


def _code(page: Path) -> str:
    cells = NOTEBOOKS[page].cells
    return "\n\n".join(c.source for c in cells if c.cell_type == "code")


def test_concept_pages_have_notebooks() -> None:
    concepts = {p for p in PAGES if p.parent.name == "concepts"}
    assert concepts and concepts <= set(NOTEBOOKS)


@pytest.mark.parametrize("page", sorted(NOTEBOOKS), ids=lambda p: str(p.relative_to(DOCS)))
def test_shown_code_runs_in_a_fresh_interpreter(page: Path, tmp_path: Path) -> None:
    code = _code(page)
    assert "docs_helpers" not in code
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def test_formatting_is_hidden_and_shown_as_what_it_shows() -> None:
    code = (
        "import symconv as sc\n"
        "from docs_helpers import matrix, svg\n"
        "conv = sc.Conv1d((1, 4), 1, 2)\n"
        "print(matrix(conv,\n"
        "             'M'))\n"
        "print(svg(sc.plot_connectivity(conv), alt='x'))\n"
    )
    shown, helpers = hook.hide_formatting(code, set())
    assert {"matrix", "svg"} <= helpers
    visible = [line for line in shown.splitlines() if "markdown-exec: hide" not in line]
    assert visible == ["import symconv as sc", "conv = sc.Conv1d((1, 4), 1, 2)"]
    cells, _ = hook.notebook_cells(code, set())
    assert cells == ["import symconv as sc\nconv = sc.Conv1d((1, 4), 1, 2)\nconv.matrix()\n"
                     "sc.plot_connectivity(conv);"]


@pytest.mark.slow
@pytest.mark.parametrize("page", sorted(NOTEBOOKS), ids=lambda p: str(p.relative_to(DOCS)))
def test_notebook_executes(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend draws
    notebook = NOTEBOOKS[page]
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    if "plt.subplots" in _code(page):  # pyplot figures come back as images
        assert any("image/png" in o.get("data", {}) for o in outputs)
