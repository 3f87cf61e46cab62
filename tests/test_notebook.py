from __future__ import annotations

import pytest

import symconv as sc
import symconv.notebook as notebook

CANONICAL = sc.Conv2d((1, 4, 4), 1, 2, stride=2, bias=False)


def test_bundle_has_the_summary_and_the_matrix_and_no_picture():
    bundle = CANONICAL._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/latex"}
    assert bundle["text/plain"] == str(CANONICAL)
    latex = bundle["text/latex"]
    assert latex.startswith("$$") and latex.endswith("$$")
    assert r"\text{Conv2d((1, 4, 4) -> (1, 2, 2), kernel 2x2, stride 2: 4 parameters, " \
           r"16 connections)}" in latex
    assert CANONICAL._repr_latex_().strip("$") in latex


def test_include_and_exclude_skip_the_work(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("excluded types must not be computed")

    monkeypatch.setattr(notebook, "summary_latex", fail)
    assert set(CANONICAL._repr_mimebundle_(exclude={"text/latex"})) == {"text/plain"}
    assert set(CANONICAL._repr_mimebundle_(include={"text/plain"})) == {"text/plain"}


def test_nonlinear_layer_bundle_uses_its_own_latex():
    relu = sc.ReLU((1, 2, 2))
    bundle = relu._repr_mimebundle_()
    assert bundle["text/plain"] == str(relu)
    assert relu._repr_latex_().strip("$") in bundle["text/latex"]


def test_latex_summary_has_no_tex_specials():
    layer = sc.ConvTranspose2d((1, 2, 2), 1, 2, stride=2, output_padding=1)
    summary = notebook.summary_latex(layer).split("\n")[1]
    assert "output padding 1x1" in summary and "_" not in summary


@pytest.mark.parametrize("layer", [sc.Dense(25088, 4096), sc.Conv2d((3, 224, 224), 64, 3)])
def test_huge_layers_display_their_corners_quickly(layer):
    bundle = layer._repr_mimebundle_()  # benchmarks/bench_views.py times it
    assert f"{layer.num_parameters:,} parameters" in bundle["text/latex"]
    assert r"\cdots" in bundle["text/latex"] and "⋯" in bundle["text/plain"]


def test_terminal_repr_stays_plain():
    assert repr(CANONICAL).startswith("Conv2d((1, 4, 4) -> (1, 2, 2)")
    assert "<svg" not in str(CANONICAL)


def test_plot_draws_the_diagram_on_request():
    ax = CANONICAL.plot()
    assert ax.get_title() == "Conv2d((1, 4, 4) → (1, 2, 2))"
    assert CANONICAL.plot(labels=False).texts  # options reach plot_connectivity
