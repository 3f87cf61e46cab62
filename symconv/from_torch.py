"""Convert a PyTorch model into a symconv network, numbers included, by ``torch.fx`` tracing.

PyTorch is optional: it is imported when :func:`from_torch` is called. The
model's ``forward`` is traced symbolically (``torch.fx``), and the traced graph
is walked node by node, propagating shapes from ``in_shape``:

* calls of supported modules (:data:`SUPPORTED_MODULES`), of the matching
  ``torch.nn.functional`` functions (``F.relu``, ``F.max_pool2d``, ...) and
  tensor methods (``x.relu()``, ``torch.flatten(x, 1)``, ``x.view(x.size(0), -1)``)
  become layers named by the module's qualified name (or the node's name);
  a module called twice becomes two layers;
* an addition of two paths that leave the same point, ``x + f(x)`` or
  ``P(x) + f(x)``, becomes one :class:`~symconv.Residual` layer;
* anything else is refused with an error naming the node and its operation.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from symconv.dense import _dense_in_shape
from symconv.errors import SymconvError, UnsupportedModuleError
from symconv.layer import Layer
from symconv.network import Sequential
from symconv.residual import Residual
from symconv.torch_modules import CONVERTERS, SUPPORTED_MODULES, Numbers

__all__ = ["SUPPORTED_MODULES", "from_torch"]

Shape = tuple[int, ...]


@dataclass(eq=False)
class _Step:
    """One converted layer on a path (compared by identity: paths share their prefix)."""

    layer: Layer
    numbers: Numbers


@dataclass(frozen=True)
class _Path:
    """The layers from the model's input to one traced value, and that value's shape."""

    steps: tuple[_Step, ...]
    shape: Shape

    def then(self, layer: Layer, numbers: Numbers = None) -> _Path:
        return _Path((*self.steps, _Step(layer, numbers)), layer.out_shape)


class _Batch:
    """The batch size, ``x.size(0)``, as used in ``x.view(x.size(0), -1)``."""


BATCH = _Batch()

# Functional calls: name of the module they mirror, and its arguments after the input.
FUNCTIONAL_SIGNATURES: dict[str, tuple[str, tuple[tuple[str, Any], ...]]] = {
    "relu": ("ReLU", (("inplace", False),)),
    "tanh": ("Tanh", ()),
    "sigmoid": ("Sigmoid", ()),
    "silu": ("SiLU", (("inplace", False),)),
    "gelu": ("GELU", (("approximate", "none"),)),
    "elu": ("ELU", (("alpha", 1.0), ("inplace", False))),
    "leaky_relu": ("LeakyReLU", (("negative_slope", 0.01), ("inplace", False))),
    "dropout": ("Dropout", (("p", 0.5), ("training", True), ("inplace", False))),
    "flatten": ("Flatten", (("start_dim", 0), ("end_dim", -1))),
    "max_pool1d": ("MaxPool1d", (("kernel_size", None), ("stride", None), ("padding", 0),
                                 ("dilation", 1), ("ceil_mode", False),
                                 ("return_indices", False))),
    "avg_pool1d": ("AvgPool1d", (("kernel_size", None), ("stride", None), ("padding", 0),
                                 ("ceil_mode", False), ("count_include_pad", True))),
    "adaptive_avg_pool1d": ("AdaptiveAvgPool1d", (("output_size", None),)),
}
for _name in ("max_pool", "avg_pool", "adaptive_avg_pool"):
    _module, _args = FUNCTIONAL_SIGNATURES[f"{_name}1d"]
    FUNCTIONAL_SIGNATURES[f"{_name}2d"] = (_module.replace("1d", "2d"), _args)
FUNCTIONAL_SIGNATURES["avg_pool2d"] = ("AvgPool2d", (
    *FUNCTIONAL_SIGNATURES["avg_pool1d"][1], ("divisor_override", None)))

REFUSED = {
    "softmax": "softmax couples every unit of its axis (each output depends on all of them "
               "through the sum of exponentials); it is not elementwise and has no matrix. "
               "Convert the model up to its logits",
}
REFUSED["log_softmax"] = REFUSED["Softmax"] = REFUSED["LogSoftmax"] = REFUSED["softmax"]


def _functions(torch: Any) -> dict[Any, str]:
    """The ``torch`` and ``torch.nn.functional`` objects that name a functional call."""
    F = torch.nn.functional
    found: dict[Any, str] = {}
    for name in [*FUNCTIONAL_SIGNATURES, *REFUSED]:
        for owner in (F, torch):
            if hasattr(owner, name):
                found[getattr(owner, name)] = name
    for name in ("add", "relu_"):
        found[getattr(torch, name)] = name.rstrip("_")
    found[operator.add] = found[operator.iadd] = "add"
    return found


def _bind(node: Any, values: Sequence[Any], kwargs: dict[str, Any],
          signature: tuple[tuple[str, Any], ...]) -> SimpleNamespace:
    """The call's arguments after its input, by name (PyTorch's defaults filled in)."""
    names = [name for name, _ in signature]
    if len(values) > len(names) or set(kwargs) - set(names) - {"_stacklevel", "dtype"}:
        raise UnsupportedModuleError(f"node {node.name!r} ({node.op} {node.target}): "
                                     "unexpected arguments")
    bound = dict(signature)
    bound.update(zip(names, values, strict=False))
    bound.update({k: v for k, v in kwargs.items() if k in bound})
    return SimpleNamespace(**bound)


class _Converter:
    """Walks a traced graph, turning each node into a path of layers."""

    def __init__(self, torch: Any, root: Any, in_shape: Any) -> None:
        self.torch, self.root = torch, root
        self.functions = _functions(torch)
        self.leaves = tuple(getattr(torch.nn, name) for name in SUPPORTED_MODULES)
        self.in_shape = in_shape
        self.env: dict[Any, Any] = {}

    def fail(self, node: Any, why: str) -> UnsupportedModuleError:
        target = getattr(node.target, "__name__", node.target)
        return UnsupportedModuleError(f"node {node.name!r} ({node.op} {target}): {why}")

    def value(self, arg: Any) -> Any:
        if isinstance(arg, tuple | list):
            return type(arg)(self.value(a) for a in arg)
        return self.env[arg] if hasattr(arg, "op") and hasattr(arg, "graph") else arg

    def path_of(self, node: Any, arg: Any) -> _Path:
        value = self.value(arg)
        if not isinstance(value, _Path):
            raise self.fail(node, f"expects a tensor computed from the input; got {value!r}")
        return value

    def run(self, graph: Any) -> _Path:
        result = None
        for node in graph.nodes:
            if node.op == "placeholder":
                if self.env:
                    raise self.fail(node, "only models with one input are supported")
                self.env[node] = _Path((), tuple(self.in_shape))
            elif node.op == "output":
                result = self.path_of(node, node.args[0])
            else:
                handler = getattr(self, f"on_{node.op}", None)
                if handler is None:
                    raise self.fail(node, "reads a parameter or buffer directly; only calls "
                                    "of modules, torch.nn.functional and tensor methods "
                                    "are supported")
                self.env[node] = handler(node)
        assert result is not None
        return result

    def convert(self, node: Any, kind: str, module: Any, path: _Path, name: str) -> _Path:
        if kind in REFUSED:
            raise self.fail(node, f"{kind} is not supported: {REFUSED[kind]}")
        if kind == "Flatten" and (module.start_dim, module.end_dim) == (1, -1) \
                and len(path.shape) == 1:
            return path  # already flat
        if kind not in CONVERTERS:
            raise self.fail(node, f"{kind} is not supported; supported: "
                            + ", ".join(SUPPORTED_MODULES))
        try:
            layer, numbers = CONVERTERS[kind](module, path.shape)
        except SymconvError as err:
            raise type(err)(f"{kind} {name!r} (input {path.shape}): {err}") from None
        return path.then(layer.named(name), numbers)

    def on_call_module(self, node: Any) -> _Path:
        module = self.root.get_submodule(node.target)
        kind = type(module).__name__
        nn = self.torch.nn
        if type(module) is not getattr(nn, kind, None) and isinstance(module, self.leaves):
            raise self.fail(node, f"{kind} subclasses a supported torch.nn module, but may "
                            "compute something else; it is not supported")
        if len(node.args) != 1 or node.kwargs:
            raise self.fail(node, "modules are supported with one input only")
        return self.convert(node, kind, module, self.path_of(node, node.args[0]), node.target)

    def on_call_function(self, node: Any) -> Any:
        kind = self.functions.get(node.target)
        if kind == "add":
            return self.residual(node)
        if kind is None:
            raise self.fail(node, "is not a supported function")
        return self.functional(node, kind, list(node.args), dict(node.kwargs))

    def on_call_method(self, node: Any) -> Any:
        method = node.target
        args = list(node.args)
        if method == "size" and self.value(args[1:]) in ([0], []) and not node.kwargs:
            return BATCH
        if method == "contiguous":
            return self.path_of(node, args[0])
        if method in ("view", "reshape"):
            return self.reshape(node)
        if method == "add":
            return self.residual(node)
        if method in ("relu", "tanh", "sigmoid", "flatten", "softmax", "log_softmax"):
            return self.functional(node, method, args, dict(node.kwargs))
        raise self.fail(node, "is not a supported tensor method")

    def functional(self, node: Any, kind: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        path = self.path_of(node, args[0])
        if kind in REFUSED:
            raise self.fail(node, f"{kind} is not supported: {REFUSED[kind]}")
        module_kind, signature = FUNCTIONAL_SIGNATURES[kind]
        module = _bind(node, self.value(args[1:]), self.value(kwargs), signature)
        if kind == "dropout" and module.training:
            raise self.fail(node, "dropout with training=True is random; pass "
                            "training=self.training and convert the model in eval mode")
        return self.convert(node, module_kind, module, path, node.name)

    def reshape(self, node: Any) -> _Path:
        path = self.path_of(node, node.args[0])
        dims = self.value(list(node.args[1:]))
        if len(dims) == 1 and isinstance(dims[0], tuple | list):
            dims = list(dims[0])
        size = 1
        for n in path.shape:
            size *= n
        flat = len(dims) == 2 and (
            (dims[0] is BATCH and dims[1] in (-1, size)) or (dims[0] == -1 and dims[1] == size)
        )
        if not flat:
            raise self.fail(node, f"only flattening reshapes (batch, {size}) are supported; "
                            f"got {dims}")
        flatten = SimpleNamespace(start_dim=1, end_dim=-1)
        return self.convert(node, "Flatten", flatten, path, node.name)

    def residual(self, node: Any) -> _Path:
        if len(node.args) != 2 or node.kwargs:
            raise self.fail(node, "only a sum of two tensors is supported")
        a, b = (self.path_of(node, arg) for arg in node.args)
        common = 0
        for left, right in zip(a.steps, b.steps, strict=False):
            if left is not right:
                break
            common += 1
        rest_a, rest_b = a.steps[common:], b.steps[common:]
        if not rest_a and not rest_b:
            raise self.fail(node, "adds a tensor to itself")
        branch, shortcut = (rest_a, rest_b) if len(rest_a) >= len(rest_b) else (rest_b, rest_a)
        steps = [*branch, *shortcut]
        numbers = [step.numbers for step in steps]
        weights = None if any(
            n is None and step.layer.num_parameters for n, step in zip(numbers, steps, strict=True)
        ) else numbers
        try:
            layer = Residual([s.layer for s in branch], [s.layer for s in shortcut],
                             weights=weights)
        except SymconvError as err:
            raise type(err)(f"node {node.name!r} (residual sum): {err}") from None
        return _Path((*a.steps[:common], _Step(layer.named(node.name), None)), layer.out_shape)


def _tracer(torch: Any) -> Any:
    nn = torch.nn
    leaves = tuple(getattr(nn, name) for name in SUPPORTED_MODULES)

    class Tracer(torch.fx.Tracer):
        """Supported modules stay calls, even subclasses (refused later by name)."""

        def is_leaf_module(self, m: Any, qualified_name: str) -> bool:
            return isinstance(m, leaves) or bool(super().is_leaf_module(m, qualified_name))

    return Tracer()


def from_torch(module: Any, in_shape: int | tuple[int, ...]) -> Sequential:
    """A :class:`~symconv.Sequential` equal to a PyTorch model at inference, weights included.

    Parameters
    ----------
    module
        An ``nn.Module`` whose ``forward`` ``torch.fx`` can trace: an
        ``nn.Sequential``, a single supported module, or a model class with a
        ``forward`` built from supported modules (:data:`SUPPORTED_MODULES`),
        the matching ``torch.nn.functional`` calls and tensor methods, and
        residual sums ``x + f(x)``. Batch normalisation and dropout are
        converted as at inference (eval mode).
    in_shape
        The shape of one input without the batch axis, e.g. ``(3, 32, 32)``.

    Raises
    ------
    UnsupportedModuleError
        Naming the first node that cannot be converted and its operation.
    ShapeMismatchError
        If a module's channels or features do not match its input.
    ImportError
        If PyTorch is not installed.

    Examples
    --------
    >>> import pytest
    >>> torch = pytest.importorskip("torch")  # symconv does not depend on PyTorch
    >>> import symconv as sc
    >>> class Net(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.conv = torch.nn.Conv2d(1, 1, 3, padding=1)
    ...         self.fc = torch.nn.Linear(16, 4)
    ...     def forward(self, x):
    ...         x = torch.relu(self.conv(x)) + x
    ...         return self.fc(torch.flatten(x, 1))
    >>> net = sc.from_torch(Net(), (1, 4, 4))
    >>> [(layer.name, type(layer).__name__) for layer in net]
    [('add', 'Residual'), ('flatten', 'Flatten'), ('fc', 'Dense')]
    >>> net[0].branch.layers[0].name, net.num_parameters
    ('conv', 78)
    """
    try:
        import torch
        import torch.fx
    except ImportError:
        raise ImportError("from_torch needs PyTorch: `pip install torch`") from None
    if not isinstance(module, torch.nn.Module):
        raise UnsupportedModuleError(f"module={module!r} is not a torch.nn.Module")
    root = module
    if type(module).__name__ in SUPPORTED_MODULES or isinstance(
        module, tuple(getattr(torch.nn, name) for name in SUPPORTED_MODULES)
    ):
        root = torch.nn.Sequential(module)
    try:
        graph = _tracer(torch).trace(root)
    except Exception as err:  # tracing runs user code: report any failure as unsupported
        raise UnsupportedModuleError(
            f"torch.fx cannot trace {type(module).__name__}: {type(err).__name__}: {err}"
        ) from None
    path = _Converter(torch, root, _dense_in_shape(in_shape)).run(graph)
    if not path.steps:
        raise UnsupportedModuleError("the module holds no layers")
    return Sequential(*(s.layer for s in path.steps), weights=[s.numbers for s in path.steps])

