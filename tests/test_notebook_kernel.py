"""What a notebook user sees: cells executed in a real IPython kernel with nbclient.

The kernel runs matplotlib's inline backend, as Jupyter does: a cell shows the
figures it made as ``image/png``, and ``display_data`` carries each object's richest
representations. Skips when nbclient, nbformat or ipykernel are missing.
"""

from __future__ import annotations

import base64
import io
import warnings
from pathlib import Path

import numpy as np
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]

SETUP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import matplotlib.pyplot as plt
import symconv as sc
conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
net = sc.Sequential.build((1, 8, 8), (sc.Conv2d, 1, 3), (sc.Conv2d, 1, 3, {{"stride": 2}}))
"""

PLOTS = {
    "connectivity": "sc.plot_connectivity(conv)",
    "sparsity then show": "sc.plot_sparsity(conv); plt.show()",
    "receptive field": "sc.plot_receptive_field(conv, 1)",
    "network receptive field": "sc.plot_receptive_field(net, 0)",
    "comparison": "sc.plot_dense_vs_conv(conv)",
    "growth": "sc.plot_parameter_growth(sizes=[4, 8])",
    "unit rows": "sc.plot_unit_rows(sc.Conv1d((1, 5), 1, 3))",
    "layer plot": "conv.plot()",
}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list], Path]:
    """Every cell's outputs, by cell name, and the folder the cells saved into."""
    folder = tmp_path_factory.mktemp("notebook")
    cells = {"setup": SETUP, **PLOTS,
             "savefig": f"sc.plot_connectivity(conv)\nplt.savefig({str(folder / 'c.png')!r})",
             "layer": "conv",
             "big layer": "sc.Dense(25088, 4096)",
             "animation": "sc.animate_convolution(conv)"}
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells.values()]
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        patch.delenv("MPLBACKEND", raising=False)  # the kernel picks Jupyter's inline backend
        warnings.simplefilter("ignore")  # the Jupyter stack's own deprecations
        client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                         resources={"metadata": {"path": str(folder)}})
        client.execute()
    outputs = {name: cell.outputs for name, cell in zip(cells, notebook.cells, strict=True)}
    return outputs, folder


def mime_types(outputs: list) -> set[str]:
    return {mime for output in outputs for mime in output.get("data", {})}


@pytest.mark.parametrize("name", PLOTS)
def test_each_plot_call_shows_a_picture(executed, name) -> None:
    outputs, _ = executed
    assert "image/png" in mime_types(outputs[name]), outputs[name]
    assert not [o for o in outputs[name] if o.output_type == "error"]


def test_savefig_after_a_plot_call_writes_the_figure(executed) -> None:
    from PIL import Image

    _, folder = executed
    with Image.open(folder / "c.png") as image:
        pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 10  # not a blank canvas
    assert (pixels < 100).mean() > 0.005  # dark ink: lines and text


def test_a_layer_shows_its_counts_and_matrix_as_latex_without_svg(executed) -> None:
    outputs, _ = executed
    for name, counts in (("layer", "4 parameters, 16 connections"),
                         ("big layer", "102,764,544 parameters")):
        (result,) = [o for o in outputs[name] if o.output_type == "execute_result"]
        assert "image/svg+xml" not in result.data
        assert counts in result.data["text/latex"]
        assert r"\left[" in result.data["text/latex"]


def test_an_animation_shows_a_player(executed) -> None:
    outputs, _ = executed
    (result,) = [o for o in outputs["animation"] if o.output_type == "execute_result"]
    html = result.data["text/html"]
    assert "<script" in html and "data:image/png;base64" in html
    assert "image/png" not in mime_types(outputs["animation"])  # no still copy beside it
    frame = html.split("data:image/png;base64,")[1].split('"')[0].replace("\\n", "")
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(frame))) as image:
        assert image.size[0] > 300
