"""The summary table: LeNet-5's published counts in every format, and speed at VGG size."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest

import symconv as sc
from symconv.cli import main
from symconv.summary import Summary, SummaryRow

# LeCun et al. (1998), section II-B: (layer, trainable parameters, connections)
LENET5_PAPER = [
    ("Conv2d", 156, 122_304),       # C1
    ("Subsample2d", 12, 5_880),     # S2
    ("Conv2d", 1_516, 151_600),     # C3
    ("Subsample2d", 32, 2_000),     # S4
    ("Conv2d", 48_120, 48_120),     # C5
    ("Dense", 10_164, 10_164),      # F6
]


def lenet_rows() -> list[SummaryRow]:
    return [row for row in sc.lenet5().summary().rows if row.parameters]


def test_rows_carry_the_published_lenet5_counts() -> None:
    rows = lenet_rows()
    assert [(r.name, r.parameters, r.connections) for r in rows[:6]] == LENET5_PAPER
    c1 = rows[0]
    assert (c1.in_shape, c1.out_shape) == ((1, 32, 32), (6, 28, 28))
    assert c1.dense_parameters == 6 * 28 * 28 * (32 * 32 + 1)
    assert c1.sharing_factor == 28 * 28  # each of the 150 weights is used at every position
    assert c1.density == pytest.approx(25 / 1024)
    # C5 units see the whole 32x32 input (LeCun et al.: C5 is 1x1 on 5x5 S4 maps)
    assert rows[4].receptive_field == (32, 32)


def test_text_table_lines_up() -> None:
    text = str(sc.lenet5().summary())
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["#", "layer", "in"]
    assert len(lines) == 1 + 13 + 1
    c3 = lines[5].split()
    assert c3[:2] == ["5", "Conv2d"] and "1,516" in c3 and "151,600" in c3 and "14x14" in c3
    assert lines[-1].split()[0] == "total"
    assert "60,850" in lines[-1]
    assert repr(sc.lenet5().summary()) == text


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")

    def handle_data(self, data: str) -> None:
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def test_html_markdown_and_latex_hold_the_same_cells() -> None:
    table = sc.lenet5().summary()
    parser = _Cells()
    parser.feed(table._repr_html_())
    assert len(parser.rows) == 15 and {len(r) for r in parser.rows} == {9}
    assert parser.rows[1][2] == "(1, 32, 32) \u2192 (6, 28, 28)"
    assert parser.rows[-1][3] == "60,850"

    markdown = table.to_markdown().splitlines()
    assert len(markdown) == 16 and {line.count("|") for line in markdown} == {10}
    assert markdown[1].startswith("|--:|:--|")
    assert "| 5 | Conv2d | (6, 14, 14) \u2192 (16, 10, 10) | 1,516 | 151,600 |" in markdown[6]

    latex = table.to_latex().splitlines()
    assert latex[0] == r"\begin{tabular}{rllrrrrrr}"
    assert [line for line in latex if line.startswith("\\") and "rule" in line] == [
        r"\toprule", r"\midrule", r"\midrule", r"\bottomrule"]
    body = [line for line in latex if line.endswith(r"\\")]
    assert len(body) == 15 and {line.count(" & ") for line in body} == {8}
    assert r"14$\times$14" in latex[8] and r"\%" in latex[8]


def test_vgg16_summary_is_instant() -> None:
    sc.vgg16().summary()  # warm the caches of the layer geometries
    start = time.perf_counter()
    table = sc.vgg16().summary()
    elapsed = time.perf_counter() - start
    assert elapsed < 0.1
    assert table.total_parameters == 138_357_544
    pool5 = table.rows[30]
    assert pool5.name == "MaxPool2d" and pool5.receptive_field == (212, 212)
    assert pool5.parameters == 0 and pool5.connections == 512 * 7 * 7 * 4


def test_command_line_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["summary", "Conv2d((1, 32, 32), 6, 5)", "Subsample2d((6, 28, 28), 2)"])
    assert status == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["#", "layer"]
    assert lines[1].split()[1] == "Conv2d" and "122,304" in lines[1]
    assert lines[-1].split()[:3] == ["total", "168", "128,184"]


def test_command_line_reports_layers_that_do_not_join(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["summary", "Conv1d((1, 8), 2, 3)", "Conv1d((1, 6), 1, 3)"]) == 2
    assert "reads (1, 6), but the layer before it gives (2, 6)" in capsys.readouterr().err


def test_paper_counting_gives_lenet5s_published_total() -> None:
    # LeCun et al. (1998), section II-B: LeNet-5 "contains 340,908 connections".
    # Counted the paper's way, only connections carrying a trainable parameter count
    # (no squashing function has any), and the output layer of RBF units has its
    # 84 x 10 centres and no bias: Dense(84, 10, bias=False) has the same pattern.
    layers = [*sc.lenet5().layers[:-1], sc.Dense(84, 10, bias=False)]
    assert Summary.of(layers, connections="paper").total_connections == 340_908
    assert Summary.of(layers).total_connections > 340_908  # one per activation unit
    tanh = next(row for row in Summary.of(layers, connections="paper").rows
                if row.name == "Tanh")
    assert tanh.connections == 0 and tanh.parameters == 0


def test_unknown_connection_counting_is_refused() -> None:
    with pytest.raises(sc.SymconvError, match="connections='papers'"):
        Summary.of(sc.lenet5().layers, connections="papers")
