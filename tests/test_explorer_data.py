"""The explorer's build-time data (docs/hooks/explorer.py), decoded here as the page decodes it.

The decoder below is written from the format's description, not from the encoder, and
every setting of a chunk must decode to ``matrix()`` of the same symconv layer (or to
symconv's refusal message).
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

import pytest

from symconv.errors import SymconvError
from symconv.playground import SITE_RANGES, Setting

HOOKS = Path(__file__).resolve().parents[1] / "docs" / "hooks"
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


@pytest.fixture(scope="module")
def hook() -> Any:
    sys.path.insert(0, str(HOOKS))
    try:
        import explorer

        yield explorer
    finally:
        sys.path.remove(str(HOOKS))


def numbers(text: str, width: int) -> list[int]:
    return [sum(DIGITS.index(d) * 64 ** (width - 1 - i) for i, d in enumerate(text[j:j + width]))
            for j in range(0, len(text), width)]


def decode(chunk: dict[str, Any], payload: dict[str, Any]) -> dict[tuple[int, int], str]:
    rows, cols, cells = (numbers(payload[key], w)
                         for key, w in zip(("rows", "cols", "cells"), payload["widths"],
                                           strict=True))
    legend = chunk["legends"][payload["legend"]]
    row_of = [r for r, count in enumerate(rows) for _ in range(count)]
    return {(r, c): chunk["labels"][legend[k][0]]
            for r, c, k in zip(row_of, cols, cells, strict=True)}


@pytest.mark.parametrize("width", [1, 2, 3])
def test_numbers_round_trip(hook: Any, width: int) -> None:
    values = [0, 1, 63, 64**width - 1, 17]
    assert numbers(hook.encode(values, width), width) == values
    with pytest.raises(ValueError, match="do not fit"):
        hook.encode([64**width], width)


@pytest.mark.parametrize("dims, n, transposed", [(1, 3, False), (2, 3, False), (2, 4, True)])
def test_every_setting_of_a_chunk_decodes_to_symconvs_matrix(
    hook: Any, dims: int, n: int, transposed: bool
) -> None:
    chunk = hook.chunk(dims, n, transposed)
    axes = chunk["axes"]
    assert list(axes) == [name for name in SITE_RANGES if name not in hook.CHUNK_AXES]
    combos = list(itertools.product(*axes.values()))
    assert len(chunk["index"]) == len(combos)
    for values, number in zip(combos, chunk["index"], strict=True):
        setting = Setting(dims=dims, n=n, transposed=transposed,
                          **dict(zip(axes, values, strict=True)))
        payload = chunk["payloads"][number]
        try:
            layer = setting.layer()
        except SymconvError as error:
            assert chunk["messages"][payload["error"]] == f"{type(error).__name__}: {error}"
            continue
        assert payload["repr"] == repr(layer)
        assert payload["out"] == list(layer.out_shape)
        expected = {key: str(v) for key, v in layer.matrix().todok().items()}
        assert decode(chunk, payload) == expected, setting
