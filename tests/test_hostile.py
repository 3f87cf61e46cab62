"""Hostile and huge input: no code runs, no session freezes, no wrong math.

Each test pins one finding of the fuzzing campaign; times are generous upper
bounds (the refusals take microseconds) so a loaded machine does not flake them.
"""

from __future__ import annotations

import contextlib
import gc
import io
import math
import pickle
import time
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy

import symconv as sc
from symconv.cli import main

SPECS = Path(__file__).parent / "data" / "hostile_specs.txt"
BIG = "9" * 5000


def _sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in SPECS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
        else:
            sections[current].append(line.replace("{BIG}", BIG))
    return sections


@contextlib.contextmanager
def quick(seconds: float = 2.0) -> Iterator[None]:
    start = time.perf_counter()
    yield
    assert time.perf_counter() - start < seconds


def _run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit:  # argparse's own refusals
            code = int(exit.code or 0)
    return code, out.getvalue(), err.getvalue()


# --- the command line ----------------------------------------------------------------
@pytest.mark.parametrize("spec", _sections()["refused"], ids=lambda s: s[:40])
def test_hostile_spec_ends_in_one_line_and_status_2(spec: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for argv in (["matrix", spec], ["summary", spec]):
        with quick(5.0):
            code, out, err = _run_cli(argv)
        assert (code, out) == (2, "")
        assert err.startswith("symconv: error: ") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # nothing ran, nothing was written


@pytest.mark.parametrize("spec", _sections()["shown"], ids=lambda s: s[:40])
def test_huge_legal_spec_prints_its_corners_at_once(spec: str) -> None:
    with quick(5.0):
        code, out, err = _run_cli(["matrix", spec])
    assert (code, err) == (0, "")
    assert len(out.splitlines()) <= sc.display.MAX_ROWS + 2


@pytest.mark.parametrize("option", ["--max-rows", "--max-cols"])
@pytest.mark.parametrize("value", ["0", "1001", "10" * 3000])
def test_display_bounds_in_the_cli_are_bounded(option: str, value: str) -> None:
    code, out, err = _run_cli(["matrix", "Conv1d((1, 4), 1, 2)", option, value])
    assert code == 2 and out == "" and err.count("\n") == 1


# --- no user string is evaluated -----------------------------------------------------
def test_forward_never_evaluates_strings(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    code = f"__import__('pathlib').Path({str(target)!r}).touch()"
    layer = sc.Conv1d((1, 3), 1, 2)
    for x in ([code, 1, 2], code, np.array([code, "1", "2"]), [sympy.Integer(1), b"1", 2]):
        with pytest.raises(sc.SymconvError, match=r"not a number|is text"):
            layer.forward(x)
    with pytest.raises(sc.SymconvError, match="not a number"):
        sc.ReLU(1).forward([code])
    assert not target.exists()


@pytest.mark.parametrize("bad", [object(), [object()], None.__class__, {1: 2}])
def test_forward_names_what_is_not_a_number(bad: object) -> None:
    with pytest.raises(sc.SymconvError, match=r"x\[0\]=.+ is not a number"):
        sc.Dense(1, 1).forward(bad)


def test_forward_refuses_masked_entries_and_accepts_unmasked_arrays() -> None:
    layer = sc.Conv1d((1, 3), 1, 2, bias=False)
    with pytest.raises(sc.SymconvError, match="1 masked entries"):
        layer.forward(np.ma.array([1, 2, 3], mask=[0, 1, 0]))
    plain = np.ma.array([1, 2, 3], mask=[0, 0, 0])
    assert layer.forward(plain) == layer.forward([1, 2, 3])


def test_numeric_forward_matches_torch_and_keeps_exact_numbers() -> None:
    torch = pytest.importorskip("torch")
    layer = sc.Conv2d((2, 5, 5), 3, 3, stride=2, padding=1)
    rng = np.random.default_rng(0)
    x = rng.integers(-5, 6, size=(2, 5, 5))
    weight = rng.integers(-3, 4, size=(3, 2, 3, 3))
    bias = rng.integers(-3, 4, size=3)
    expected = torch.nn.functional.conv2d(
        torch.tensor(x[None], dtype=torch.float64), torch.tensor(weight, dtype=torch.float64),
        torch.tensor(bias, dtype=torch.float64), stride=2, padding=1,
    ).numpy().ravel()
    names = dict(zip(layer.parameters, [*weight.ravel().tolist(), *bias.tolist()], strict=True))
    for given in (x, x.tolist(), [Fraction(v) for v in x.ravel()], torch.tensor(x)):
        column = layer.forward(given)
        values = [entry.xreplace(names) for entry in column]
        assert all(isinstance(v, sympy.Integer) for v in values)  # exact in, exact out
        assert [int(v) for v in values] == expected.tolist()
    floats = layer.forward(x.astype(float) / 4)
    got = np.array([float(entry.xreplace(names)) for entry in floats])
    per_unit_bias = bias.repeat(9)  # 3 channels of 3x3 outputs
    np.testing.assert_allclose(got, (expected - per_unit_bias) / 4 + per_unit_bias)
    assert all(entry.atoms(sympy.Float) for entry in floats)  # floats in, Float coefficients


def test_numeric_forward_of_average_pooling_is_exact() -> None:
    torch = pytest.importorskip("torch")
    x = np.arange(1, 8)
    column = sc.AvgPool1d((1, 7), 3, stride=2, padding=1, count_include_pad=False).forward(x)
    expected = torch.nn.functional.avg_pool1d(torch.tensor(x[None, None], dtype=torch.float64),
                                              3, 2, 1, count_include_pad=False).ravel()
    assert all(isinstance(v, sympy.Rational) for v in column)
    np.testing.assert_allclose([float(v) for v in column], expected.numpy())


def test_forward_accepts_tensors_of_any_dtype() -> None:
    torch = pytest.importorskip("torch")
    layer = sc.Conv1d((1, 3), 1, 2, bias=False)
    half = torch.tensor([1.0, 0.5, 2.0], dtype=torch.bfloat16, requires_grad=True)
    assert layer.forward(half) == layer.forward([1.0, 0.5, 2.0])


# --- names -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["\\", "{", "}", "%", "#", "^", "$", "\\input{x}", "w_1",
                                  "w\x00", "w\n", "1w", "", " w", "w" * 33, "α"])
