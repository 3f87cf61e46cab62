"""The public API is pinned: ``symconv.__all__`` is sorted, complete and documented."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import symconv
from symconv._namespace import type_checking_imports

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference.md"

# Modules that only hold building blocks for other modules: nothing in them is meant
# to be called by users, so their ``__all__`` is internal as a whole.
INTERNAL_MODULES = {
    "symconv._namespace",
    "symconv.cli",
    "symconv.connectivity",
    "symconv.describe",
    "symconv.display",
    "symconv.forward_rows",
    "symconv.geometry",
    "symconv.inputs",
    "symconv.names",
    "symconv.notebook",
    "symconv.options",
    "symconv.plots.entries",
    "symconv.plots.figures",
    "symconv.plots.labels",
    "symconv.plots.layout",
    "symconv.plots.legend",
    "symconv.plots.panels",
    "symconv.plots.selection",
    "symconv.plots.style",
    "symconv.playground",
    "symconv.symbolic",
    "symconv.symbols",
    "symconv.torch_modules",
    "symconv.tikz",
}

# Names in the ``__all__`` of the other modules that are deliberately NOT exported
# from ``symconv`` (structure builders, geometry records, helpers). A new public class
# or function there must be exported or listed here.
INTERNAL: dict[str, set[str]] = {
    "symconv.adaptive": {"adaptive_axis"},
    "symconv.conv": {"ConvGeometry", "check_connection_table", "conv_axes", "conv_structure"},
    "symconv.dense": {"dense_structure"},
    "symconv.latex": {"latex_summary", "latex_text"},
    "symconv.gradient": {"bias_gradient", "gradient_symbols", "input_gradient", "weight_gradient"},
    "symconv.layer": {"CalledLikeAModule"},
    "symconv.exporting": {"atomic_path", "checked_dpi", "checked_target", "save_figure"},
    "symconv.graph": {
        "LayerGraph", "check_graph_size", "edge_attributes", "fill_edges", "output_label",
    },
    "symconv.graphfile": {
        "attribute_encoder", "checked_text", "decode_attributes", "encode_attributes",
        "encoded_graph",
    },
    "symconv.graphstyle": {
        "color_key", "column_of", "edge_colors", "html_label", "unit_positions",
    },
    "symconv.graphwriters": {"write_dot", "write_gexf"},
    "symconv.explore": {"Explorer", "matrix_html"},
    "symconv.local": {"local_structure"},
    "symconv.plots.animation": {"ConvolutionAnimation", "SlidingWindow"},
    "symconv.plots.connectivity": {"connectivity_figure", "diagram_size"},
    "symconv.plots.network": {"unit_places"},
    "symconv.plots.receptive": {"ReceptivePanels", "grids_extent", "receptive_views"},
    "symconv.plots.sparsity": {"MatrixPicture", "draw_matrix", "matrix_picture"},
    "symconv.pooling": {
        "PoolGeometry", "describe_pool", "divisors_at", "pool_divisors", "pool_geometry",
        "pool_structure",
    },
    "symconv.receptive": {"AxisField", "analytic_fields", "dependency_sets"},
    "symconv.residual": {"dependency_pattern"},
    "symconv.spec": {"layer_classes", "parse_chain"},
    "symconv.srepr": {"expression_from_srepr"},
    "symconv.summary": {"SummaryRow"},
    "symconv.tiled": {"tiled_structure"},
    "symconv.transposed": {"TransposedGeometry"},
}


def sort_key(name: str) -> tuple[int, list[int | str]]:
    """ruff's RUF022 ("isort-style") order: SCREAMING_CASE, then CamelCase, then the rest,
    each group in natural order (digits compare as numbers)."""
    group = 0 if name.isupper() and len(name) > 1 else 1 if name[0].isupper() else 2
    return group, [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def test_all_is_sorted_and_unique() -> None:
    assert symconv.__all__ == sorted(set(symconv.__all__), key=sort_key)


def test_sort_key_follows_the_isort_style() -> None:
    names = ["conv", "Conv10d", "MAX_X", "Conv2d", "__version__", "ReLU", "ReceptiveField"]
    assert sorted(names, key=sort_key) == [
        "MAX_X", "Conv2d", "Conv10d", "ReLU", "ReceptiveField", "__version__", "conv",
    ]


def test_all_lists_exactly_the_public_names_of_the_package() -> None:
    source = Path(symconv.__file__).read_text(encoding="utf-8")
    lazy = type_checking_imports(source)  # what type checkers and the docs see
    assert set(lazy) | {"__version__"} == set(symconv.__all__)
    public = {name for name in dir(symconv) if not name.startswith("_")
              and not isinstance(getattr(symconv, name), types.ModuleType)}
    assert public == set(lazy)
    for name in symconv.__all__:
        value = getattr(symconv, name)
        assert not isinstance(value, types.ModuleType), name
        assert name in vars(symconv), name  # looked up once, then a plain attribute


def test_a_submodule_does_not_shadow_the_function_of_its_name() -> None:
    script = (
        "import symconv.from_torch, symconv\n"
        "assert callable(symconv.from_torch), symconv.from_torch\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_import_loads_no_heavy_dependency() -> None:
    # `import symconv` and building a layer stay instant: plots, graphs and
    # scipy.sparse load only when a view that needs them is used.
    script = (
        "import sys, symconv\n"
        "loaded = set(sys.modules)\n"
        "symconv.Conv2d((1, 4, 4), 1, 2, stride=2).matrix()\n"
        "after_layer = set(sys.modules)\n"
        "heavy = {'networkx', 'scipy.sparse', 'matplotlib', 'sympy', 'numpy'}\n"
        "print(sorted(heavy & loaded), sorted(heavy & after_layer))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == "[] ['numpy', 'sympy']"


def exported_callables() -> list[str]:
    objects = {name: getattr(symconv, name) for name in symconv.__all__}
    return [name for name, obj in objects.items()
            if inspect.isclass(obj) or inspect.isfunction(obj)]


@pytest.mark.parametrize("name", exported_callables())
def test_exported_object_has_docstring_with_examples(name: str) -> None:
    doc = inspect.getdoc(getattr(symconv, name)) or ""
    assert re.search(r"^Examples\n-{8}\n", doc, flags=re.MULTILINE), name
    assert ">>> " in doc.split("Examples", 1)[1], name


def submodules() -> list[types.ModuleType]:
    return [importlib.import_module(info.name)
            for info in pkgutil.walk_packages(symconv.__path__, "symconv.")
            if info.name != "symconv.__main__"]


@pytest.mark.parametrize("module", submodules(), ids=lambda m: m.__name__)
def test_module_names_are_exported_or_documented_as_internal(module: types.ModuleType) -> None:
    names = getattr(module, "__all__", [])
    for name in names:
        assert hasattr(module, name), f"{module.__name__}.__all__ lists missing {name}"
    if module.__name__ in INTERNAL_MODULES:
        return
    callables = {name for name in names
                 if inspect.isclass(getattr(module, name)) or callable(getattr(module, name))}
    exported = {name for name in callables
                if getattr(symconv, name, None) is getattr(module, name)}
    internal = INTERNAL.get(module.__name__, set())
    unaccounted = sorted(callables - exported - internal)
    assert not unaccounted, f"neither exported nor listed as internal: {unaccounted}"
    stale = sorted(internal - (callables - exported))
    assert not stale, f"listed as internal but gone or exported: {stale}"


def test_internal_lists_name_only_existing_modules() -> None:
    modules = {module.__name__ for module in submodules()}
    assert set(INTERNAL) <= modules
    assert modules >= INTERNAL_MODULES
    assert not set(INTERNAL) & INTERNAL_MODULES


@pytest.mark.skipif(not REFERENCE.exists(), reason="docs/reference.md is not written yet")
@pytest.mark.parametrize("name", [n for n in symconv.__all__ if n != "__version__"])
def test_every_name_is_in_the_reference(name: str) -> None:
    assert f"::: symconv.{name}\n" in REFERENCE.read_text(encoding="utf-8"), name


def test_version_is_a_release_number() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]|rc)?\d*", symconv.__version__)


CORE_MODULES = ["layer", "conv", "dense", "local", "pooling", "structural", "transposed",
                "network", "receptive", "summary", "models", "spec", "from_torch"]
VIEW_MODULES = ["display", "graph", "graphfile", "notebook", "exporting", "tikz", "plots"]


def test_the_core_does_not_import_its_views() -> None:
    # views depend on the layers, never the reverse: a layer reaches its views (matrix
    # display, graph, notebook bundle) through functions it imports when called
    script = (
        "import sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    __import__('symconv.' + name)\n"
        f"print(sorted(v for v in {VIEW_MODULES!r} if 'symconv.' + v in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip() == "[]"
