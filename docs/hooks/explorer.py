"""MkDocs hook: export every layer of the docs explorer, computed by symconv, into the site.

The explorer page (``docs/explorer/``) only draws; every matrix entry, label, colour,
count and refusal message it shows is computed here, at build time, by symconv, for
every combination of the controls in :data:`symconv.playground.SITE_RANGES`. The data
is written into ``<site_dir>/explorer/data/`` as one file per (dims, input side, kind):
a JSON object wrapped in a call, ``symconvExplorerChunk({...});``, so that the page
loads it with a ``<script>`` element, which also works from ``file://`` (no server).

Chunk layout (what ``docs/explorer/explorer.js`` reads)::

    {"dims": 2, "n": 5, "transposed": 0,
     "axes": {"k": [1, ..., 5], "stride": [...], ...},   # the controls, in query order
     "index": [p0, p1, ...],   # one payload number per combination, C order over axes
     "payloads": [...],        # distinct payloads (equal layers share one)
     "labels": [...], "colors": [...], "messages": [...], "legends": [...]}

A payload is ``{"error": m}`` (``messages[m]`` is symconv's message) or
``{"repr", "out", "counts", "legend", "widths", "rows", "cols", "cells"}``: ``legends[legend]``
gives each local label number its ``[label, colour]`` numbers in the tables; the cells
are encoded in :data:`DIGITS`, as numbers of ``widths`` digits (rows, cols, cells):
``rows`` gives each matrix row's count of nonzero cells, ``cols`` each cell's column
and ``cells`` each cell's local label number, all in C order (row, then column).
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from symconv.errors import SymconvError
from symconv.playground import SITE_RANGES, Setting, layer_counts, matrix_cells

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.hooks.explorer")

TARGET = "explorer/data"
"""Where, relative to the site directory, the chunks are written."""

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
"""The 64 digits of the cell encoding (safe in JSON strings and URLs)."""
ALPHABET = np.array(list(DIGITS))

CHUNK_AXES = ("dims", "n", "transposed")
"""The controls that pick a chunk; the others index the payloads inside one."""


def encode(values: list[int], width: int) -> str:
    """Numbers as fixed-width base-64 strings (most significant digit first).

    >>> encode([0, 1, 64], 2)
    '000110'
    """
    array = np.asarray(values, dtype=np.int64)
    if len(array) and (array.min() < 0 or array.max() >= 64**width):
        raise ValueError(f"{values} do not fit in {width} digits")
    places = 64 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return "".join(ALPHABET[(array[:, None] // places) % 64].ravel().tolist())


def width_for(count: int) -> int:
    """Digits needed to write every number below ``count``."""
    width = 1
    while 64**width < count:
        width += 1
    return width


class Tables:
    """Strings shared by the payloads of one chunk, each stored once."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Any, int]] = {
            "labels": {}, "colors": {}, "messages": {}, "legends": {}
        }

    def number(self, table: str, item: Any) -> int:
        return self.tables[table].setdefault(item, len(self.tables[table]))

    def lists(self) -> dict[str, list[Any]]:
        lists: dict[str, list[Any]] = {name: list(table) for name, table in self.tables.items()}
        lists["legends"] = [[list(pair) for pair in legend] for legend in lists["legends"]]
        return lists


def payload(setting: Setting, tables: Tables) -> dict[str, Any]:
    """What the page shows of one setting, in the chunk encoding."""
    try:
        layer = setting.layer()
    except SymconvError as error:
        return {"error": tables.number("messages", f"{type(error).__name__}: {error}")}
    cells = matrix_cells(layer)
    legend: dict[tuple[str, str], int] = {}
    local = [legend.setdefault(pair, len(legend))
             for pair in zip(cells.label, cells.color, strict=True)]
    per_row = [0] * layer.n_out
    for row in cells.row.tolist():
        per_row[row] += 1
    counts = layer_counts(layer, setting)
    widths = [
        width_for(max(per_row, default=0) + 1), width_for(layer.n_in), width_for(len(legend))
    ]
    return {
        "repr": repr(layer),
        "out": list(layer.out_shape),
        "counts": [list(counts.layer), counts.local and list(counts.local), list(counts.dense)],
        "legend": tables.number("legends", tuple(
            (tables.number("labels", label), tables.number("colors", color))
            for label, color in legend
        )),
        "widths": widths,
        "rows": encode(per_row, widths[0]),
        "cols": encode(cells.col.tolist(), widths[1]),
        "cells": encode(local, widths[2]),
    }


def chunk(dims: int, n: int, transposed: bool) -> dict[str, Any]:
    """Every setting with these ``dims``, input side ``n`` and kind, equal payloads shared."""
    axes = {name: values for name, values in SITE_RANGES.items() if name not in CHUNK_AXES}
    tables = Tables()
    payloads: dict[str, int] = {}
    index = []
    for values in itertools.product(*axes.values()):
        setting = Setting(dims=dims, n=n, transposed=transposed,
                          **dict(zip(axes, values, strict=True)))
        text = json.dumps(payload(setting, tables), separators=(",", ":"))
        index.append(payloads.setdefault(text, len(payloads)))
    return {
        "dims": dims, "n": n, "transposed": int(transposed), "axes": axes, "index": index,
        "payloads": [json.loads(text) for text in payloads], **tables.lists(),
    }


def chunk_name(dims: int, n: int, transposed: bool) -> str:
    """File name of a chunk, as ``explorer.js`` builds it."""
    return f"{dims}d-n{n}-t{int(transposed)}.js"


def write_chunks(target: Path) -> int:
    """Write every chunk into ``target``; return the bytes written."""
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    for key in itertools.product(*(SITE_RANGES[name] for name in CHUNK_AXES)):
        body = json.dumps(chunk(*key), separators=(",", ":"))
        text = f"symconvExplorerChunk({body});\n"
        (target / chunk_name(*key)).write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def on_post_build(config: MkDocsConfig) -> None:
    """Export the explorer's data into the built site."""
    start = time.perf_counter()
    size = write_chunks(Path(config.site_dir) / TARGET)
    log.info("Explorer data: %.1f MB in %.1f s", size / 1e6, time.perf_counter() - start)
