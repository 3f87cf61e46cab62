"""PyTorch's keyword arguments that symconv has no use for: accepted at their default only.

A layer built from PyTorch code may pass ``device=None``, ``dtype=None`` or
``padding_mode="zeros"`` on a transposed convolution; these change nothing in
the structure, so they are accepted at PyTorch's default value. Any other value,
and any keyword the layer does not know, is refused with a
:class:`~symconv.LayerConfigError` that names it (not a ``TypeError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from symconv.errors import LayerConfigError

__all__ = ["TORCH_DEFAULTS", "check_torch_options"]

TORCH_DEFAULTS: dict[str, Any] = {"device": None, "dtype": None}
"""Keywords every PyTorch layer takes, with the only value symconv accepts."""


def check_torch_options(layer: str, options: Mapping[str, Any],
                        defaults: Mapping[str, Any] | None = None) -> None:
    """Accept PyTorch keywords at their default value; refuse anything else by name.

    Examples
    --------
    >>> check_torch_options("Conv2d", {"device": None, "dtype": None})
    >>> check_torch_options("ConvTranspose1d", {"padding_mode": "zeros"},
    ...                     {"padding_mode": "zeros"})
    >>> check_torch_options("Conv2d", {"device": "cuda"})
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: Conv2d: device='cuda' is not supported (only device=None, ...
    >>> check_torch_options("Dense", {"bais": False})
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: Dense got an unknown keyword bais=False
    """
    known = {**TORCH_DEFAULTS, **(defaults or {})}
    for key, value in options.items():
        if key not in known:
            raise LayerConfigError(f"{layer} got an unknown keyword {key}={value!r}")
        default = known[key]
        if not (value is default or (type(value) is type(default) and value == default)):
            raise LayerConfigError(
                f"{layer}: {key}={value!r} is not supported (only {key}={default!r}, "
                "PyTorch's default, which changes nothing in the layer's structure)"
            )