def test_names_that_cannot_be_typeset_are_refused(name: str) -> None:
    with pytest.raises(sc.LayerConfigError, match="weight_name="):
        sc.Conv1d((1, 4), 1, 2, weight_name=name)
    with pytest.raises(sc.LayerConfigError, match="bias_name="):
        sc.Dense(2, 2, bias_name=name)


def test_weight_bias_and_input_names_must_differ() -> None:
    with pytest.raises(sc.LayerConfigError, match="weight_name='x' is the name of the input"):
        sc.Conv1d((1, 4), 1, 2, weight_name="x")
    with pytest.raises(sc.LayerConfigError, match="must differ"):
        sc.Dense(1, 1, weight_name="b")
    with pytest.raises(sc.LayerConfigError, match="must differ"):
        sc.Conv1d((1, 4), 1, 2).renamed("b")
    net = sc.Sequential(sc.Dense(1, 1, weight_name="u"), sc.Dense(1, 1, bias_name="u"))
    assert len(set(net.parameters)) == 4
    assert net.forward()[0].free_symbols == {*net.parameters, sympy.Symbol("x_1", real=True)}


# --- guards ----------------------------------------------------------------------------
@pytest.mark.parametrize("length", [10**7, 10**9, 2**31 - 1])
def test_counts_are_closed_forms_at_any_length(length: int) -> None:
    with quick():
        layer = sc.Conv1d((1, length), 1, 3)
        text = repr(layer)
        assert layer.num_weight_connections == 3 * (length - 2)
        with pytest.raises(sc.SizeLimitError):
            layer.matrix()
        with pytest.raises(sc.SizeLimitError):
            layer.forward()
        shown = str(layer)
    assert f"{3 * (length - 2) + length - 2:,} connections" in text
    assert shown.count("\n") == sc.display.MAX_ROWS + 1


