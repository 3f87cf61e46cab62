from __future__ import annotations

import pytest

import symconv as sc
from symconv.spec import MAX_SPEC_LENGTH, layer_classes, parse_spec


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("Conv2d((1, 4, 4), 1, 2, stride=2)", sc.Conv2d((1, 4, 4), 1, 2, stride=2)),
        ("  Conv1d((2, 8), 4, 3, groups=2, padding='same')  ",
         sc.Conv1d((2, 8), 4, 3, groups=2, padding="same")),
        ("Dense([1, 4, 4], 4, bias=False)", sc.Dense((1, 4, 4), 4, bias=False)),
        ("AvgPool2d((1, 5, 5), 2, stride=None, ceil_mode=True)",
         sc.AvgPool2d((1, 5, 5), 2, ceil_mode=True)),
        ("Conv2d((2, 4, 4), 3, 2, connection_table=[[True, False], [False, True], [1, 1]])",
         sc.Conv2d((2, 4, 4), 3, 2, connection_table=[[1, 0], [0, 1], [1, 1]])),
        ("ConvTranspose2d((1, 2, 2), 1, 3, stride=2, output_padding=1)",
         sc.ConvTranspose2d((1, 2, 2), 1, 3, stride=2, output_padding=1)),
        ("Conv1d((1, 6), 1, 3, weight_name='k', bias_name='c')",
         sc.Conv1d((1, 6), 1, 3, weight_name="k", bias_name="c")),
    ],
)
def test_spec_builds_the_same_layer(spec, expected):
    layer = parse_spec(spec)
    assert type(layer) is type(expected)
    assert repr(layer) == repr(expected)
    assert layer.matrix() == expected.matrix()


def test_every_public_layer_class_is_allowed_and_nothing_else():
    classes = layer_classes()
    assert {"Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d", "Dense", "AvgPool2d",
            "LocallyConnected2d", "Subsample2d"} <= set(classes)
    assert all(issubclass(cls, sc.Layer) and cls is not sc.Layer for cls in classes.values())
    assert "Layer" not in classes
    assert "export" not in classes


def test_negative_numbers_reach_the_layer_and_its_own_error():
    with pytest.raises(sc.LayerConfigError, match="padding=-1"):
        parse_spec("Conv2d((1, 4, 4), 1, 2, padding=-1)")


@pytest.mark.parametrize(
    "spec",
    [
        "__import__('os').system('true')",
        "Conv2d.__class__",
        "Conv2d((1,4,4), 1, 2, stride=__import__('os'))",
        "Conv2d((1, 4, 4), 1, 2).__class__",
        "Conv2d((1, 4, 4), 1, 2)()",
        "symconv.Conv2d((1, 4, 4), 1, 2)",
        "Layer()",
        "eval('1')",
        "open('/etc/passwd')",
        "Conv2d((1, 4, 4), 1, x)",
        "Conv2d((1, 4, 4), 1, 2, stride=len('ab'))",
        "Conv2d((1, 4, 4), 1, [i for i in (2,)])",
        "Conv2d((1, 4, 4), 1, (lambda: 2)())",
        "Conv2d((1, 4, 4), 1, f'{2}')",
        "Conv2d(*[(1, 4, 4), 1, 2])",
        "Conv2d(**{'in_shape': (1, 4, 4)})",
        "Conv2d((1, 4, 4), 1, 2, __class__=1)",
        "Conv2d((1, 4, 4), 1, 2 + 0)",
        "Conv2d((1, 4, 4), 1, {2})",
        "Conv2d((1, 4, 4), 1, {'k': 2})",
        "Conv2d((1, 4, 4), 1, b'2')",
        "Conv2d((1, 4, 4), 1, 2j)",
        "Conv2d((1, 4, 4), 1, (x := 2))",
        "(Conv2d((1, 4, 4), 1, 2), 1)",
        "Conv2d((1, 4, 4), 1, 2); import os",
        "import os",
        "Conv2d",
        "",
        "(" * 500,
    ],
)
def test_anything_but_a_literal_call_is_refused(spec):
    with pytest.raises(sc.SpecError) as info:
        parse_spec(spec)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("SPEC")


def test_refusal_names_the_offending_part():
    with pytest.raises(sc.SpecError, match=r"argument __import__\('os'\) is not a literal"):
        parse_spec("Conv2d((1,4,4), 1, 2, stride=__import__('os'))")
    with pytest.raises(sc.SpecError, match="Sequentiel is not a symconv layer; expected one of"):
        parse_spec("Sequentiel(1)")


def test_wrong_arguments_become_a_spec_error():
    with pytest.raises(sc.LayerConfigError, match="Conv2d got an unknown keyword strides=2"):
        parse_spec("Conv2d((1, 4, 4), 1, 2, strides=2)")
    with pytest.raises(sc.SpecError, match="missing"):
        parse_spec("Conv2d((1, 4, 4))")


def test_overlong_and_non_string_specs_are_refused():
    with pytest.raises(sc.SpecError, match="longer than"):
        parse_spec("Dense(1, 1" + " " * MAX_SPEC_LENGTH + ")")
    with pytest.raises(sc.SpecError, match="must be a string"):
        parse_spec(42)  # type: ignore[arg-type]
