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
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symconv as sc
from symconv import display
from symconv.geometry import shown_value
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
