"""Graphs in files: GraphML, GEXF, node-link JSON and DOT, read back exactly.

File formats hold strings and numbers, so attributes are written like this:

* strings, ints, floats and bools as they are;
* a SymPy expression under ``<name>_srepr`` as :func:`sympy.srepr` text (the
  plain text people read is the ``label`` attribute);
* a tuple or ``None`` under ``<name>_json`` as JSON text (``[0, 1]``, ``null``).

Text that XML cannot hold (control characters other than tab and newline) is
refused with :class:`~symconv.ExportError` rather than written into a file that
its readers would reject. Attributes are encoded once per distinct attribute
dict, so a layer's 400,000 edges cost a few hundred encodings.

:func:`read_graph` reverses this. It rebuilds expressions from their ``srepr``
text without evaluating anything (:mod:`symconv.srepr`), so reading an untrusted
file is safe. The
reader bounds what a file can ask for (:data:`MAX_READ_BYTES`, and the limits of
:func:`symconv.srepr.expression_from_srepr` on each weight) and turns every
malformed file into one :class:`~symconv.ExportError` naming the file and the
place. The writers are in :mod:`symconv.graphwriters`.
"""

from __future__ import annotations

import inspect
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import networkx as nx
import numpy as np
import sympy

from symconv.errors import ExportError
from symconv.geometry import shown_value
from symconv.graph import LayerGraph, fill_edges
from symconv.srepr import MAX_SREPR_CHARS, expression_from_srepr

__all__ = [
    "EDGES_KEY",
    "GRAPH_READERS",
    "MAX_READ_BYTES",
    "attribute_encoder",
    "checked_text",
    "decode_attributes",
    "encode_attributes",
    "encoded_graph",
    "read_graph",
]

_SREPR, _JSON = "_srepr", "_json"

