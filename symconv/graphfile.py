"""Graphs in files: GraphML, GEXF, node-link JSON and DOT, read back exactly.

File formats hold strings and numbers, so attributes are written like this:

* strings, ints, floats and bools as they are;
* a SymPy expression under ``<name>_srepr`` as :func:`sympy.srepr` text (the
  plain text people read is the ``label`` attribute);
* a tuple or ``None`` under ``<name>_json`` as JSON text (``[0, 1]``, ``null``).

:func:`read_graph` reverses this. It rebuilds expressions from their ``srepr``
text by walking the syntax tree and calling only ``Symbol``, ``Integer``,
``Rational``, ``Float``, ``Add``, ``Mul`` and ``Pow`` on checked literal arguments;
nothing in a file is ever evaluated, so reading an untrusted file is safe. DOT is
written for Graphviz and other tools, without any Graphviz package; it is not read
back.
"""

from __future__ import annotations

import ast
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import networkx as nx
import numpy as np
import sympy

from symconv.errors import ExportError

__all__ = [
    "GRAPH_READERS",
    "GRAPH_WRITERS",
    "decode_attributes",
    "encode_attributes",
    "expression_from_srepr",
    "read_graph",
]

_SREPR, _JSON = "_srepr", "_json"


def encode_attributes(data: dict[str, Any]) -> dict[str, Any]:
    """Attributes a graph file can hold (see the module documentation).

    Examples
    --------
    >>> w = sympy.Symbol("w_1", real=True)
    >>> encoded = encode_attributes({"weight": w / 2, "param": (0, 2), "label": "w_1/2"})
    >>> for key, value in encoded.items():
    ...     print(key, value)
    weight_srepr Mul(Rational(1, 2), Symbol('w_1', real=True))
    param_json [0, 2]
    label w_1/2
    """
    encoded: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, sympy.Basic):
            encoded[key + _SREPR] = sympy.srepr(value)
        elif value is None or isinstance(value, tuple | list):
            encoded[key + _JSON] = json.dumps(value)
        elif isinstance(value, str | int | float):
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
    >>> decode_attributes({"weight_srepr": "Rational(1, 4)", "position_json": "[1, 2]"})
    {'weight': 1/4, 'position': (1, 2)}
    """
    decoded: dict[str, Any] = {}
    for key, value in data.items():
        if key.endswith(_SREPR) and isinstance(value, str):
            decoded[key.removesuffix(_SREPR)] = expression_from_srepr(value)
        elif key.endswith(_JSON) and isinstance(value, str):
            try:
                decoded[key.removesuffix(_JSON)] = _tuples(json.loads(value))
            except ValueError:
                raise ExportError(f"attribute {key}={value!r} is not JSON") from None
        else:
            decoded[key] = value
    return decoded


# --- safe srepr ------------------------------------------------------------------
def _expr(value: Any) -> sympy.Expr:
    if not isinstance(value, sympy.Expr):
        raise TypeError(f"{value!r} is not an expression")
    return value


def _of_type(kind: type, value: Any) -> Any:
    if type(value) is not kind:
        raise TypeError(f"{value!r} is not a {kind.__name__}")
    return value


def _symbol(args: list[Any], kwargs: dict[str, Any]) -> sympy.Expr:
    (name,) = args
    return sympy.Symbol(
        _of_type(str, name), **{k: _of_type(bool, v) for k, v in kwargs.items()}
    )


def _float(args: list[Any], kwargs: dict[str, Any]) -> sympy.Expr:
    (digits,) = args
    if set(kwargs) != {"precision"}:
        raise TypeError("Float takes one keyword, precision")
    return sympy.Float(_of_type(str, digits), precision=_of_type(int, kwargs["precision"]))


def _pow(base: Any, exponent: Any) -> sympy.Expr:
    if _expr(base).is_Number and _expr(exponent).is_Integer:
        # SymPy would compute it (maybe a huge number); srepr never writes one.
        raise TypeError("a power of a number to an integer is not in canonical form")
    return sympy.Pow(base, exponent)


def _plain(build: Callable[..., sympy.Expr], check: Callable[[Any], Any]) -> Callable[..., Any]:
    def constructor(args: list[Any], kwargs: dict[str, Any]) -> sympy.Expr:
        if kwargs:
            raise TypeError("unexpected keywords")
        return build(*(check(a) for a in args))

    return constructor


_CONSTRUCTORS: dict[str, Callable[[list[Any], dict[str, Any]], sympy.Expr]] = {
    "Symbol": _symbol,
    "Float": _float,
    "Integer": _plain(sympy.Integer, lambda a: _of_type(int, a)),
    "Rational": _plain(sympy.Rational, lambda a: _of_type(int, a)),
    "Add": _plain(sympy.Add, _expr),
    "Mul": _plain(sympy.Mul, _expr),
    "Pow": _plain(_pow, _expr),
}


def _build(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant) and type(node.value) in (int, str, bool):
        return node.value
    if (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant) and type(node.operand.value) is int
    ):
        return -node.operand.value
    if (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id in _CONSTRUCTORS
        and all(k.arg is not None for k in node.keywords)
    ):
        args = [_build(a) for a in node.args]
        kwargs = {str(k.arg): _build(k.value) for k in node.keywords}
        return _CONSTRUCTORS[node.func.id](args, kwargs)
    raise TypeError(f"{ast.unparse(node)[:40]} is not allowed")


def expression_from_srepr(text: str) -> sympy.Expr:
    """The SymPy expression whose :func:`sympy.srepr` is ``text``, without evaluating it.

    Only ``Symbol``, ``Integer``, ``Rational``, ``Float``, ``Add``, ``Mul`` and
    ``Pow`` with literal arguments are accepted; anything else raises
    :class:`~symconv.ExportError`.

    Examples
    --------
    >>> expression_from_srepr("Add(Symbol('w_1', real=True), Symbol('w_3', real=True))")
    w_1 + w_3
    >>> expression_from_srepr("__import__('os').getcwd()")
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: weight text "__import__('os').getcwd()" is not a ...
    """
    try:
        return _expr(_build(ast.parse(text, mode="eval").body))
    except (SyntaxError, TypeError, ValueError, KeyError, RecursionError, MemoryError) as err:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ExportError(
            f"weight text {shown!r} is not a SymPy srepr of symbols and numbers ({err})"
        ) from None


# --- writers and readers ------------------------------------------------------------
def encoded_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``graph`` whose attributes are all file-friendly."""
    copy = nx.DiGraph()
    copy.graph.update(encode_attributes(graph.graph))
    copy.add_nodes_from((n, encode_attributes(d)) for n, d in graph.nodes(data=True))
    copy.add_edges_from((u, v, encode_attributes(d)) for u, v, d in graph.edges(data=True))
    return copy


