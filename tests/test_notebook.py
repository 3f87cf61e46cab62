from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import symconv as sc
import symconv.notebook as notebook

CANONICAL = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)
SVG = "{http://www.w3.org/2000/svg}"


def test_bundle_of_a_small_layer_has_text_latex_and_svg():
    bundle = CANONICAL._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/latex", "image/svg+xml"}
    assert bundle["text/plain"] == str(CANONICAL)
    assert bundle["text/latex"] == CANONICAL._repr_latex_()
    assert bundle["text/latex"].startswith("$$M = \\left[")
    root = ET.fromstring(bundle["image/svg+xml"].encode())
    assert root.tag == f"{SVG}svg"
    assert root.find(f".//{SVG}g[@id='connections']") is not None


def test_svg_is_the_same_every_time():
    first = notebook.connectivity_svg(CANONICAL)
    assert first == notebook.connectivity_svg(CANONICAL)


def test_big_layer_is_shown_without_the_diagram(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a big layer must not be drawn")

    monkeypatch.setattr(sc, "plot_connectivity", fail)
    layer = sc.Conv2d((3, 32, 32), 16, 3)
    assert layer.num_weight_connections > notebook.NOTEBOOK_SVG_MAX_CONNECTIONS
    bundle = layer._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/latex"}
    assert "⋯" in bundle["text/plain"] and r"\cdots" in bundle["text/latex"]


def test_include_and_exclude_skip_the_work(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("excluded types must not be computed")

    monkeypatch.setattr(notebook, "connectivity_svg", fail)
    assert set(CANONICAL._repr_mimebundle_(exclude={"image/svg+xml"})) == {
        "text/plain", "text/latex"}
    assert set(CANONICAL._repr_mimebundle_(include={"text/plain"})) == {"text/plain"}


def test_nonlinear_layer_bundle_uses_its_own_text():
    relu = sc.ReLU((1, 2, 2))
    bundle = relu._repr_mimebundle_(exclude={"image/svg+xml"})
    assert bundle["text/plain"] == str(relu)
    assert bundle["text/latex"] == relu._repr_latex_()


def test_terminal_repr_stays_plain():
    assert repr(CANONICAL).startswith("Conv2d((1, 4, 4) -> (1, 2, 2)")
    assert "<svg" not in str(CANONICAL)


@pytest.mark.parametrize("limit", [0, 15])
def test_connection_limit_is_respected(limit):
    assert notebook.connectivity_svg(CANONICAL, max_connections=limit) is None