def test_closed_form_counts_match_the_built_arrays() -> None:
    cases = [sc.Conv1d((1, 9), 1, 4, padding=3, dilation=2, stride=3),
             sc.ConvTranspose1d((1, 5), 1, 3, stride=2, padding=1, dilation=2),
             sc.Conv2d((1, 6, 7), 1, (2, 5), padding=(2, 4), stride=(3, 1)),
             sc.AvgPool1d((1, 7), 3, stride=2, padding=1, ceil_mode=True)]
    for layer in cases:
        built = layer.connectivity
        pairs = np.unique(built.out_unit * layer.n_in + built.in_unit)
        assert layer.structure.num_connections == len(built)
        assert layer.num_weight_connections == len(pairs)
        assert layer.num_weight_connections == scipy_nnz(layer)


def scipy_nnz(layer: sc.Layer) -> int:
    weight = np.ones(layer.weight_shape) if layer.weight_shape else None
    return int(layer.numeric_matrix(weight).count_nonzero())


@pytest.mark.parametrize("make", [
    lambda: sc.Conv2d((1, 1, 1), 10**7 + 1, 1).bias,
    lambda: sc.Conv2d((1, 1, 1), 10**7 + 1, 1).weight,
    lambda: sc.Conv2d((1, 1, 1), 10**7 + 1, 1).parameters,
    lambda: sc.Dense(9 * 10**6, 1, bias=False).matrix(),
    lambda: sc.Dense(10**8, 1).input_symbols,
    lambda: sc.Sequential(sc.Dense(4000, 256), sc.Dense(256, 4000)).matrix(),
    lambda: sc.Sequential(sc.Dense(20000, 1), sc.Dense(1, 20000)).matrix(),
    lambda: sc.Sequential(sc.Dense(400, 400), sc.Dense(400, 400)).matrix(),
    lambda: sc.Dense(10**8, 1).numeric_matrix(np.zeros((1, 1))),
    lambda: sc.Conv2d((64, 224, 224), 64, 3, padding=1).numeric_matrix(
        np.zeros((64, 64, 3, 3))),
])
def test_guards_refuse_before_building(make: Callable[[], object]) -> None:
    with quick(3.0), pytest.raises(sc.SizeLimitError, match=r"[\d,]+"):
        make()


def test_product_estimate_counts_terms_exactly() -> None:
    # each of the 3,600 entries of the product is 1 term; with 3 middle units, 3 terms
    net = sc.Sequential(sc.Dense(60, 1, bias=False), sc.Dense(1, 60, bias=False))
    with pytest.raises(sc.SizeLimitError, match="would hold 3,600 entries"):
        net.matrix(max_entries=3_599)
    assert net.matrix(max_entries=3_600).shape == (60, 60)
    numbers = [(np.ones((1, 60)), None), (np.ones((60, 1)), None)]
    with pytest.raises(sc.SizeLimitError, match="3,600 connections"):
        net.numeric_matrix(numbers, max_entries=3_599)
    wide = sc.Sequential(sc.Dense(20, 3, bias=False), sc.Dense(3, 20, bias=False))
    with pytest.raises(sc.SizeLimitError, match=f"would hold {20 * 20 * 3:,} entries"):
        wide.matrix(max_entries=20 * 20 * 3 - 1)


@pytest.mark.parametrize("limit", [float("nan"), float("inf"), -1, 2.5, "10", True])
def test_limits_must_be_whole_numbers(limit: object) -> None:
    layer = sc.Conv1d((1, 4), 1, 2)
    for view in (layer.matrix, layer.forward, layer.numeric_matrix):
        with pytest.raises(sc.SymconvError, match="max_entries="):
            view(max_entries=limit)  # type: ignore[operator]


def test_display_builds_only_the_corners() -> None:
    with quick():
        layer = sc.Dense(10**8, 1)
        text, latex = str(layer), layer._repr_latex_()
    assert "w_{1,100000000}" in text and "w_{1,100000000}" in latex


