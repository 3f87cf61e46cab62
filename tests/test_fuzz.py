"""Fuzzing the public API: every outcome is a result or a SymconvError naming the value.

Arguments mix plausible values with hostile ones (huge, negative, NaN, bytes,
strings, booleans, foreign objects). A call may succeed, raise a
:class:`symconv.SymconvError`, or raise a ``TypeError`` that names the argument
(a wrong Python type, or a keyword the constructor does not take); anything else
is a bug. Views run with small ``max_entries`` so memory stays bounded, and each
example has a deadline so a hang fails instead of stalling the suite.
"""

from __future__ import annotations

import functools
import inspect
import math
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symconv as sc
from symconv import display
from symconv.geometry import shown_value
from symconv.graphwriters import GRAPH_WRITERS
from symconv.spec import layer_classes

LIMIT = 4_000
"""max_entries for every symbolic and numeric view: keeps each example small."""

# 10**4000: as huge as an int can be and still print (Python refuses str() past 4,300
# digits, and hypothesis prints what it draws).
HOSTILE = st.sampled_from([
    0, -1, -(2**63), 2**31, 2**63, 10**30, 10**4000, True, False, None, 1.5, math.nan, math.inf,
    "3", "same", "valid", "full", "zeros", "reflect", "circular", "w{", "x", "w\x00", "\\input{x}",
    b"\x03", bytearray(b"\x01"), object(), (), [], {}, (1, -2), ((1,),), np.int64(2),
    np.float64(2.0), np.array([2, 2]),
])
SMALL = st.integers(min_value=1, max_value=5)
VALUE = st.one_of(
    SMALL, SMALL, st.tuples(SMALL, SMALL), st.tuples(SMALL, SMALL, SMALL),
    st.lists(SMALL, min_size=1, max_size=4).map(tuple), HOSTILE,
)
SHAPE = st.one_of(st.lists(SMALL, min_size=1, max_size=4).map(tuple), SMALL, HOSTILE)
CLASSES = sorted((name, cls) for name, cls in layer_classes().items()
                 if name != "Residual")  # made of layers, not of values: see test_torch_models
