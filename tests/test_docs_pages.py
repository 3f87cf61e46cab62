"""The docs pages: every public name documented, the nav complete, the page helpers sound.

The site itself is built by ``mkdocs build --strict`` (which runs every code block
on the pages) and checked in a browser by ``tests/browser``; these checks are the
fast ones that need neither.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import symconv

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _nav_files(entries: list) -> list[str]:
    files = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        files += _nav_files(value) if isinstance(value, list) else [value]
    return files


@pytest.fixture(scope="module")
def helpers():
    sys.path.insert(0, str(DOCS / "snippets"))
    try:
        import docs_helpers

        yield docs_helpers
    finally:
        sys.path.remove(str(DOCS / "snippets"))


def test_every_public_name_has_a_reference_entry() -> None:
    reference = (DOCS / "reference.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^::: symconv\.(\w+)\s*$", reference, flags=re.MULTILINE))
    public = {name for name in symconv.__all__ if name != "__version__"}
    assert public - documented == set(), "missing from docs/reference.md"
    assert documented - public == set(), "documented in docs/reference.md but not public"


def test_nav_lists_every_page_and_every_page_exists() -> None:
    yaml = pytest.importorskip("yaml")
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    nav = _nav_files(config["nav"])
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")
             if p.relative_to(DOCS).parts[0] not in {"hooks", "snippets"}}
    assert sorted(nav) == sorted(pages)


def test_no_page_loads_anything_off_the_machine() -> None:
    remote = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)
    offenders = [p.name for p in DOCS.rglob("*.md") if remote.search(p.read_text("utf-8"))]
    assert offenders == []


def test_svg_is_byte_stable_and_ids_are_namespaced(helpers) -> None:
    import matplotlib.pyplot as plt

    def render() -> str:
        _, ax = plt.subplots(figsize=(2, 1))
        ax.plot([0, 1], [1, 0])
        return helpers.svg(ax, alt='a "line"', width="10rem")

    first, second = render(), render()
    assert first == second
    assert "<style" not in first and "<metadata" not in first
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert ids and all(i.startswith(ids[0].split("-")[0] + "-") for i in ids)
    refs = re.findall(r'(?:href="#|url\(#)([^")]+)', first)
    assert set(refs) <= set(ids)
    assert 'aria-label="a &quot;line&quot;"' in first


def test_repl_shows_values_prints_and_the_expected_error(helpers) -> None:
    namespace: dict = {}
    text = helpers.repl("x = [1, 2]\nx\nprint('hi')\nfor i in x:\n    i\nNone", namespace)
    assert text.strip().splitlines()[1:-1] == [
        ">>> x = [1, 2]", ">>> x", "[1, 2]", ">>> print('hi')", "hi",
        ">>> for i in x:", "...     i", "...", "1", "2", ">>> None",
    ]
    shown = helpers.repl("int('z')", {}, error=ValueError)
    assert "ValueError: invalid literal for int() with base 10: 'z'" in shown
    with pytest.raises(ValueError):
        helpers.repl("int('z')", {})
    with pytest.raises(AssertionError):
        helpers.repl("1", {}, error=ValueError)


def test_matrix_and_table(helpers) -> None:
    layer = symconv.Conv1d((1, 3), 1, 2, bias=False)
    assert helpers.matrix(layer).strip().splitlines()[0] == "$$"
    assert "M = \\left[" in helpers.matrix(layer)
    assert helpers.table(["a", "b"], [["x|y", 1234]]).split("\n")[1:] == [
        "| a | b |", "| :-- | --: |", "| x\\|y | 1,234 |", ""
    ]


def test_small_figure_text_sets_a_minimum_width(helpers) -> None:
    import matplotlib.pyplot as plt

    def width(fontsize: float, text: str, shrink: float = 1.0) -> float:
        figure, ax = plt.subplots(figsize=(4, 2))
        ax.set_axis_off()
        ax.text(0.5, 0.5, text, fontsize=fontsize)
        shown = helpers.svg(figure, alt="text", width="10rem")
        natural = float(re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', shown).group(1))
        minimum = float(re.search(r"min-width: (\d+)px", shown).group(1))
        # at the minimum width the text is MIN_TEXT_PX CSS px (1 pt = 4/3 px at natural size)
        smallest = fontsize * shrink  # mathtext sets subscripts at 70 %
        assert minimum == pytest.approx(helpers.MIN_TEXT_PX * natural / smallest, abs=1)
        return minimum

    assert width(5, "tiny") > width(10, "tiny")
    assert width(10, "$x_3$", shrink=0.7) > width(10, "x3")


def test_animation_player_is_byte_stable_with_one_figure_per_frame(helpers) -> None:
    def player() -> str:
        return helpers.animation(symconv.animate_convolution(
            symconv.Conv1d((1, 5), 1, 3, stride=2, bias=False)), alt="window")

    first = player()
    assert first == player()
    assert first.count('class="symconv-figure"') == 2  # two outputs, two frames
    assert "frame 2 of 2" in first and "data-step" in first
