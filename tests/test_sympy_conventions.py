"""SymPy's conventions: printers, the truncated LaTeX matrix, symbols and their assumptions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sympy
from hypothesis import given
from strategies import fewer_examples, layers

import symconv as sc


def cells(latex: str) -> list[list[str]]:
    body = latex.split("\n")[1:-1]
    return [row.removesuffix(r" \\").split(" & ") for row in body]


def test_sympy_latex_of_a_layer_is_its_summary_and_matrix() -> None:
    layer = sc.Conv2d((1, 3, 3), 1, 2, bias=False)
    text = sympy.latex(layer)
    assert r"\text{Conv2d((1, 3, 3) -> (1, 2, 2), kernel 2x2: 4 parameters" in text
    assert "⎡" not in text and "⎢" not in text
    matrix = layer.matrix()
    expected = [[sympy.latex(matrix[i, j]) for j in range(matrix.cols)]
                for i in range(matrix.rows)]
    assert cells(sc.latex_matrix(layer)) == expected
    assert sc.latex_matrix(layer) in text
    assert sympy.sstr(layer) == repr(layer)
    assert sympy.latex(sc.ReLU(2)).endswith(r"h_i = \max(0, x_i)\end{array}")


def test_latex_matrix_truncates_and_checks_its_limits() -> None:
    layer = sc.Conv1d((1, 10**4), 1, 3)
    rows = cells(sc.latex_matrix(layer, max_rows=4, max_cols=6))
    assert len(rows) == 5 and all(len(row) == 7 for row in rows)
    assert rows[2][3] == r"\ddots" and rows[0][3] == r"\cdots" and rows[2][0] == r"\vdots"
    assert rows[0][:3] == ["w_{1}", "w_{2}", "w_{3}"]
    for bad in (0, -1, 2.5, True):
        with pytest.raises(sc.LayerConfigError, match="max_rows"):
            sc.latex_matrix(layer, max_rows=bad)  # type: ignore[arg-type]
    with pytest.raises(sc.NotLinearError):
        sc.latex_matrix(sc.ReLU(3))


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
def test_the_latex_compiles(tmp_path: Path) -> None:
    parts = [sympy.latex(layer) for layer in (
        sc.Conv1d((1, 40), 1, 3, padding="same", weight_name="w"), sc.ReLU(3),
        sc.Dense(30, 20), sc.Residual([sc.Dense(2, 2)]), sc.LeakyReLU(2),
    )]
    body = "\n".join(rf"\[{part}\]" for part in parts)
    (tmp_path / "doc.tex").write_text(
        r"\documentclass{article}\usepackage{amsmath}\begin{document}" + body
        + r"\end{document}", encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             "doc.tex"], cwd=tmp_path, capture_output=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stdout.decode(errors="replace")[-2000:]


@fewer_examples(30)
@given(layer=layers(max_dims=2))
def test_every_symbol_is_found_by_its_name(layer: sc.Layer) -> None:
    for symbol in [*layer.parameters, *layer.input_symbols]:
        found = layer.symbol(str(symbol))
        assert found is symbol or found == symbol
        assert found.is_real
        assert sympy.Symbol(str(symbol)) != found  # the plain symbol is another one
    with pytest.raises(sc.LayerConfigError, match="is not a symbol of"):
        layer.symbol(f"x_{layer.n_in + 1}")


def test_symbol_lookup_refuses_near_misses() -> None:
    conv = sc.Conv2d((2, 4, 4), 3, 2, connection_table=[[1, 0], [1, 1], [0, 1]])
    assert conv.symbol("w_{1,1,2,2}") in conv.parameters
    for name in ["w_{1,2,1,1}", "w_{1,1,2}", "w_{1,1,3,1}", "w_1", "x_0", "x_01", "b_4",
                 "w_{0,1,1,1}", "w", "", 3]:
        with pytest.raises(sc.LayerConfigError):
            conv.symbol(name)  # type: ignore[arg-type]
    net = sc.Sequential(sc.Dense(2, 2), sc.Dense(2, 1))
    assert net.layers[1].symbol("w^{(2)}_{1,2}") in net.matrix().free_symbols


def test_residual_symbols_stay_apart_and_are_found() -> None:
    net = sc.Sequential(sc.Conv1d((1, 8), 1, 3, bias=False),
                        sc.Residual([sc.Conv1d((1, 6), 1, 3, padding=1, bias=False)],
                                    [sc.Conv1d((1, 6), 1, 1, bias=False)]))
    assert set(net.parameters) == net.matrix().free_symbols - set(net.input_symbols)
    assert len(set(net.parameters)) == 3 + 3 + 1
    assert net[1:].parameters == net[1].parameters  # a slice keeps the symbols
    block = net[1]
    for symbol in block.parameters:
        assert block.symbol(str(symbol)) == symbol
    assert [str(s) for s in block.parameters][-1] == "w^{(2.2)}_1"
