from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure
from PIL import Image

import symconv as sc
import symconv.exporting as exporting
from symconv.graphwriters import GRAPH_WRITERS
from symconv.srepr import expression_from_srepr

LAYERS = {
    "canonical": sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False),
    "biased-multichannel": sc.Conv2d((2, 3, 3), 2, 2),
    "folded-reflect": sc.Conv1d((1, 4), 1, 3, padding=1, padding_mode="reflect"),
    "avgpool": sc.AvgPool2d((1, 4, 4), 2),
    "dense": sc.Dense(3, 2),
    "local": sc.LocallyConnected1d((1, 4), 1, 2),
    "subsample": sc.Subsample2d((1, 4, 4)),
}
READABLE = (".graphml", ".gexf", ".json")


def small_figure() -> Figure:
    figure = Figure(figsize=(3, 2), dpi=100)
    ax = figure.add_subplot()
    ax.plot([0, 1, 2], [1, 0, 1], label="line")
    ax.set_title("w_{1,1}")
    ax.legend()
    return figure


def same_graph(read: nx.DiGraph, original: nx.DiGraph) -> None:
    assert list(read.nodes) == list(original.nodes)
    assert dict(read.nodes(data=True)) == dict(original.nodes(data=True))
    read_edges = {(u, v): d for u, v, d in read.edges(data=True)}
    assert read_edges == {(u, v): d for u, v, d in original.edges(data=True)}
    for (u, v), data in read_edges.items():
        assert isinstance(data["symbol"], sympy.Expr)
        assert data["symbol"] == original.edges[u, v]["symbol"]


# --- graph formats ----------------------------------------------------------------
@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("ext", READABLE)
@pytest.mark.parametrize("bias", [False, True])
def test_graph_round_trip_through_our_reader(tmp_path, name, ext, bias):
    layer = LAYERS[name]
    path = sc.export(layer, tmp_path / f"graph{ext}", bias=bias)
    same_graph(sc.read_graph(path), layer.graph(bias=bias))


def test_graphml_is_read_by_networkx_with_string_attributes(tmp_path):
    layer = LAYERS["folded-reflect"]
    raw = nx.read_graphml(sc.export(layer, tmp_path / "g.graphml"))
    assert raw.number_of_edges() == layer.num_weight_connections
    edge = raw.edges["x2", "h1"]
    assert edge["label"] == "w_1 + w_3"
    assert edge["param_json"] == "[0, 2]"
    assert sympy.srepr(expression_from_srepr(edge["symbol_srepr"])) == edge["symbol_srepr"]
    assert raw.nodes["h1"]["label"] == "h_1"
    assert raw.nodes["x3"]["position_json"] == "[2]"


def test_gexf_is_read_by_networkx(tmp_path):
    layer = LAYERS["canonical"]
    path = sc.export(layer, tmp_path / "g.gexf")
    with path.open("rb") as stream:
        raw = nx.read_gexf(stream)
    assert raw.number_of_edges() == 16
    assert {raw.nodes[n]["label"] for n in raw.predecessors("h1")} == {"x_1", "x_2", "x_5", "x_6"}


def test_json_is_node_link_data(tmp_path):
    path = sc.export(LAYERS["canonical"], tmp_path / "g.json")
    data = json.loads(path.read_text())
    assert data["directed"] is True
    assert len(data["nodes"]) == 20
    try:
        graph = nx.node_link_graph(data, edges="edges")
    except TypeError:  # NetworkX < 3.4 calls the keyword ``link``
        graph = nx.node_link_graph(data, link="edges")
    assert graph.number_of_edges() == 16
    assert graph.edges["x6", "h1"]["label"] == "w_{2,2}"


def dot_statements(text: str) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], dict]]:
    """A minimal reader of the DOT we write: quoted ids and quoted attribute lists."""
    quoted = r'"((?:[^"\\]|\\.)*)"'
    attribute = re.compile(rf'(\w+|{quoted})={quoted}')

    def unquote(s: str) -> str:
        return re.sub(r"\\(.)", r"\1", s)

    nodes, edges = {}, {}
    for line in text.splitlines():
        if "style=invis" in line:  # the chains that keep a column in order
            continue
        attributes = {unquote(bare or key): unquote(value)
                      for bare, key, value in attribute.findall(line)}
        edge = re.match(rf"\s*{quoted} -> {quoted} \[", line)
        node = re.match(rf"\s*{quoted} \[", line)
        if edge:
            edges[(unquote(edge[1]), unquote(edge[2]))] = attributes
        elif node:
            nodes[unquote(node[1])] = attributes
    return nodes, edges


