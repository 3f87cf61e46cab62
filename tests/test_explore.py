"""``sc.explore``: a moved control rebuilds the layer and redraws its matrix; in notebooks too."""

from __future__ import annotations

import re
import sys

import pytest
import sympy

import symconv as sc
from symconv.errors import LayerConfigError
from symconv.explore import Explorer

pytest.importorskip("ipywidgets")

CELL = re.compile(r'data-row="(\d+)" data-col="(\d+)" data-weight="([^"]*)"')


def shown_cells(explorer: Explorer) -> dict[tuple[int, int], str]:
    return {(int(r), int(c)): w for r, c, w in CELL.findall(explorer.view.value)}


def entries(layer: sc.Layer) -> dict[tuple[int, int], str]:
    return {key: str(value) for key, value in layer.matrix().todok().items()}


def test_moving_controls_rebuilds_the_layer_and_its_matrix() -> None:
    explorer = sc.explore(sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False))
    assert shown_cells(explorer) == entries(sc.Conv2d((1, 4, 4), 1, 2, stride=2))
    assert explorer.view.value.count("<svg") == 1  # the connectivity diagram
    explorer.controls["stride"].value = 1
    expected = sc.Conv2d((1, 4, 4), 1, 2, bias=False)
    assert repr(explorer.layer) == repr(expected)
    assert shown_cells(explorer) == entries(expected)
    explorer.controls["transposed"].value = True
    explorer.controls["padding"].value = 1
    expected = sc.ConvTranspose2d((1, 4, 4), 1, 2, padding=1, bias=False)
    assert repr(explorer.layer) == repr(expected)
    assert shown_cells(explorer) == entries(expected)
    explorer.controls["dims"].value = 1
    assert explorer.layer is not None and explorer.layer.matrix() == sympy.Matrix(
        sc.ConvTranspose1d((1, 4), 1, 2, padding=1, bias=False).matrix())


def test_folded_entries_show_as_sums() -> None:
    explorer = sc.explore(sc.Conv1d((1, 3), 1, 3, padding=1, padding_mode="reflect"))
    assert "w_1 + w_3" in shown_cells(explorer).values()


def test_a_refused_setting_shows_symconvs_message_in_place() -> None:
    explorer = sc.explore(sc.Conv1d((1, 4), 1, 3))
    explorer.controls["k"].value = 5
    with pytest.raises(LayerConfigError) as refused:
        sc.Conv1d((1, 4), 1, 5)
    assert explorer.layer is None
    assert explorer.error == f"LayerConfigError: {refused.value}"
    assert str(refused.value) in explorer.view.value.replace("&#x27;", "'")
    assert "Traceback" not in explorer.view.value
    explorer.controls["padding"].value = 1  # back to a layer symconv builds
    assert repr(explorer.layer) == repr(sc.Conv1d((1, 4), 1, 5, padding=1))


def test_the_given_layer_keeps_its_channels_groups_and_bias() -> None:
    layer = sc.Conv2d((4, 10, 10), 6, 3, padding="same", groups=2)
    explorer = sc.explore(layer)
    assert repr(explorer.layer) == repr(layer)
    assert explorer.controls["n"].max == 10  # the range stretches to the layer
    explorer.controls["k"].value = 5
    assert repr(explorer.layer) == repr(sc.Conv2d((4, 10, 10), 6, 5, padding="same", groups=2))
    assert explorer.view.value.count("⋯") > 0  # a 600 x 400 matrix shows its corners


def test_without_ipywidgets_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r"symconv\[notebook\]"):
        sc.explore()


def test_a_layer_the_controls_cannot_show_is_refused() -> None:
    with pytest.raises(LayerConfigError, match="Dense"):
        sc.explore(sc.Dense(4, 2))


def test_the_explorer_runs_in_a_notebook() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import symconv as sc\n"
            "explorer = sc.explore(sc.Conv1d((1, 5), 1, 3, bias=False))\n"
            "explorer"
        ),
        nbformat.v4.new_code_cell(
            'explorer.controls["stride"].value = 2\nprint(repr(explorer.layer))'
        ),
    ]
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    shown, printed = (cell.outputs for cell in notebook.cells)
    assert [o.output_type for o in shown] == ["display_data"]
    assert "application/vnd.jupyter.widget-view+json" in shown[0].data
    assert printed[0].text.strip() == repr(sc.Conv1d((1, 5), 1, 3, stride=2, bias=False))
