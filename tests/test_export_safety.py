"""Exports refuse bad paths and options with one error naming them, and never leave a mess."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from PIL import Image

import symconv as sc
from symconv.cli import main

CANONICAL = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
ALL_EXTENSIONS = (".png", ".svg", ".pdf", ".graphml", ".gexf", ".json", ".dot", ".tex")


def small_figure() -> Figure:
    figure = Figure(figsize=(3, 2), dpi=100)
    figure.add_subplot().plot([0, 1], [1, 0])
    return figure


# --- paths --------------------------------------------------------------------------
@pytest.mark.parametrize("ext", ALL_EXTENSIONS)
def test_a_directory_a_missing_system_path_and_a_nul_are_refused(tmp_path, ext):
    folder = tmp_path / f"taken{ext}"
    folder.mkdir()
    for path, reason in [
        (folder, "it is a directory"),
        (Path(f"/nonexistent-{os.getpid()}/sub/figure{ext}"), "does not exist"),
        (tmp_path / f"fig\0ure{ext}", "NUL character"),
    ]:
        with pytest.raises(sc.ExportError, match=reason) as info:
            sc.export(CANONICAL, path)
        assert repr(str(path)) in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder_is_refused_naming_the_target(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    with pytest.raises(sc.ExportError, match=r"cannot write .*locked/g\.json"):
        sc.export(CANONICAL, folder / "g.json")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_system_folder_that_takes_no_files_is_refused_naming_the_target():
    with pytest.raises(sc.ExportError, match=r"cannot write '/proc/g\.json': "):
        sc.export(CANONICAL, "/proc/g.json")


@pytest.mark.parametrize("length", [238, 250, 255])
def test_names_up_to_the_file_system_limit_work(tmp_path, length):
    name = "n" * (length - len(".graphml")) + ".graphml"
    path = sc.export(CANONICAL, tmp_path / name)
    assert path.name == name and len(name) == length
    assert sc.read_graph(path).number_of_edges() == 16
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("ext", [".json", ".svg", ".tex"])
def test_overwriting_keeps_the_permissions(tmp_path, ext):
    target = tmp_path / f"private{ext}"
    target.write_text("old")
    target.chmod(0o600)
    sc.export(small_figure() if ext == ".svg" else CANONICAL, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() != "old"


KILLED_WRITER = """
import sys, time
import symconv as sc
from symconv.graphwriters import GRAPH_WRITERS

def slow(graph, stream):
    stream.write(b"half")
    stream.flush()
    print("writing", flush=True)
    time.sleep(60)

GRAPH_WRITERS[".json"] = slow
sc.export(sc.Conv1d((1, 4), 1, 2), sys.argv[1])
"""


def test_sigterm_during_writing_leaves_neither_target_nor_temporary(tmp_path):
    target = tmp_path / "g.json"
    target.write_text("previous")
    with subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)],
                          stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == "writing\n"
            assert len(list(tmp_path.iterdir())) == 2  # the target and the temporary file
            child.send_signal(signal.SIGTERM)
            assert child.wait(timeout=60) == 128 + signal.SIGTERM
        finally:
            child.kill()
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]
    assert target.read_text() == "previous"


# --- options ------------------------------------------------------------------------
def test_png_defaults_to_200_dpi_and_takes_dpi(tmp_path):
    with Image.open(sc.export(small_figure(), tmp_path / "a.png")) as image:
        assert image.size == (600, 400)
    with Image.open(sc.export(small_figure(), tmp_path / "b.png", dpi=300)) as image:
        assert image.size == (900, 600)


@pytest.mark.parametrize("dpi", [0, 1, -5, float("nan"), float("inf"), 10**6, "300", True])
def test_bad_dpi_is_refused(tmp_path, dpi):
    with pytest.raises(sc.ExportError, match="dpi="):
        sc.export(small_figure(), tmp_path / "a.png", dpi=dpi)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("options", "match"), [
    ({"tikz": "no"}, "tikz='no' is not True or False"),
    ({"tikz": 1}, "tikz=1 is not True or False"),
])
def test_tex_options_must_be_booleans(tmp_path, options, match):
    with pytest.raises(sc.ExportError, match=match):
        sc.export(CANONICAL, tmp_path / "c.tex", **options)


def test_bias_must_be_a_boolean(tmp_path):
    with pytest.raises(sc.ExportError, match="bias='yes'"):
        sc.export(CANONICAL, tmp_path / "g.json", bias="yes")


def test_max_edges_reaches_the_graph(tmp_path):
    with pytest.raises(sc.SizeLimitError, match="over the limit of 19"):
        sc.export(CANONICAL, tmp_path / "g.graphml", max_edges=19)
    assert list(tmp_path.iterdir()) == []
    layer = sc.Conv2d((1, 16, 16), 1, 3, padding=1)  # 512 nodes, 2,116 edges
    path = sc.export(layer, tmp_path / "g.json", max_edges=2116)
    assert sc.read_graph(path).number_of_edges() == 2116


HUGE = {
    "one-edge-10^8-nodes": lambda: sc.Conv1d((1, 10**8), 1, 1, stride=10**8),
    "dilation-10^9": lambda: sc.ConvTranspose1d((1, 2), 1, 2, dilation=10**9),
}


@pytest.mark.parametrize("name", HUGE)
@pytest.mark.parametrize("ext", [".graphml", ".gexf", ".json", ".dot", ".tex"])
def test_graphs_of_huge_layers_are_refused_quickly(tmp_path, name, ext):
    layer = HUGE[name]()
    start = time.perf_counter()
    with pytest.raises(sc.SizeLimitError, match="nodes"):
        sc.export(layer, tmp_path / f"g{ext}", **({"tikz": True} if ext == ".tex" else {}))
    assert time.perf_counter() - start < 2.0
    assert list(tmp_path.iterdir()) == []


# --- the command line ----------------------------------------------------------------
def test_cli_dpi(tmp_path, capsys):
    spec = "Conv1d((1, 4), 1, 2)"
    assert main(["draw", spec, "-o", str(tmp_path / "a.png")]) == 0
    assert main(["draw", spec, "-o", str(tmp_path / "b.png"), "--dpi", "100"]) == 0
    assert main(["export", spec, "-o", str(tmp_path / "c.png"), "--dpi", "100"]) == 0
    with Image.open(tmp_path / "a.png") as a, Image.open(tmp_path / "b.png") as b:
        assert abs(a.size[0] - 2 * b.size[0]) <= 1 and abs(a.size[1] - 2 * b.size[1]) <= 1
    with Image.open(tmp_path / "c.png") as c:
        assert c.size == b.size
    capsys.readouterr()
    assert main(["draw", spec, "-o", str(tmp_path / "d.png"), "--dpi", "nan"]) == 2
    assert "dpi=nan" in capsys.readouterr().err
    assert main(["export", spec, "-o", str(tmp_path / "g.json"), "--dpi", "100"]) == 2
    assert "unknown option dpi for .json" in capsys.readouterr().err
    assert main(["export", spec, "-o", str(tmp_path / "g.json"), "--max-edges", "3"]) == 2
    assert "over the limit of 3" in capsys.readouterr().err
