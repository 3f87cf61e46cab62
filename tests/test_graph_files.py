"""Graph files as their own tools read them (Graphviz, Gephi's GEXF, NetworkX, pdflatex),
and hostile graph files refused with one error naming the file and the place."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from PIL import Image

import symconv as sc
import symconv.graphfile as graphfile
from symconv.plots.style import ParameterColors

HOSTILE = Path(__file__).parent / "data" / "hostile_graphs"

# The place each hostile file's error names (line, edge or attribute) and why.
HOSTILE_PLACES = {
    "bad_param_json.graphml": "edge 'x1' -> 'h1': attribute param_json",
    "billion_laughs.graphml": "line 2: a DOCTYPE or ENTITY declaration is not allowed",
    "code_in_srepr.graphml": "edge 'x1' -> 'h1': weight text \"__import__",
    "deep_nesting.json": "nested too deeply",
    "deep_param_json.graphml": "edge 'x1' -> 'h1': attribute param_json is 200,000 characters",
    "deep_srepr.graphml": "nested deeper than 32 calls",
    "edge_to_nowhere.json": "missing 'target'",
    "float_in_json.json": "precision 10000000 is outside 1..3400",
    "float_precision.graphml": "edge 'x1' -> 'h1': weight text \"Float('1.5', precision=10000000)",
    "huge_integer.graphml": "edge 'x1' -> 'h1': weight text 'Integer(999",
    "huge_number.json": "4300 digits",
    "int_as_text.graphml": "invalid literal for int() with base 10: 'one'",
    "long_srepr.graphml": "52,893 characters, over the limit of 10,000",
    "malformed.json": "line 1 column 44",
    "nodes_not_a_list.json": "'int' object is not iterable",
    "not_xml.gexf": "line 1, column 0",
    "power_of_numbers.graphml": "a power of a number is not a weight",
    "truncated.graphml": "line 11, column 2",
    "undirected.json": "not a directed graph",
    "wrong_attribute_type.graphml": "1 is not a bool",
}


def test_every_hostile_file_is_listed():
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(HOSTILE_PLACES)


@pytest.mark.parametrize("name", sorted(HOSTILE_PLACES))
def test_hostile_file_raises_one_error_naming_file_and_place(name):
    path = HOSTILE / name
    start = time.perf_counter()
    with pytest.raises(sc.ExportError) as info:
        sc.read_graph(path)
    assert time.perf_counter() - start < 5.0
    message = str(info.value)
    assert message.startswith(f"cannot read a graph from {str(path)!r}: ")
    assert HOSTILE_PLACES[name] in message
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    path = sc.export(sc.Conv1d((1, 8), 1, 3), tmp_path / "g.json")
    size = path.stat().st_size
    with pytest.raises(sc.ExportError, match=f"larger than the limit of {size - 1:,} bytes"):
        sc.read_graph(path, max_bytes=size - 1)
    assert sc.read_graph(path, max_bytes=size).number_of_edges() == 18
    monkeypatch.setattr(graphfile, "GRAPH_READERS", {})  # nothing parses beyond the limit
    with pytest.raises(sc.ExportError, match="unknown extension"):
        sc.read_graph(path)


# --- names that XML cannot hold -----------------------------------------------------
@pytest.mark.parametrize("ext", [".graphml", ".gexf", ".json", ".dot"])
@pytest.mark.parametrize("where", ["node", "label", "attribute name"])
def test_control_characters_are_refused_not_written(tmp_path, ext, where):
    graph = nx.DiGraph()
    if where == "node":
        graph.add_edge("x\x01", "h")
    elif where == "label":
        graph.add_edge("x", "h", label="w\x1b[31m")
    else:
        graph.add_edge("x", "h", **{"bad\x0cname": 1})
    with pytest.raises(sc.ExportError, match="control character"):
        sc.export(graph, tmp_path / f"g{ext}")
    assert list(tmp_path.iterdir()) == []


def test_every_export_is_read_by_its_standard_reader(tmp_path):
    layer = sc.Conv1d((2, 5), 2, 3, padding=1, padding_mode="reflect")
    graphml = nx.read_graphml(sc.export(layer, tmp_path / "g.graphml", bias=True))
    gexf = nx.read_gexf(sc.export(layer, tmp_path / "g.gexf", bias=True))
    data = json.loads(sc.export(layer, tmp_path / "g.json", bias=True).read_text())
    edges = layer.num_connections
    assert graphml.number_of_edges() == gexf.number_of_edges() == len(data["edges"]) == edges


# --- Graphviz -----------------------------------------------------------------------
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is absent")


def svg_of_dot(path: Path) -> ET.Element:
    done = subprocess.run(["dot", "-Tsvg", str(path)], capture_output=True, timeout=60,
                          check=True)
    assert done.stderr == b""  # no warning about an attribute or a label
    return ET.fromstring(done.stdout)


SVG = "{http://www.w3.org/2000/svg}"


@needs_dot
def test_graphviz_renders_subscripts_colours_and_columns(tmp_path):
    layer = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
    root = svg_of_dot(sc.export(layer, tmp_path / "g.dot"))
    subscripts = [t.text for t in root.iter(f"{SVG}text")
                  if t.get("baseline-shift") == "sub"]
    assert {"1", "16", "1,1", "2,2"} <= set(subscripts)  # x_1, x_16, h_{1,1}, w_{2,2}
    assert subscripts.count("1,2") == 2  # output h_{1,2} and weight w_{1,2} in the legend
    strokes = {p.get("stroke") for p in root.iter(f"{SVG}path")}
    colors = ParameterColors.of(range(4))
    assert {colors.hex(k) for k in range(4)} <= strokes  # the figures' colours
    centres = {}
    for group in root.iter(f"{SVG}g"):
        ellipse = group.find(f".//{SVG}ellipse")
        if group.get("class") == "node" and ellipse is not None:
            centres[group.find(f"{SVG}title").text] = (float(ellipse.get("cx")),
                                                        float(ellipse.get("cy")))
    inputs = [centres[f"x{k}"] for k in range(1, 17)]
    outputs = [centres[f"h{k}"] for k in range(1, 5)]
    assert len({x for x, _ in inputs}) == len({x for x, _ in outputs}) == 1  # two columns
    assert inputs[0][0] < outputs[0][0]
    assert [y for _, y in inputs] == sorted(y for _, y in inputs)  # in order, top to bottom
    assert [y for _, y in outputs] == sorted(y for _, y in outputs)


@needs_dot
@pytest.mark.parametrize("thing", [
    sc.Conv1d((1, 5), 1, 3, padding=1, padding_mode="circular"),
    sc.AvgPool2d((1, 4, 4), 2),
    sc.Dense(4, 12),
    sc.Sequential.build((1, 6), (sc.Conv1d, 2, 3), (sc.Conv1d, 1, 3)),
], ids=["folded", "pool", "many-weights", "network"])
def test_graphviz_renders_every_kind_of_graph_without_warnings(tmp_path, thing):
    root = svg_of_dot(sc.export(thing, tmp_path / "g.dot", bias=True))
    assert root.tag == f"{SVG}svg"


# --- GEXF for Gephi -----------------------------------------------------------------
def test_gexf_has_positions_colours_and_no_date(tmp_path):
    layer = sc.Conv1d((1, 4), 1, 2, bias=False)
    first = sc.export(layer, tmp_path / "a.gexf").read_bytes()
    assert b"lastmodifieddate" not in first
    assert sc.export(layer, tmp_path / "b.gexf").read_bytes() == first
    graph = nx.read_gexf(tmp_path / "a.gexf")
    positions = {n: graph.nodes[n]["viz"]["position"] for n in graph}
    assert {positions[f"x{k}"]["x"] for k in range(1, 5)} == {0.0}
    assert {positions[f"h{k}"]["x"] for k in range(1, 4)} == {400.0}
    assert [positions[f"x{k}"]["y"] for k in range(1, 5)] == [60.0, 20.0, -20.0, -60.0]
    colors = ParameterColors.of([0, 1])
    root = ET.parse(tmp_path / "a.gexf").getroot()
    found = {}
    for edge in root.iter("{http://www.gexf.net/1.2draft}edge"):
        (color,) = edge.iter("{http://www.gexf.net/1.2draft/viz}color")
        found[edge.get("label")] = "#{:02x}{:02x}{:02x}".format(
            *(int(color.get(c)) for c in "rgb"))
    assert found == {"w_1": colors.hex(0), "w_2": colors.hex(1)}


# --- LaTeX --------------------------------------------------------------------------
needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftoppm") is None,
    reason="pdflatex or pdftoppm is absent",
)


def compile_tex(folder: Path, body: str) -> tuple[str, Image.Image]:
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{graphicx}\n\\begin{document}\n"
        f"{body}\n\\end{{document}}\n"
    )
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                   cwd=folder, capture_output=True, timeout=120, check=True)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-singlefile", "doc.pdf", "page"],
                   cwd=folder, capture_output=True, timeout=60, check=True)
    return (folder / "doc.log").read_text(errors="replace"), Image.open(folder / "page.png")


def ink_columns(image: Image.Image) -> tuple[int, int]:
    grey = image.convert("L")
    box = grey.point(lambda v: 255 if v < 200 else 0).getbbox()
    assert box is not None
    return box[0], box[2]


@needs_pdflatex
def test_wide_tex_matrix_compiles_and_fits_the_text_width(tmp_path):
    sc.export(sc.Conv2d((1, 8, 8), 2, 3, padding=1), tmp_path / "wide.tex", max_cols=30)
    sc.export(sc.Conv1d((1, 3), 1, 2), tmp_path / "narrow.tex")
    log, page = compile_tex(tmp_path, "\\input{wide.tex}\n\n\\noindent\\rule{\\textwidth}{1pt}")
    assert "Overfull \\hbox" not in log
    left, right = ink_columns(page)
    # the matrix spans the rule's width (the text width), no more
    _, rule = compile_tex(tmp_path, "\\noindent\\rule{\\textwidth}{1pt}")
    rule_left, rule_right = ink_columns(rule)
    assert rule_left - 2 <= left and right <= rule_right + 2
    assert right - left >= (rule_right - rule_left) * 0.95
    log, page = compile_tex(tmp_path, "\\input{narrow.tex}")
    left, right = ink_columns(page)
    assert right - left < (rule_right - rule_left) / 3  # a small matrix is not enlarged


@pytest.mark.parametrize("ext", [".graphml", ".gexf", ".json", ".dot"])
def test_graph_files_are_byte_stable_and_independent_of_earlier_views(tmp_path, ext):
    layer = sc.Conv1d((2, 5), 2, 3, padding=1, padding_mode="circular")
    first = sc.export(layer, tmp_path / f"a{ext}", bias=True).read_bytes()
    graph = layer.graph(bias=True)
    graph.edges["x1", "h1"]["label"] = "mutated"
    graph.remove_node("x2")
    layer.matrix()
    layer.forward()
    assert sc.export(layer, tmp_path / f"b{ext}", bias=True).read_bytes() == first
