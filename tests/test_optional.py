"""The test suite without its optional tools: what skips says why, and one line counts it."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from optional import MissingModule, optional_module

ROOT = Path(__file__).resolve().parents[1]


def test_a_missing_module_skips_its_first_user() -> None:
    stand_in = optional_module("no_such_module_for_symconv")
    assert isinstance(stand_in, MissingModule)
    functional = stand_in.nn.functional  # looking names up is fine, e.g. at module level
    with pytest.raises(pytest.skip.Exception, match="could not import 'no_such_module_for"):
        functional.conv2d([1.0], [1.0])


def test_an_installed_module_is_itself() -> None:
    assert optional_module("json") is sys.modules["json"]


def test_the_run_ends_with_a_line_counting_skips_by_missing_package(tmp_path: Path) -> None:
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_needs.py").write_text(
        "import pytest\n\n"
        "def test_one():\n    pytest.importorskip('no_such_module_for_symconv')\n\n"
        "def test_two():\n    pytest.importorskip('no_such_module_for_symconv')\n\n"
        "def test_runs():\n    pass\n",
        encoding="utf-8",
    )
    (tmp_path / "doc.py").write_text(
        '"""Uses PyTorch.\n\n>>> import torch\n>>> torch.ones(1).item()\n1.0\n"""\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly",
         "--doctest-modules", "-q", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "skips for want of optional test packages: no_such_module_for_symconv (2)" in (
        "\n".join(lines)
    )
    if importlib.util.find_spec("torch") is None:  # the doctest skips, and the line says so
        assert "torch (1)" in result.stdout and "download.pytorch.org/whl/cpu" in result.stdout
    else:
        assert "2 passed" in result.stdout