# networkx 3.4 renamed node-link's ``link`` keyword to ``edges``.
_EDGES_KEY = (
    {"edges": "edges"} if "edges" in inspect.signature(nx.node_link_data).parameters
    else {"link": "edges"}
)


def _write_json(graph: nx.DiGraph, stream: IO[bytes]) -> None:
    data = nx.node_link_data(graph, **_EDGES_KEY)
    stream.write(json.dumps(data, indent=1, ensure_ascii=False).encode())


def _read_json(stream: IO[bytes]) -> nx.DiGraph:
    return nx.node_link_graph(json.load(stream), **_EDGES_KEY)


def _dot_id(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _dot_key(key: str) -> str:
    return key if key.isidentifier() and key.isascii() else _dot_id(key)


def _dot_attributes(data: dict[str, Any]) -> str:
    if not data:
        return ""
    return " [" + ", ".join(f"{_dot_key(k)}={_dot_id(v)}" for k, v in data.items()) + "]"


def _write_dot(graph: nx.DiGraph, stream: IO[bytes]) -> None:
    lines = [f"digraph {_dot_id(graph.graph.get('name', 'G'))} {{", "  rankdir=LR;"]
    lines += [f"  {_dot_id(n)}{_dot_attributes(d)};" for n, d in graph.nodes(data=True)]
    lines += [
        f"  {_dot_id(u)} -> {_dot_id(v)}{_dot_attributes(d)};"
        for u, v, d in graph.edges(data=True)
    ]
    lines.append("}")
    stream.write(("\n".join(lines) + "\n").encode())


GRAPH_WRITERS: dict[str, Callable[[nx.DiGraph, IO[bytes]], None]] = {
    ".graphml": nx.write_graphml,
    ".gexf": nx.write_gexf,
    ".json": _write_json,
    ".dot": _write_dot,
}
"""Writers of encoded graphs to a binary stream, by file extension."""

def _without_reader_additions(graph: nx.DiGraph) -> nx.DiGraph:
    """Drop what NetworkX's GraphML and GEXF readers add (defaults, mode, edge ids)."""
    for key in ("node_default", "edge_default", "mode"):
        graph.graph.pop(key, None)
    for _, _, data in graph.edges(data=True):
        data.pop("id", None)
    return graph


GRAPH_READERS: dict[str, Callable[[IO[bytes]], nx.DiGraph]] = {
    ".graphml": lambda stream: _without_reader_additions(nx.read_graphml(stream)),
    ".gexf": lambda stream: _without_reader_additions(nx.read_gexf(stream)),
    ".json": _read_json,
}
"""Readers of the same files, by file extension."""


def read_graph(path: str | Path) -> nx.DiGraph:
    """Read a graph written by :func:`symconv.export`, with its SymPy weights restored.

    Reads ``.graphml``, ``.gexf`` and ``.json`` (node-link) files with NetworkX's
    readers, then decodes the attributes: edge ``weight`` becomes a SymPy
    expression again (rebuilt without evaluating any text), ``param`` and node
    ``position`` become tuples again.

    Examples
    --------
    >>> import tempfile
    >>> import symconv as sc
    >>> conv = sc.Conv2d((1, 4, 4), 1, 2, stride=2)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = sc.export(conv, f"{folder}/conv.graphml")
    ...     graph = read_graph(path)
    >>> graph.edges["x6", "h1"]["weight"]
    w_{2,2}
    >>> graph.nodes["h2"]["position"]
    (0, 1)
    """
    path = Path(path)
    reader = GRAPH_READERS.get(path.suffix.lower())
    if reader is None:
        raise ExportError(
            f"cannot read a graph from {str(path)!r}: unknown extension {path.suffix!r}; "
            f"supported: {', '.join(GRAPH_READERS)}"
        )
    try:
        with path.open("rb") as stream:
            raw = reader(stream)
    except (OSError, nx.NetworkXError, ValueError, KeyError) as err:
        raise ExportError(f"cannot read a graph from {str(path)!r}: {err}") from None
    graph = nx.DiGraph()
    graph.graph.update(decode_attributes(raw.graph))
    graph.add_nodes_from((n, decode_attributes(d)) for n, d in raw.nodes(data=True))
    graph.add_edges_from((u, v, decode_attributes(d)) for u, v, d in raw.edges(data=True))
    return graph