def test_structure_memory_is_freed_with_the_layers() -> None:
    from symconv.conv import conv_structure

    layer = sc.Conv1d((1, 123_457), 1, 3)
    assert len(layer.connectivity) == 3 * 123_455
    assert conv_structure.cache  # type: ignore[attr-defined]
    twin = sc.Conv1d((1, 123_457), 1, 3)
    assert twin.structure is layer.structure  # shared while both live
    del layer, twin
    gc.collect()
    assert all(s.n_in != 123_457 for s in conv_structure.cache.values())  # type: ignore


# --- accepted nonsense -------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: sc.Conv1d(b"\x01\x08", 1, 3),
    lambda: sc.Conv1d((1, 8), 1, b"\x03"),
    lambda: sc.Conv1d((1, 8), 1, 3, stride=b"\x01"),
    lambda: sc.Conv1d((1, 8), 1, 3, padding=bytearray(b"\x01")),
    lambda: sc.Conv1d((1, 8), 1, 3, dilation=b"\x01"),
    lambda: sc.Dense(b"\x04", 2),
    lambda: sc.Conv1d((1, 8), 1, 3, stride=10**30),
    lambda: sc.Conv1d((1, 10**22), 1, 3),
    lambda: sc.Conv1d((1, 8), 1, 3, connection_table=[[1], [1, 0]]),
    lambda: sc.Conv1d((1, 8), 1, 3, connection_table=[["a"]]),
    lambda: sc.Conv2d((1, 4, 4), 1, 2).receptive_field((True, 0, 0)),
    lambda: sc.display.matrix_text(sc.Conv1d((1, 4), 1, 2), max_rows=0),
    lambda: sc.display.matrix_latex(sc.Conv1d((1, 4), 1, 2), max_cols=10**9),
    lambda: sc.Conv1d((1, 4), 1, 2).numeric_matrix([[[1.0], [2.0, 3.0]]]),
    lambda: sc.trace_receptive_field([sc.Conv1d((1, 5), 1, 3), sc.Conv1d((1, 9), 1, 3)], 0),
    lambda: sc.trace_receptive_field("Conv1d", 0),
])
def test_nonsense_is_refused_with_a_symconv_error(make: Callable[[], object]) -> None:
    with pytest.raises(sc.SymconvError):
        make()


def test_huge_integers_are_named_without_printing_them() -> None:
    with pytest.raises(sc.LayerConfigError, match="an integer of 5001 digits"):
        sc.Conv1d((1, 10**5000), 1, 3)


def test_bfloat16_weights_are_read() -> None:
    torch = pytest.importorskip("torch")
    weight = torch.tensor([[[1.0, -1.0]]], dtype=torch.bfloat16)
    got = sc.Conv1d((1, 3), 1, 2).numeric_matrix(weight).toarray()
    np.testing.assert_array_equal(got, [[1.0, -1.0, 0.0], [0.0, 1.0, -1.0]])


def test_layers_are_immutable_but_cache_and_pickle() -> None:
    layer = sc.Conv2d((1, 4, 4), 1, 2, stride=2)
    matrix = layer.matrix()
    for name, value in (("out_shape", (1, 3, 3)), ("weight_name", "u"), ("new", 1)):
        with pytest.raises(AttributeError, match="immutable"):
            setattr(layer, name, value)
    with pytest.raises(AttributeError, match="immutable"):
        del layer.in_shape
    assert layer.out_shape == (1, 2, 2) and layer.matrix() == matrix
    clone = pickle.loads(pickle.dumps(layer))
    assert clone.matrix() == matrix and repr(clone) == repr(layer)
    with pytest.raises(AttributeError, match="immutable"):
        clone.out_shape = (1, 1, 1)
    renamed = layer.renamed("u")
    assert renamed.parameters[0] == sympy.Symbol("u_{1,1}", real=True)
    assert layer.parameters[0] == sympy.Symbol("w_{1,1}", real=True)
    assert math.prod(layer.out_shape) == layer.n_out