@pytest.mark.parametrize("name", ["canonical", "folded-reflect", "avgpool"])
def test_dot_holds_every_node_edge_and_weight(tmp_path, name):
    layer = LAYERS[name]
    text = sc.export(layer, tmp_path / "g.dot", bias=True).read_text()
    assert text.startswith('digraph "') and text.rstrip().endswith("}")
    nodes, edges = dot_statements(text)
    graph = layer.graph(bias=True)
    assert sorted(nodes) == sorted(graph.nodes)
    assert set(edges) == set(graph.edges)
    for (u, v), attributes in edges.items():
        assert expression_from_srepr(attributes["symbol_srepr"]) == graph.edges[u, v]["symbol"]
        assert attributes["tooltip"] == attributes["data_label"] == graph.edges[u, v]["label"]
    for node, attributes in nodes.items():
        assert attributes["tooltip"] == graph.nodes[node]["label"]


# pydot's own grammar still calls pyparsing's camelCase names, deprecated upstream.
@pytest.mark.filterwarnings("ignore:.*deprecated - use:DeprecationWarning")
def test_dot_is_parsed_by_pydot(tmp_path):
    pydot = pytest.importorskip("pydot")
    layer = LAYERS["canonical"]
    (parsed,) = pydot.graph_from_dot_file(str(sc.export(layer, tmp_path / "g.dot")))
    assert len(parsed.get_edges()) == 16
    edge = parsed.get_edge('"x6"', '"h1"')[0]
    weight = expression_from_srepr(edge.get("symbol_srepr").strip('"').replace('\\"', '"'))
    assert weight == sympy.Symbol("w_{2,2}", real=True)


def test_dot_quotes_awkward_text(tmp_path):
    graph = nx.DiGraph(name='say "hi"')
    graph.add_edge("a\\b", 'c"d', label="back\\slash")
    nodes, edges = dot_statements(sc.export(graph, tmp_path / "g.dot").read_text())
    assert list(nodes) == ["a\\b", 'c"d']
    assert edges[("a\\b", 'c"d')] == {"tooltip": "back\\slash", "data_label": "back\\slash"}


def test_export_of_a_plain_networkx_graph_and_of_anything_with_graph(tmp_path):
    graph = nx.DiGraph(name="tiny")
    graph.add_edge("a", "b", symbol=sympy.Rational(1, 3), param=None, label="1/3")
    same_graph(sc.read_graph(sc.export(graph, tmp_path / "g.graphml")), graph)
    graph.add_node("a", unit=np.int64(3), scale=np.float32(0.5))
    read = sc.read_graph(sc.export(graph, tmp_path / "g.gexf"))
    assert (read.nodes["a"]["unit"], read.nodes["a"]["scale"]) == (3, 0.5)

    class Network:
        def graph(self, *, bias=False):
            return LAYERS["dense"].graph(bias=bias)

    read = sc.read_graph(sc.export(Network(), tmp_path / "n.json", bias=True))
    same_graph(read, LAYERS["dense"].graph(bias=True))


# --- safe expressions ---------------------------------------------------------------
SYMBOLS = st.sampled_from([sympy.Symbol(n, real=True) for n in ("w_1", "w_{1,2}", "b")])
EXPRESSIONS = st.recursive(
    st.one_of(SYMBOLS, st.fractions(max_denominator=50).map(sympy.Rational)),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: t[0] + t[1]),
        st.tuples(inner, inner).map(lambda t: t[0] * t[1]),
        st.tuples(inner, st.integers(-3, 3)).map(lambda t: t[0] ** t[1]),
    ),
    max_leaves=6,
).filter(lambda expr: not expr.has(sympy.zoo, sympy.nan))  # 0**-1: not a weight


