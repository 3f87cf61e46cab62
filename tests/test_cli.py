from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

import symconv as sc
import symconv.cli as cli
from symconv.cli import DEMO_FILES, main
from symconv.display import MAX_ROWS

CANONICAL = "Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "symconv", *args],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=120,
    )


def call(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command in this process (faster), with the same result type as :func:`run`."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


def assert_user_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("symconv: error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def matrix_rows(text: str) -> list[list[str]]:
    """The cells of a bracketed text matrix, one list per row."""
    return [line.strip("⎡⎤⎢⎥⎣⎦[]").split() for line in text.splitlines()]


def test_matrix_of_the_canonical_example():
    result = run("matrix", CANONICAL)
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.startswith("Conv2d((1, 4, 4) -> (1, 2, 2)")
    rows = matrix_rows("\n".join(lines))
    # DESIGN: h11 reads inputs 1, 2, 5, 6; h12 reads 3, 4, 7, 8 (1-based, row by row)
    nonzero = [[c + 1 for c, cell in enumerate(row) if cell != "0"] for row in rows]
    assert nonzero == [[1, 2, 5, 6], [3, 4, 7, 8], [9, 10, 13, 14], [11, 12, 15, 16]]
    assert all([row[c - 1] for c in cols] == ["w_{1,1}", "w_{1,2}", "w_{2,1}", "w_{2,2}"]
               for row, cols in zip(rows, nonzero, strict=True))


def test_matrix_latex_cut_to_a_window():
    result = call("matrix", "Dense(16, 4)", "--format", "latex", "--max-rows", "2",
                  "--max-cols", "4")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith(r"\left[\begin{array}{ccccc}")
    assert r"\cdots" in text and r"\vdots" in text and "w_{4,16}" in text


def test_summary_of_several_layers():
    result = call("summary", "Conv2d((1, 28, 28), 6, 5, padding=2)", "AvgPool2d((6, 28, 28), 2)",
                 "Dense((6, 14, 14), 10)")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    rows = [next(line for line in lines if name in line)
            for name in ("Conv2d", "AvgPool2d", "Dense")]
    # LeNet-5's C1 layer: 156 trainable parameters (LeCun et al., 1998)
    assert "156" in rows[0]
    assert "total" in lines[-1]


def test_export_writes_a_readable_graph(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = call("export", CANONICAL, "-o", "g.graphml", "--bias")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Wrote g.graphml"
    graph = sc.read_graph(tmp_path / "g.graphml")
    assert graph.number_of_edges() == 16


def test_export_tikz(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = call("export", CANONICAL, "-o", "c.tex", "--tikz")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c.tex").read_text().count(r"\draw") == 16


@pytest.mark.parametrize(
    ("kind", "name", "extra"),
    [
        ("connectivity", "c.svg", ()),
        ("comparison", "d.png", ()),
        ("sparsity", "s.pdf", ()),
        ("receptive-field", "r.svg", ("--unit", "4")),
        ("growth", "g.svg", ()),
        ("animation", "a.gif", ()),
    ],
)
def test_draw_every_kind(tmp_path, monkeypatch, kind, name, extra):
    monkeypatch.chdir(tmp_path)
    result = call("draw", CANONICAL, "--kind", kind, "-o", name, *extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote {name}"
    path = tmp_path / name
    if name.endswith(".svg"):
        assert ET.parse(path).getroot().tag.endswith("svg")
    elif name.endswith(".pdf"):
        assert path.read_bytes().startswith(b"%PDF")
    else:
        with Image.open(path) as image:
            assert image.format == ("GIF" if kind == "animation" else "PNG")
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_demo_writes_every_file(tmp_path):
    folder = tmp_path / "out"
    result = run("demo", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(DEMO_FILES)
    assert all((folder / name).stat().st_size > 0 for name in DEMO_FILES)
    out = result.stdout
    for name in DEMO_FILES:
        assert str(folder / name) in out
    assert "4 parameters, 16 connections" in out
    assert "64 parameters, 64 connections" in out
    assert "h_{1,1} reads x_1, x_2, x_5, x_6" in out
    with Image.open(folder / "animation.gif") as gif:
        assert gif.n_frames > 1
    assert sc.read_graph(folder / "graph.json").number_of_edges() == 16


def test_demo_default_folder(monkeypatch):
    folders = []
    monkeypatch.setattr(cli, "_write_demo", lambda folder: folders.append(folder) or [])
    result = call("demo")
    assert result.returncode == 0, result.stderr
    assert folders == ["symconv-demo"]


@pytest.mark.parametrize(
    "spec",
    [
        "__import__('os').system('touch pwned')",
        "Conv2d.__class__",
        "Conv2d((1,4,4), 1, 2, stride=__import__('os'))",
        "Conv2d((1,4,4), 1, 2, stride=__import__('os').system('touch pwned'))",
    ],
)
def test_malicious_spec_is_refused(tmp_path, spec):
    result = run("matrix", spec, cwd=tmp_path)
    assert_user_error(result, "SPEC")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("matrix", "Conv2d((1, 4, 4), 1, 5)"), "kernel_size=5 is larger than the padded input"),
        (("matrix", "Conv2d((1, 4, 4), 1, 2, strides=2)"), "strides"),
        (("matrix", "MaxPool2d((1, 4, 4), 2)"), "MaxPool2d is not linear"),
        (("draw", CANONICAL, "--kind", "histogram", "-o", "x.svg"), "invalid choice"),
        (("draw", CANONICAL, "--kind", "animation", "-o", "x.svg"), "'.svg'"),
        (("draw", CANONICAL, "-o", "x.gif"), "'.gif'"),
        (("draw", CANONICAL, "--kind", "receptive-field", "--unit", "5", "-o", "x.svg"),
         "unit 5 is outside the outputs 1..4"),
        (("export", CANONICAL, "-o", "x.docx"), "unknown extension '.docx'"),
        (("matrix", CANONICAL, "--max-rows", "0"), "not a positive integer"),
        (("matrix", CANONICAL, "--format", "rtf"), "invalid choice"),
        (("summary",), "no SPEC on standard input"),
        (("summary", "--input", "1x-2", "Dense(3)"), "not a shape"),
        (("summary", "Conv2d((1, 8, 8), 2, 3)", "Dense(36, 2)"), "leave it out"),
        (("summary", "Conv2d((1, 8, 8), 2, 3)", "MaxPool2d((2, 8, 8), 2)"),
         "reads (2, 8, 8), but the layer before it gives (2, 6, 6)"),
        (("summary", "lenet5", "ReLU"), "lenet5 is a whole network"),
        (("export", CANONICAL, "-o", "-"), "needs --format"),
        (("export", CANONICAL, "-o", "x.json", "--format", "dot"), "contradicts"),
        ((), "required"),
    ],
)
def test_user_errors_are_one_line(tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    (tmp_path / "taken.json").mkdir()
    assert_user_error(call(*args), fragment)
    assert [p.name for p in tmp_path.iterdir()] == ["taken.json"]


def test_a_file_that_cannot_be_written_is_a_run_time_failure(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.json").mkdir()
    for args in (("export", CANONICAL, "-o", "taken.json"),
                 ("export", CANONICAL, "-o", "missing/taken.json"),
                 ("matrix", CANONICAL, "-o", "taken.json")):
        result = call(*args)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("symconv: error: cannot ")
        assert "taken.json" in result.stderr
        assert result.stderr.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["taken.json"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("matrix", "Conv2d((1, 4, 4), 1, 5)"), "kernel_size=5"),
        (("draw", CANONICAL, "--kind", "histogram", "-o", "x.svg"), "invalid choice"),
        (("summary", "Dense(2, 2)", "Dense((3,), 2)"), "reads (3,)"),
    ],
)
def test_user_errors_in_a_real_process(tmp_path, args, fragment):
    (tmp_path / "taken.json").mkdir()
    assert_user_error(run(*args, cwd=tmp_path), fragment)


def test_version_and_console_script():
    result = run("--version")
    assert result.stdout.strip() == f"symconv {sc.__version__}"
    script = Path(sys.executable).with_name("symconv")
    if not script.exists():
        pytest.skip("the console script is not installed")
    installed = subprocess.run([str(script), "summary", "Dense(2, 2)"], capture_output=True,
                               text=True, timeout=60)
    assert installed.returncode == 0
    assert "Dense" in installed.stdout


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # 64 x 256 entries of text overflow the pipe, so printing meets the closed pipe
    spec = "Conv2d((1, 16, 16), 1, 3, padding=1)"
    with subprocess.Popen(
        [sys.executable, "-m", "symconv", "matrix", spec, "--max-rows", "256",
         "--max-cols", "256"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read()
    assert process.returncode == 0
    assert "Traceback" not in errors


def test_summary_infers_the_shapes_of_a_chain():
    # LeNet-5 as LeCun et al. (1998) count it: C1 has 156 parameters, S2 12, C3 1,516
    result = call("summary", "--input", "1x32x32", "Conv2d(6, 5)", "Subsample2d(2)",
                  "Conv2d(16, 5)", "Subsample2d(2)")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "(1, 32, 32) -> (6, 28, 28)" in lines[1] and " 156 " in lines[1]
    assert "(6, 28, 28) -> (6, 14, 14)" in lines[2] and " 12 " in lines[2]
    assert "(6, 14, 14) -> (16, 10, 10)" in lines[3] and " 2,416 " in lines[3]
    assert "(16, 10, 10) -> (16, 5, 5)" in lines[4]
    # the first layer may state its shape instead of --input; later ones may state it too
    same = call("summary", "Conv2d((1, 32, 32), 6, 5)", "Subsample2d((6, 28, 28), 2)",
                "Conv2d(16, 5)", "Subsample2d(2)")
    assert same.stdout == result.stdout


def test_summary_of_a_classic_network_by_name():
    result = call("summary", "lenet5")
    assert result.returncode == 0, result.stderr
    total = result.stdout.splitlines()[-1].split()
    assert total[:2] == ["total", "60,850"]  # LeCun et al. (1998): C1-F6 plus a dense output
    assert call("summary", "lenet5()").stdout == result.stdout


@pytest.mark.parametrize(
    ("fmt", "start", "contains"),
    [
        ("markdown", "| # | layer |", "| **total** |"),
        ("latex", r"\begin{tabular}", r"\bottomrule"),
        ("html", '<table class="symconv-summary">', "<tfoot>"),
    ],
)
def test_summary_formats(fmt, start, contains):
    result = call("summary", "Conv1d((1, 8), 2, 3)", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(start) and contains in result.stdout


def test_matrix_formats_agree_with_the_matrix():
    spec = "Conv1d((1, 4), 1, 2, bias=False)"
    matrix = sc.parse_spec(spec).matrix()
    markdown = call("matrix", spec, "--format", "markdown").stdout.splitlines()
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in markdown]
    assert cells[0] == ["", "x_1", "x_2", "x_3", "x_4"]
    assert [row[1:] for row in cells[2:]] == [[str(v) for v in matrix.row(i)]
                                              for i in range(matrix.rows)]
    html = ET.fromstring(call("matrix", spec, "--format", "html").stdout)
    body = [[td.text for td in tr.findall("td")] for tr in html.findall("tr")[1:]]
    assert body == [[str(v) for v in matrix.row(i)] for i in range(matrix.rows)]


def test_specs_from_standard_input_and_output_to_a_pipe(tmp_path):
    lines = "# LeNet-5's first layers\nConv2d((1, 32, 32), 6, 5)\n\nSubsample2d(2)  # S2\n"
    piped = subprocess.run([sys.executable, "-m", "symconv", "summary"], input=lines,
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    given = call("summary", "Conv2d((1, 32, 32), 6, 5)", "Subsample2d(2)")
    assert piped.stdout == given.stdout
    single = subprocess.run([sys.executable, "-m", "symconv", "matrix", "-"], input=CANONICAL,
                            capture_output=True, text=True, timeout=120)
    assert single.stdout == call("matrix", CANONICAL).stdout
    dot = subprocess.run(
        [sys.executable, "-m", "symconv", "export", CANONICAL, "-o", "-", "--format", "dot"],
        capture_output=True, timeout=120, cwd=tmp_path,
    )
    assert dot.returncode == 0, dot.stderr
    assert list(tmp_path.iterdir()) == []  # nothing left behind
    assert dot.stdout == sc.export(sc.parse_spec(CANONICAL), tmp_path / "g.dot").read_bytes()
    assert len(re.findall(r"^\s*\S+ -> \S+ \[", dot.stdout.decode(), flags=re.M)) == 16


def test_matrix_written_to_a_file(tmp_path):
    target = tmp_path / "m.tex"
    result = call("matrix", CANONICAL, "--format", "latex", "-o", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert target.read_text() == call("matrix", CANONICAL, "--format", "latex").stdout


def test_every_option_has_help_and_every_command_an_example():
    parser = cli._parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in [("symconv", parser), *commands.choices.items()]:
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings or action.dest}"
        if name != "symconv":
            assert f"symconv {name} " in (command.epilog or ""), name
    matrix = commands.choices["matrix"].format_help()
    assert f"default {MAX_ROWS})" in " ".join(matrix.split())