FUZZ = settings(max_examples=min(settings.default.max_examples, 300),  # ci: 300 each
                deadline=timedelta(seconds=20),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _allowed(error: BaseException, arguments: dict[str, Any]) -> bool:
    """A SymconvError, or a TypeError naming one of the arguments."""
    if isinstance(error, sc.SymconvError):
        return bool(str(error))
    if isinstance(error, TypeError):
        return any(name in str(error) for name in arguments)
    return False


def _outcome(call: Callable[[], Any], arguments: dict[str, Any]) -> Any:
    try:
        return call()
    except Exception as error:  # the point is to see every kind of error
        if not _allowed(error, arguments):
            raise AssertionError(
                f"{type(error).__name__} for {shown_value(tuple(arguments.values()))}: {error}"
            ) from error
        return None


def _views(layer: sc.Layer, rng: np.random.Generator) -> list[Callable[[], Any]]:
    """Every cheap-by-contract view of a layer, and the guarded symbolic ones."""
    numbers = rng.integers(-3, 4, size=min(layer.n_in, 10**6))
    weight = None if layer.weight_shape is None else rng.random(layer.weight_shape)
    return [
        lambda: repr(layer), lambda: str(layer), lambda: layer._repr_latex_(),
        lambda: (layer.num_parameters, layer.num_connections, layer.dense_parameters,
                 layer.density, layer.sharing_factor),
        lambda: layer.matrix(max_entries=LIMIT),
        lambda: layer.forward(max_entries=LIMIT),
        lambda: layer.forward(numbers, max_entries=LIMIT),
        lambda: layer.numeric_matrix(weight, max_entries=LIMIT),
        lambda: layer.receptive_field(0),
        lambda: layer.receptive_field(layer.n_out - 1),
        lambda: sc.trace_receptive_field([layer], 0),
    ]


@pytest.mark.parametrize(("name", "cls"), CLASSES, ids=[name for name, _ in CLASSES])
@FUZZ
@given(data=st.data())
def test_constructors_and_views(name: str, cls: type[sc.Layer], data: st.DataObject) -> None:
    parameters = [p for p in inspect.signature(cls).parameters.values()
                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]  # **torch_options
    positional = [p for p in parameters if p.default is inspect.Parameter.empty]
    keywords = [p for p in parameters if p.default is not inspect.Parameter.empty]
    arguments: dict[str, Any] = {}
    for p in positional:
        arguments[p.name] = data.draw(SHAPE if "shape" in p.name else VALUE, label=p.name)
    chosen = data.draw(st.lists(st.sampled_from(keywords), max_size=3, unique=True)
                       if keywords else st.just([]), label="keywords")
    for p in chosen:
        arguments[p.name] = data.draw(VALUE, label=p.name)
    args = [arguments[p.name] for p in positional]
    kwargs = {p.name: arguments[p.name] for p in chosen}
    layer = _outcome(lambda: cls(*args, **kwargs), arguments)
    if layer is None:
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    for view in _views(layer, rng):
        _outcome(view, {"layer": layer, **arguments})


@FUZZ
@given(x=st.one_of(
    st.lists(st.one_of(st.integers(-10**30, 10**30), st.floats(), st.fractions(),
                       st.text(max_size=20), st.binary(max_size=4), st.none(),
                       st.complex_numbers(), st.booleans()), max_size=6),
    st.text(max_size=30), HOSTILE,
))
def test_forward_inputs(x: Any) -> None:
    layers: list[sc.Layer] = [sc.Conv1d((1, 3), 1, 2), sc.ReLU(3), sc.AvgPool1d((1, 3), 2)]
    for layer in layers:
        _outcome(functools.partial(layer.forward, x), {"x": x})


@FUZZ
@given(spec=st.one_of(
    st.text(max_size=80),
    st.builds(lambda name, inner: f"{name}({inner})",
              st.sampled_from([name for name, _ in CLASSES]),
              st.text(alphabet="0123456789(), .=*_'abcdefghijklmnopqrstuvwxyz[]-", max_size=60)),
))
def test_parse_spec(spec: str) -> None:
    layer = _outcome(lambda: sc.parse_spec(spec), {"spec": spec, "SPEC": spec})
    if layer is not None:
        _outcome(lambda: repr(layer), {"spec": spec})


@FUZZ
@given(unit=st.one_of(st.integers(-10, 10**20), st.tuples(st.integers(-2, 5), st.integers(-2, 5),
                                                          st.integers(-2, 5)), HOSTILE),
       limit=st.one_of(st.integers(-5, 10**9), st.floats(), HOSTILE))
def test_units_and_limits(unit: Any, limit: Any) -> None:
    layer = sc.Conv2d((2, 4, 4), 2, 2, stride=2)
    net = sc.Sequential(layer, sc.Conv2d((2, 2, 2), 1, 2))
    for call in (lambda: layer.receptive_field(unit), lambda: net.receptive_field(unit),
                 lambda: layer.output_unit(unit), lambda: layer.matrix(max_entries=limit),
                 lambda: net.matrix(max_entries=limit), lambda: layer.forward(max_entries=limit),
                 lambda: display.matrix_text(layer, limit, 4)):
        _outcome(call, {"unit": unit, "max_entries": limit, "max_rows": limit,
                        "output_unit": unit})


# --- the functions outside the layers -------------------------------------------------------
def _small_layers() -> list[sc.Layer]:
    return [sc.Conv1d((1, 5), 1, 2), sc.Conv2d((1, 3, 3), 1, 2), sc.Dense(3, 2),
            sc.MaxPool1d((1, 4), 2)]


LAYER = st.sampled_from(range(4)).map(lambda i: _small_layers()[i])
OPTION = st.one_of(SMALL, st.booleans(), HOSTILE)


def _closing(call: Callable[[], Any]) -> Callable[[], Any]:
    """``call``, closing every figure it opened even when it raises."""
    def run() -> Any:
        try:
            return call()
        finally:
            plt.close("all")
    return run


@FUZZ
@given(kernel=SMALL, channels=SMALL,
       sizes=st.one_of(st.lists(SMALL, max_size=4), st.none()))
def test_plot_parameter_growth(kernel: Any, channels: Any, sizes: Any) -> None:
    _outcome(_closing(lambda: sc.plot_parameter_growth(kernel, channels, sizes)),
             {"kernel_size": kernel, "channels": channels, "sizes": sizes})


@FUZZ
@given(layer=LAYER, bias=st.one_of(st.booleans(), SMALL, st.sampled_from([None, "3", 1.5])),
       prefix=st.text(max_size=5),
       max_edges=st.one_of(st.integers(-2, 40), HOSTILE))
def test_graphs(layer: Any, bias: Any, prefix: Any, max_edges: Any) -> None:
    arguments = {"layer": layer, "bias": bias, "prefix": prefix, "max_edges": max_edges}
    _outcome(lambda: sc.layer_graph(layer, bias=bias, prefix=prefix, max_edges=max_edges),
             arguments)
    if isinstance(layer, sc.Layer):
        _outcome(lambda: layer.graph(bias=bias, max_edges=max_edges), arguments)


def _graph_file(folder: Path, ext: str) -> bytes:
    path = folder / f"valid{ext}"
    sc.export(sc.Conv1d((1, 4), 1, 2), path, bias=True)
    return path.read_bytes()


@settings(FUZZ, max_examples=min(settings.default.max_examples, 200))
@given(ext=st.sampled_from(sorted(GRAPH_WRITERS)), data=st.data())
def test_read_graph(ext: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        valid = _graph_file(folder, ext)
        content = data.draw(st.one_of(
            st.binary(max_size=200),
            st.tuples(st.integers(0, len(valid)), st.integers(0, 40), st.binary(max_size=20))
              .map(lambda cut: valid[:cut[0]] + cut[2] + valid[cut[0] + cut[1]:]),
            st.integers(0, len(valid)).map(lambda cut: valid[:cut]),
        ), label="content")
        path = folder / f"fuzzed{ext}"
        path.write_bytes(content)
        limit = data.draw(st.one_of(st.just(2**20), st.integers(-1, 300), HOSTILE), label="max")
        _outcome(lambda: sc.read_graph(path, max_bytes=limit),
                 {"path": path, "max_bytes": limit})


@FUZZ
@given(layers=st.lists(LAYER, min_size=1, max_size=3),
       unit=st.one_of(st.integers(-2, 10), st.tuples(SMALL, SMALL), HOSTILE),
       connections=st.one_of(st.sampled_from(["all", "nonzero", "none"]), HOSTILE),
       rows=OPTION, cols=OPTION)
def test_network_functions(layers: Any, unit: Any, connections: Any, rows: Any,
                           cols: Any) -> None:
    arguments = {"layers": layers, "unit": unit, "connections": connections, "max_rows": rows,
                 "max_cols": cols, "layer": layers}
    _outcome(lambda: sc.trace_receptive_field(layers, unit), arguments)
    _outcome(lambda: sc.Summary.of(layers, connections=connections), arguments)
    for layer in layers:
        _outcome(functools.partial(sc.latex_matrix, layer, rows, cols), arguments)
    _outcome(lambda: sc.Sequential(*layers), arguments)


def _maker(cls: type[sc.Layer]) -> Callable[..., Any]:
    """``cls`` as a plain function (hypothesis cannot pretty-print a layer class)."""
    def make(*args: Any, **kwargs: Any) -> Any:
        return cls(*args, **kwargs)
    make.__name__ = make.__qualname__ = cls.__name__
    return make


STEP = st.one_of(
    st.sampled_from([_maker(sc.ReLU), _maker(sc.Flatten), _maker(sc.Tanh)]),
    st.tuples(st.sampled_from([_maker(sc.Dense), _maker(sc.MaxPool1d)]), SMALL),
    st.tuples(st.just(_maker(sc.Conv1d)), SMALL, SMALL),
    st.tuples(st.just(_maker(sc.Conv1d)), OPTION, OPTION, st.dictionaries(
        st.sampled_from(["stride", "padding", "bias", "nonsense"]), OPTION, max_size=2)),
    st.just(()), st.just((lambda shape: 3,)), HOSTILE,
)


@FUZZ
@given(in_shape=SHAPE, steps=st.lists(STEP, max_size=3),
       weights=st.one_of(st.none(), st.lists(HOSTILE, max_size=2), HOSTILE))
def test_sequential_build(in_shape: Any, steps: list[Any], weights: Any) -> None:
    _outcome(lambda: sc.Sequential.build(in_shape, *steps, weights=weights),
             {"in_shape": in_shape, "steps": steps, "weights": weights, "step": steps,
              "stride": steps, "padding": steps, "bias": steps, "nonsense": steps})


@pytest.mark.parametrize("limit", [None, -1, 2**63, 1.5, True, "9"])
def test_read_graph_refuses_a_bad_max_bytes(limit: Any) -> None:
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "conv.json"
        path.write_bytes(_graph_file(Path(name), ".json"))
        with pytest.raises(sc.ExportError, match="max_bytes="):
            sc.read_graph(path, max_bytes=limit)


def test_summary_refuses_layers_that_do_not_join() -> None:
    with pytest.raises(sc.ShapeMismatchError, match="expects in_shape"):
        sc.Summary.of([sc.Conv1d((1, 5), 1, 2), sc.Conv2d((1, 3, 3), 1, 2)])


@pytest.mark.parametrize(("steps", "weights"), [((10**5000,), None), ((sc.ReLU,), 0),
                                                 (((10**5000,),), None), ((sc.ReLU,), "w")])
def test_build_refuses_a_bad_step_or_weights(steps: tuple[Any, ...], weights: Any) -> None:
    with pytest.raises(sc.LayerConfigError, match=r"step 1=|weights="):
        sc.Sequential.build((1, 4), *steps, weights=weights)