@given(EXPRESSIONS)
def test_srepr_round_trips(expr):
    assert expression_from_srepr(sympy.srepr(expr)) == expr


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('touch pwned')",
        "Symbol('x').__class__",
        "Symbol('x', real=__import__('os'))",
        "Add(lambda: 1)",
        "Symbol(name)",
        "Integer('7')",
        "Add('x', 'y')",
        "Pow(Integer(10), Integer(100000000000))",
        "Float('1.0', precision=53, extra=1)",
        "Matrix([1])",
        "Symbol('x')(1)",
        "Symbol(*['x'])",
        "Symbol('x', **{'real': True})",
        "Add(" * 400 + ")" * 400,
        "",
    ],
)
def test_untrusted_text_is_refused_not_evaluated(tmp_path, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(sc.ExportError):
        expression_from_srepr(text)
    assert not (tmp_path / "pwned").exists()


def test_reading_a_malicious_file_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    graph = nx.DiGraph()
    graph.add_edge("a", "b", weight_srepr="__import__('os').system('touch pwned')")
    nx.write_graphml(graph, tmp_path / "evil.graphml")
    with pytest.raises(sc.ExportError, match="is not a SymPy srepr"):
        sc.read_graph(tmp_path / "evil.graphml")
    assert not (tmp_path / "pwned").exists()


def test_read_graph_refuses_other_files(tmp_path):
    with pytest.raises(sc.ExportError, match=r"unknown extension '.dot'; supported: .graphml"):
        sc.read_graph(tmp_path / "g.dot")
    with pytest.raises(sc.ExportError, match="cannot read a graph"):
        sc.read_graph(tmp_path / "missing.graphml")
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(sc.ExportError, match="cannot read a graph"):
        sc.read_graph(tmp_path / "broken.json")


# --- figures ------------------------------------------------------------------------
@pytest.mark.parametrize("ext", [".svg", ".pdf"])
def test_vector_figures_are_byte_identical(tmp_path, ext):
    figure = small_figure()
    first = sc.export(figure, tmp_path / f"a{ext}").read_bytes()
    second = sc.export(figure.axes[0], tmp_path / f"b{ext}").read_bytes()
    third = sc.export(small_figure(), tmp_path / f"c{ext}").read_bytes()
    assert first == second == third


SCRIPT = """
import sys
from matplotlib.figure import Figure
import symconv as sc
figure = Figure(figsize=(3, 2))
figure.add_subplot().plot([0, 1], [1, 0])
for path in sys.argv[1:]:
    sc.export(figure, path)
"""


def test_vector_figures_are_byte_identical_across_processes(tmp_path):
    for run in ("one", "two"):
        paths = [str(tmp_path / f"{run}.{ext}") for ext in ("svg", "pdf")]
        subprocess.run([sys.executable, "-c", SCRIPT, *paths], check=True, timeout=120)
    for ext in ("svg", "pdf"):
        assert (tmp_path / f"one.{ext}").read_bytes() == (tmp_path / f"two.{ext}").read_bytes()
    assert b"<dc:date>" not in (tmp_path / "one.svg").read_bytes()
    assert b"CreationDate" not in (tmp_path / "one.pdf").read_bytes()


def test_svg_is_xml_and_png_has_the_requested_size(tmp_path):
    figure = small_figure()
    root = ET.parse(sc.export(figure, tmp_path / "f.svg")).getroot()
    assert root.tag.endswith("svg")
    with Image.open(sc.export(figure, tmp_path / "f.png", dpi=50)) as image:
        assert image.size == (150, 100)


def test_subfigure_exports_its_whole_figure(tmp_path):
    figure = Figure(figsize=(4, 2))
    left, _ = figure.subfigures(1, 2)
    ax = left.add_subplot()
    with Image.open(sc.export(ax, tmp_path / "f.png", dpi=25)) as image:
        assert image.size == (100, 50)


# --- LaTeX ------------------------------------------------------------------------
def test_tex_matrix(tmp_path):
    layer = LAYERS["canonical"]
    text = sc.export(layer, tmp_path / "m.tex").read_text()
    body = text.split("M = ", 1)[1]
    rows = body.split(r"\end{array}")[0].split("\n")[1:-1]
    assert len(rows) == 4
    assert rows[0].split(" & ")[:6] == ["w_{1,1}", "w_{1,2}", "0", "0", "w_{2,1}", "w_{2,2}"]
    assert text.count(r"\begin{center}") == text.count(r"\end{center}") == 1


def test_tex_matrix_of_a_large_layer_is_cut(tmp_path):
    text = sc.export(sc.Conv2d((3, 32, 32), 16, 3), tmp_path / "m.tex",
                     max_rows=6, max_cols=6).read_text()
    assert r"\cdots" in text and r"\vdots" in text and r"\ddots" in text
    assert len(text.split(r"\begin{array}")[1].split(r"\\")) == 7  # 6 rows and the gap


def test_tikz_picture(tmp_path):
    layer = LAYERS["canonical"]
    text = sc.export(layer, tmp_path / "c.tex", tikz=True).read_text()
    assert text.startswith(r"\documentclass[tikz, border=4pt]{standalone}")
    assert text.count(r"\begin{tikzpicture}") == text.count(r"\end{tikzpicture}") == 1
    assert text.count(r"\draw") == layer.num_weight_connections
    assert text.count(r"\node[unit]") == layer.n_in + layer.n_out
    assert len(re.findall(r"\\definecolor\{p\d+\}\{HTML\}\{[0-9A-F]{6}\}", text)) == 4
    assert "(x6) -- (h1)" in text
    assert text.count("{") == text.count("}")
    for name in ("w_{1,1}", "w_{1,2}", "w_{2,1}", "w_{2,2}", "x_{16}", "h_{2,2}"):
        assert f"${name}$" in text


def test_nonlinear_layer_has_no_tex_matrix_but_a_diagram(tmp_path):
    relu = sc.ReLU((1, 2, 2))
    with pytest.raises(sc.NotLinearError, match="ReLU is not linear"):
        sc.export(relu, tmp_path / "m.tex")
    assert list(tmp_path.iterdir()) == []
    text = sc.export(relu, tmp_path / "c.tex", tikz=True).read_text()
    assert text.count(r"\draw") == 4


def test_tikz_refuses_a_huge_diagram(tmp_path):
    with pytest.raises(sc.SizeLimitError):
        sc.export(sc.Dense(100, 100), tmp_path / "c.tex", tikz=True)
    assert list(tmp_path.iterdir()) == []


# --- refusals before any work -------------------------------------------------------
class Untouchable:
    def __getattr__(self, name):
        raise AssertionError(f"export touched .{name} before checking the path")


def test_unknown_extension_is_refused_first(tmp_path):
    with pytest.raises(sc.ExportError) as info:
        sc.export(Untouchable(), tmp_path / "figure.jpg")
    message = str(info.value)
    assert "'.jpg'" in message
    for ext in (".png", ".svg", ".pdf", ".graphml", ".gexf", ".json", ".dot", ".tex"):
        assert ext in message


@pytest.mark.parametrize(
    ("path", "options", "match"),
    [
        ("missing/figure.svg", {}, "directory .* does not exist"),
        ("figure.svg", {"bias": True}, "unknown option bias for .svg; .svg accepts dpi"),
        ("graph.graphml", {"tikz": True}, "unknown option tikz"),
        ("m.tex", {"tikz": True, "max_rows": 3}, "do not apply with tikz=True"),
    ],
)
def test_bad_paths_and_options_are_refused(tmp_path, path, options, match):
    with pytest.raises(sc.ExportError, match=match):
        sc.export(LAYERS["canonical"], tmp_path / path, **options)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", [".svg", ".graphml", ".tex"])
def test_wrong_kind_of_thing_is_refused(tmp_path, ext):
    with pytest.raises(sc.ExportError, match=f"cannot export a str to {ext}"):
        sc.export("not a layer", tmp_path / f"x{ext}")


def test_bias_option_needs_a_layer(tmp_path):
    with pytest.raises(sc.ExportError, match="needs a layer"):
        sc.export(nx.DiGraph(), tmp_path / "g.gexf", bias=True)


def test_unwritable_attribute_is_refused(tmp_path):
    graph = nx.DiGraph()
    graph.add_node("a", data={"no": "dicts"})
    with pytest.raises(sc.ExportError, match="cannot be written"):
        sc.export(graph, tmp_path / "g.json")
    assert list(tmp_path.iterdir()) == []


# --- atomic writes ------------------------------------------------------------------
def test_failed_graph_write_leaves_nothing(tmp_path, monkeypatch):
    def half_then_fail(graph, stream):
        stream.write(b"<?xml half")
        raise RuntimeError("disk full")

    monkeypatch.setitem(GRAPH_WRITERS, ".graphml", half_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        sc.export(LAYERS["canonical"], tmp_path / "g.graphml")
    assert list(tmp_path.iterdir()) == []


def test_failed_figure_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "f.svg"
    target.write_text("previous")

    def half_then_fail(figure, path, fmt, **options):
        Path(path).write_text("<svg half")
        raise KeyboardInterrupt

    monkeypatch.setattr(exporting, "save_figure", half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        sc.export(small_figure(), target)
    assert [p.name for p in tmp_path.iterdir()] == ["f.svg"]
    assert target.read_text() == "previous"


def test_writing_onto_a_directory_fails_cleanly(tmp_path):
    (tmp_path / "taken.json").mkdir()
    with pytest.raises(sc.ExportError, match=f"{tmp_path / 'taken.json'}': it is a directory"):
        sc.export(LAYERS["canonical"], tmp_path / "taken.json")
    assert [p.name for p in tmp_path.iterdir()] == ["taken.json"]


def test_written_files_get_normal_permissions(tmp_path):
    path = sc.export(LAYERS["canonical"], tmp_path / "g.json")
    probe = tmp_path / "probe"
    probe.write_text("")
    assert path.stat().st_mode == probe.stat().st_mode