# --- a large matrix at a prompt -----------------------------------------------------
def test_a_large_matrix_prints_its_corners_and_stays_a_sympy_matrix() -> None:
    with quick(10.0):
        M = sc.Conv2d((1, 28, 28), 8, 3).matrix()
    with quick():
        shown = [repr(M), str(M), M._repr_latex_()]
        printer = type("Printer", (), {"text": lambda self, text: shown.append(text)})()
        M._repr_pretty_(printer, False)
    assert all(len(text) < 20_000 for text in shown)
    assert shown[0].startswith("5408x784 matrix") and shown[-1] == shown[0]
    plain = sympy.SparseMatrix(M)
    assert plain == M and plain == M and isinstance(M, sympy.SparseMatrix)
    assert M[5407, 783] == plain[5407, 783] == sympy.Symbol("w_{8,1,3,3}", real=True)
    column = M[:, 0]
    assert column == plain[:, 0] and (M.T * column).shape == (784, 1)
    M[0, 0] = 0  # mutable like any SparseMatrix, and a fresh copy per call
    assert plain[0, 0] != 0 and sc.Conv2d((1, 28, 28), 8, 3).matrix() == plain


def test_a_small_matrix_prints_as_sympy_prints_it() -> None:
    M = sc.Conv1d((1, 4), 1, 2, bias=False).matrix()
    plain = sympy.SparseMatrix(M)
    assert (repr(M), str(M)) == (repr(plain), str(plain))
    assert M._repr_latex_() == f"$\\displaystyle {sympy.latex(plain)}$"


@pytest.mark.parametrize("net", [
    sc.Sequential(sc.Dense(5, 4), sc.Dense(4, 3, bias=False)),
    sc.Sequential(sc.Conv1d((1, 7), 2, 3), sc.Conv1d((2, 5), 1, 2, bias=False)),
    sc.Sequential(sc.Conv1d((1, 6), 1, 3, padding=1, padding_mode="reflect"),
                  sc.AvgPool1d((1, 6), 2), sc.Dense(3, 2, weight_name="u")),
])
def test_fast_products_are_the_expressions_sympy_builds(net: sc.Sequential) -> None:
    expected = sympy.Matrix(net.layers[0].matrix())
    for layer in net.layers[1:]:
        expected = sympy.Matrix(layer.matrix()) * expected
    got = net.matrix()
    assert got == sympy.SparseMatrix(expected)
    assert [sympy.srepr(v) for v in got] == [sympy.srepr(v) for v in expected]
    assert all(hash(a) == hash(b) for a, b in zip(got, expected, strict=True))


@pytest.mark.parametrize("layer", [
    sc.Conv2d((2, 4, 4), 2, 3, padding=1), sc.AvgPool1d((1, 7), 3, stride=2, padding=1),
    sc.Conv1d((1, 6), 1, 3, padding=1, padding_mode="reflect"), sc.Dense(3, 2),
])
@pytest.mark.parametrize("kind", ["symbols", "floats", "ints", "fractions", "mixed"])
def test_fast_forward_gives_the_expressions_sympy_builds(layer: sc.Layer, kind: str) -> None:
    rng = np.random.default_rng(3)
    x: Any = {
        "symbols": list(layer.input_symbols),
        "floats": rng.normal(size=layer.n_in),
        "ints": rng.integers(-3, 4, size=layer.n_in),
        "fractions": [Fraction(int(v), 7) for v in rng.integers(-3, 4, size=layer.n_in)],
        "mixed": [sympy.Symbol("a") * i if i % 2 else i for i in range(layer.n_in)],
    }[kind]
    column = sympy.Matrix([sympy.sympify(v) for v in np.ravel(np.asarray(x, dtype=object))])
    expected = sympy.Matrix(layer.matrix()) * column
    if layer.bias is not None:
        bias = list(layer.bias)
        per_unit = [bias[r * len(bias) // layer.n_out] for r in range(layer.n_out)]
        expected += sympy.Matrix(per_unit)
    got = layer.forward(x)
    if kind == "floats":  # the same expressions up to the order of float additions
        got, expected = got.applyfunc(lambda v: v.n(12)), expected.applyfunc(lambda v: v.n(12))
    assert [sympy.srepr(v) for v in got] == [sympy.srepr(v) for v in expected]
