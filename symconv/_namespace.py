"""The package namespace: every public name is imported on first use (PEP 562).

``symconv/__init__.py`` imports its public names under ``if typing.TYPE_CHECKING:``, where type
checkers and the documentation read them. At run time those lines do not run:
:func:`lazy_namespace` reads them from the package's source instead and imports a
name's module only when the name is first looked up. Adding a public name therefore
stays one import line (and its ``__all__`` entry), and ``import symconv`` costs next to
nothing: ``symconv --version`` never loads SymPy, and ``import symconv`` never loads
NetworkX, ``scipy.sparse`` or matplotlib.
"""

from __future__ import annotations

import sys
import types
from functools import cached_property
from typing import Any

__all__ = ["LazyNamespace", "lazy_namespace", "type_checking_imports"]


def type_checking_imports(source: str) -> dict[str, str]:
    r"""Each name imported under a top-level ``if [typing.]TYPE_CHECKING:``, mapped to its module.

    Examples
    --------
    >>> type_checking_imports("if TYPE_CHECKING:\n    from a.b import C, d as e\n")
    {'C': 'a.b', 'e': 'a.b'}
    """
    import ast

    names = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING", "typing.TYPE_CHECKING"
        ):
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    for alias in statement.names:
                        names[alias.asname or alias.name] = statement.module
    return names


class LazyNamespace(types.ModuleType):
    """A package module whose public names are imported when first looked up."""

    @cached_property
    def _lazy_names(self) -> dict[str, str]:
        with open(self.__file__ or "", encoding="utf-8") as file:
            return type_checking_imports(file.read())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name not in self._lazy_names:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(self._lazy_names[name]), name)
        super().__setattr__(name, value)  # later look-ups are plain attribute reads
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing a submodule binds it as an attribute of its package; where a
        # submodule shares its name with a public function (``symconv.from_torch``),
        # the function keeps the name, as an eager ``from ... import`` would leave it.
        if isinstance(value, types.ModuleType) and name in getattr(self, "__all__", ()):
            return
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._lazy_names))


def lazy_namespace(package: str) -> None:
    """Turn the already-imported module ``package`` into a :class:`LazyNamespace`.

    Examples
    --------
    >>> import symconv
    >>> type(symconv).__name__, "Conv2d" in dir(symconv)
    ('LazyNamespace', True)
    """
    sys.modules[package].__class__ = LazyNamespace