MAX_READ_BYTES = 1 << 30
"""Largest graph file :func:`read_graph` reads (1 GiB; a 424k-edge layer takes about 150 MB)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def checked_text(text: str, where: str) -> str:
    """``text`` once it holds no character that XML cannot hold; ``where`` names it in the error.

    Examples
    --------
    >>> checked_text("w_{1,2}", "label")
    'w_{1,2}'
    """
    bad = _NOT_XML.search(text)
    if bad:
        raise ExportError(
            f"{where} {text!r} holds the control character {bad.group()!r}, which graph "
            "files cannot hold; rename it"
        )
    return text


def encode_attributes(data: dict[str, Any]) -> dict[str, Any]:
    r"""Attributes a graph file can hold (see the module documentation).

    Examples
    --------
    >>> w = sympy.Symbol("w_1", real=True)
    >>> encoded = encode_attributes({"symbol": w / 2, "param": (0, 2), "label": "w_1/2"})
    >>> for key, value in encoded.items():
    ...     print(key, value)
    symbol_srepr Mul(Rational(1, 2), Symbol('w_1', real=True))
    param_json [0, 2]
    label w_1/2
    >>> encode_attributes({"label": "w\x07"})
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: attribute label 'w\x07' holds the control character '\x07', ...
    """
    encoded: dict[str, Any] = {}
    for key, value in data.items():
        checked_text(key, "attribute name")
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, sympy.Basic):
            encoded[key + _SREPR] = sympy.srepr(value)
        elif type(value) is tuple and all(type(v) is int for v in value):
            encoded[key + _JSON] = f"[{', '.join(map(str, value))}]"  # json.dumps, 5x faster
        elif value is None or isinstance(value, tuple | list):
            encoded[key + _JSON] = json.dumps(value)
        elif isinstance(value, str):
            encoded[key] = checked_text(value, f"attribute {key}")
        elif isinstance(value, int | float):
            encoded[key] = value
        else:
            raise ExportError(
                f"attribute {key}={value!r} of type {type(value).__name__} cannot be written"
            )
    return encoded


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def decode_attributes(data: dict[str, Any]) -> dict[str, Any]:
    """The attributes :func:`encode_attributes` encoded, restored.

    Examples
    --------
    >>> decode_attributes({"symbol_srepr": "Rational(1, 4)", "position_json": "[1, 2]"})
    {'symbol': 1/4, 'position': (1, 2)}
    """
    decoded: dict[str, Any] = {}
    for key, value in data.items():
        if key.endswith(_SREPR) and isinstance(value, str):
            decoded[key.removesuffix(_SREPR)] = expression_from_srepr(value)
        elif key.endswith(_JSON) and isinstance(value, str):
            if len(value) > MAX_SREPR_CHARS:
                raise ExportError(f"attribute {key} is {len(value):,} characters long")
            try:
                decoded[key.removesuffix(_JSON)] = _tuples(json.loads(value))
            except (ValueError, RecursionError):
                raise ExportError(f"attribute {key}={value[:40]!r} is not JSON") from None
        else:
            decoded[key] = value
    return decoded


# --- writers and readers ------------------------------------------------------------
def attribute_encoder() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """:func:`encode_attributes`, remembering the result for attribute dicts seen before.

    Dicts holding the same objects (as a layer's edges of one weight do) share
    one encoded dict: the writers only read it. The objects are compared by
    identity, so the dicts must stay alive while the encoder is in use.

    Examples
    --------
    >>> encode = attribute_encoder()
    >>> w = sympy.Symbol("w")
    >>> encode({"symbol": w}) is encode({"symbol": w})
    True
    """
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}

    def encode(data: dict[str, Any]) -> dict[str, Any]:
        key = (*data, *map(id, data.values()))
        found = seen.get(key)
        if found is None:
            found = seen[key] = encode_attributes(data)
        return found

    return encode


def encoded_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``graph`` whose attributes are all file-friendly (encoded once per distinct dict).

    Examples
    --------
    >>> import symconv as sc
    >>> copy = encoded_graph(sc.Conv1d((1, 3), 1, 2, bias=False).graph())
    >>> copy.edges["x1", "h1"]
    {'symbol_srepr': "Symbol('w_1', real=True)", 'param': 0, 'kind': 'weight', 'label': 'w_1'}
    """
    encode = attribute_encoder()
    copy = nx.DiGraph()
    copy.graph.update(encode_attributes(graph.graph))
    for node in graph:
        checked_text(str(node), "node")
    copy.add_nodes_from((n, encode(d)) for n, d in graph.nodes(data=True))
    fill_edges(copy, ((u, v, encode(d)) for u, v, d in graph.edges(data=True)))
    return copy


# networkx 3.4 renamed node-link's ``link`` keyword to ``edges``.
EDGES_KEY = (
    {"edges": "edges"} if "edges" in inspect.signature(nx.node_link_data).parameters
    else {"link": "edges"}
)
"""The keyword that makes NetworkX's node-link functions call the edge list ``edges``."""


def _read_json(data: bytes) -> nx.DiGraph:
    return nx.node_link_graph(json.loads(data), **EDGES_KEY)


def _without_reader_additions(graph: nx.DiGraph) -> nx.DiGraph:
    """Drop what NetworkX's GraphML and GEXF readers add (defaults, mode, edge ids, viz)."""
    for key in ("node_default", "edge_default", "mode"):
        graph.graph.pop(key, None)
    for _, data in graph.nodes(data=True):
        data.pop("viz", None)
    for _, _, data in graph.edges(data=True):
        data.pop("id", None)
        data.pop("viz", None)
    return graph


def _xml(read: Callable[[IO[bytes]], nx.DiGraph]) -> Callable[[bytes], nx.DiGraph]:
    def reader(data: bytes) -> nx.DiGraph:
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            line = data[: data.find(b"<!")].count(b"\n") + 1
            raise ValueError(f"line {line}: a DOCTYPE or ENTITY declaration is not allowed")
        return _without_reader_additions(read(io.BytesIO(data)))

    return reader


GRAPH_READERS: dict[str, Callable[[bytes], nx.DiGraph]] = {
    ".graphml": _xml(nx.read_graphml),
    ".gexf": _xml(nx.read_gexf),
    ".json": _read_json,
}
"""Readers of the files :func:`symconv.export` writes, from their bytes, by extension."""

_READ_ERRORS = (
    nx.NetworkXError, ValueError, KeyError, TypeError, AttributeError, IndexError,
    RecursionError, ET.ParseError,
)


def _read_raw(path: Path, max_bytes: int) -> nx.DiGraph:
    reader = GRAPH_READERS.get(path.suffix.lower())
    if reader is None:
        raise ExportError(
            f"cannot read a graph from {str(path)!r}: unknown extension {path.suffix!r}; "
            f"supported: {', '.join(GRAPH_READERS)}"
        )
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except (OSError, ValueError) as err:
        raise ExportError(f"cannot read a graph from {str(path)!r}: {err}") from None
    if len(data) > max_bytes:
        raise ExportError(
            f"cannot read a graph from {str(path)!r}: it is larger than the limit of "
            f"{max_bytes:,} bytes; pass max_bytes= to raise it"
        )
    try:
        raw = reader(data)
    except RecursionError:
        raise ExportError(f"cannot read a graph from {str(path)!r}: nested too deeply") from None
    except KeyError as err:
        raise ExportError(f"cannot read a graph from {str(path)!r}: missing {err}") from None
    except _READ_ERRORS as err:
        raise ExportError(f"cannot read a graph from {str(path)!r}: {err}") from None
    if not isinstance(raw, nx.DiGraph) or raw.is_multigraph():
        raise ExportError(f"cannot read a graph from {str(path)!r}: it is not a directed graph")
    return raw


def _place(where: tuple[Any, ...]) -> str:
    return {0: "graph attributes", 1: "node {!r}", 2: "edge {!r} -> {!r}"}[len(where)].format(
        *where
    )


def _decoder(path: Path) -> Callable[..., dict[str, Any]]:
    """:func:`decode_attributes` naming the place of a failure, once per distinct dict."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}

    def decode(data: dict[str, Any], *where: Any) -> dict[str, Any]:
        try:
            key = tuple((k, type(v), v) for k, v in data.items())
            found = seen.get(key)
        except TypeError:  # an unhashable value
            key, found = (), None
        if found is None:
            try:
                found = decode_attributes(data)
            except ExportError as err:
                raise ExportError(
                    f"cannot read a graph from {str(path)!r}: {_place(where)}: {err}"
                ) from None
            if key:
                seen[key] = found
        return found.copy()

    return decode


def read_graph(path: str | Path, *, max_bytes: int = MAX_READ_BYTES) -> LayerGraph:
    """Read a graph written by :func:`symconv.export`, with its SymPy weights restored.

    Reads ``.graphml``, ``.gexf`` and ``.json`` (node-link) files with NetworkX's
    readers, then decodes the attributes: edge ``symbol`` becomes a SymPy
    expression again (rebuilt without evaluating any text), ``param`` and node
    ``position`` become tuples again. A malformed or hostile file raises one
    :class:`~symconv.ExportError` naming the file and the place (line, node,
    edge or attribute), within the limits of the module documentation.

    Examples
    --------
    >>> import tempfile
    >>> import symconv as sc
    >>> conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = sc.export(conv, f"{folder}/conv.graphml")
    ...     graph = read_graph(path)
    >>> graph.edges["x6", "h1"]["symbol"]
    w_{2,2}
    >>> graph.nodes["h2"]["position"]
    (0, 1)
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int | np.integer) \
            or not 0 <= max_bytes < 2**62:
        raise ExportError(
            f"max_bytes={shown_value(max_bytes)} must be a whole number of bytes from 0")
    path = Path(path)
    raw = _read_raw(path, max_bytes)
    decode = _decoder(path)
    graph = LayerGraph()
    graph.graph.update(decode(raw.graph))
    graph.add_nodes_from((n, decode(d, n)) for n, d in raw.nodes(data=True))
    fill_edges(graph, ((u, v, decode(d, u, v)) for u, v, d in raw.edges(data=True)))
    return graph
