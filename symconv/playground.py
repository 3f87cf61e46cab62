"""The explorer's world: one convolution per setting of its controls, and what it shows.

The docs site's explorer and :func:`symconv.explore` share the controls (1-D or
2-D, input side, kernel, stride, padding, dilation, padding mode, ordinary or
transposed) and what they show of the layer those controls pick. Both come from
here, so the site (which exports this data when it is built) and the notebook
(which computes it live) show the same matrix, the same colours and the same counts.

A :class:`Setting` names the layer; :meth:`Setting.layer` builds it with symconv, and
a setting symconv refuses raises the :class:`~symconv.SymconvError` whose message the
explorer shows. :func:`matrix_cells` lists the layer's nonzero matrix entries with
their plain-text labels and the colours the figures give them; :func:`layer_counts`
sets the layer's counts beside its locally connected and dense equivalents.
"""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import numpy as np

from symconv.errors import LayerConfigError

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["SITE_RANGES", "Cells", "Counts", "Setting", "layer_counts", "matrix_cells"]

SITE_RANGES: dict[str, tuple[Any, ...]] = {
    "dims": (1, 2),
    "n": tuple(range(3, 9)),
    "k": tuple(range(1, 6)),
    "stride": (1, 2, 3),
    "padding": (0, 1, 2, 3, "same"),
    "dilation": (1, 2, 3),
    "mode": ("zeros", "circular", "reflect", "replicate"),
    "transposed": (False, True),
}
"""Every value of every control of the docs explorer (all combinations are exported)."""

CONTROLS = tuple(SITE_RANGES)
"""The controls, in the order of the URL query."""


@dataclass(frozen=True)
class Setting:
    """One position of the explorer's controls: a square, single-axis-size convolution.

    The controls are the keys of the URL query of the docs explorer; the channel
    counts, groups and bias are not controls (the site keeps one channel and no bias).

    Examples
    --------
    >>> setting = Setting.from_query("dims=2&n=4&k=2&stride=2")
    >>> setting.layer()
    Conv2d((1, 4, 4) -> (1, 2, 2), kernel 2x2, stride 2: 4 parameters, 16 connections)
    >>> setting.query()
    'dims=2&n=4&k=2&stride=2&padding=0&dilation=1&mode=zeros&transposed=0'
    >>> Setting(n=4, k=3, stride=2, padding="same").layer()
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: padding='same' is not supported with stride=(2, 2) ...
    """

    dims: int = 2
    n: int = 4
    k: int = 2
    stride: int = 2
    padding: int | str = 0
    dilation: int = 1
    mode: str = "zeros"
    transposed: bool = False
    in_channels: int = 1
    out_channels: int = 1
    groups: int = 1
    bias: bool = False

    def layer(self) -> Layer:
        """The symconv layer of this setting (raises symconv's error when it is refused)."""
        from symconv.conv import Conv1d, Conv2d
        from symconv.transposed import ConvTranspose1d, ConvTranspose2d

        if self.dims not in (1, 2):
            raise LayerConfigError(f"dims={self.dims!r} must be 1 or 2")
        common: dict[str, Any] = dict(
            stride=self.stride, padding=self.padding, dilation=self.dilation,
            groups=self.groups, bias=self.bias, padding_mode=self.mode,
        )
        shape = (self.in_channels, *(self.n,) * self.dims)
        kind = ((Conv1d, Conv2d), (ConvTranspose1d, ConvTranspose2d))[self.transposed]
        return kind[self.dims - 1](shape, self.out_channels, self.k, **common)

    def query(self) -> str:
        """The controls as a URL query string (the docs explorer's address of this layer)."""
        values = {name: getattr(self, name) for name in CONTROLS}
        values["transposed"] = int(self.transposed)
        return urlencode(values)

    @classmethod
    def from_query(cls, query: str) -> Setting:
        """The setting a URL query names; controls left out keep their defaults.

        Examples
        --------
        >>> Setting.from_query("?dims=1&n=5&padding=same&transposed=1")
        Setting(dims=1, n=5, k=2, stride=2, padding='same', dilation=1, mode='zeros', ...)
        >>> Setting.from_query("k=two")
        Traceback (most recent call last):
        ...
        symconv.errors.LayerConfigError: k='two' in the query must be an integer
        """
        values: dict[str, Any] = {}
        for name, text in parse_qsl(query.lstrip("?")):
            if name not in CONTROLS:
                raise LayerConfigError(
                    f"{name!r} in the query is not a control ({', '.join(CONTROLS)})"
                )
            if name == "mode" or (name == "padding" and text == "same"):
                values[name] = text
            elif text.lstrip("-").isdigit():
                values[name] = int(text)
            else:
                raise LayerConfigError(f"{name}={text!r} in the query must be an integer")
        if "transposed" in values:
            values["transposed"] = bool(values["transposed"])
        return cls(**values)

    @classmethod
    def from_layer(cls, layer: Layer) -> Setting:
        """The setting of a 1-D or 2-D (transposed) convolution with equal sizes on its axes.

        Examples
        --------
        >>> import symconv as sc
        >>> Setting.from_layer(sc.Conv2d((3, 8, 8), 4, 3, padding="same"))
        Setting(dims=2, n=8, k=3, stride=1, padding='same', dilation=1, mode='zeros', ...)
        >>> Setting.from_layer(sc.Dense(4, 2))
        Traceback (most recent call last):
        ...
        symconv.errors.LayerConfigError: the explorer starts from a Conv1d, Conv2d, ...
        """
        from symconv.conv import Conv1d, Conv2d
        from symconv.transposed import ConvTranspose1d, ConvTranspose2d

        if not isinstance(layer, Conv1d | Conv2d | ConvTranspose1d | ConvTranspose2d):
            raise LayerConfigError(
                "the explorer starts from a Conv1d, Conv2d, ConvTranspose1d or "
                f"ConvTranspose2d; got {layer.short_repr()}"
            )
        g: Any = layer.geometry
        transposed = isinstance(layer, ConvTranspose1d | ConvTranspose2d)
        if transposed:
            pads: Any = g.padding
            extra = {"output_padding": g.output_padding}
            mode = "zeros"
        else:
            same = getattr(layer, "_padding_arg", None) == "same"
            pads = "same" if same else tuple(lo if lo == hi else None for lo, hi in g.padding)
            extra = {"flip": (g.flip,), "connection_table": (g.table is not None,)}
            mode = g.padding_mode
        axes = {"input side": layer.in_shape[1:], "kernel_size": g.kernel, "stride": g.stride,
                "dilation": g.dilation, "padding": (pads,) if pads == "same" else pads}
        for name, values in axes.items():
            if len(set(values)) != 1 or None in values:
                raise LayerConfigError(
                    f"the explorer shows equal sizes on every axis; {layer.short_repr()} has "
                    f"{name} {values}"
                )
        for name, values in extra.items():
            if any(values):
                raise LayerConfigError(
                    f"the explorer has no {name} control; {layer.short_repr()} has {name} "
                    f"{values[0] if len(values) == 1 else values}"
                )
        return cls(
            dims=len(g.kernel), n=layer.in_shape[1], k=g.kernel[0], stride=g.stride[0],
            padding=axes["padding"][0], dilation=g.dilation[0], mode=mode,
            transposed=transposed, in_channels=layer.in_shape[0],
            out_channels=layer.out_shape[0], groups=g.groups, bias=layer.bias_shape is not None,
        )

    def replace(self, **changes: Any) -> Setting:
        """A copy with some controls changed.

        Examples
        --------
        >>> Setting().replace(stride=1).stride
        1
        """
        for name, value in changes.items():
            if name == "padding" and value == "same":
                continue
            if name not in ("mode", "transposed", "bias") and (
                isinstance(value, bool) or not isinstance(value, numbers.Integral)
            ):
                raise LayerConfigError(f"{name}={value!r} must be an integer")
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Cells:
    """The nonzero entries of a layer's matrix, sorted by row then column (C order).

    ``label`` is each entry as plain text (``str`` of the SymPy entry, a folded entry
    such as ``w_1 + w_3`` included); ``color`` the colour the figures give it
    (:class:`~symconv.plots.style.ParameterColors`: one per weight, grey for a sum).
    """

    row: np.ndarray
    col: np.ndarray
    label: list[str]
    color: list[str]

    def __len__(self) -> int:
        return len(self.row)


def matrix_cells(layer: Layer) -> Cells:
    """The nonzero entries of ``layer.matrix()`` with their labels and colours.

    Examples
    --------
    >>> import symconv as sc
    >>> cells = matrix_cells(sc.Conv1d((1, 3), 1, 3, padding=1, padding_mode="reflect"))
    >>> cells.row.tolist(), cells.col.tolist()
    ([0, 0, 1, 1, 1, 2, 2], [0, 1, 0, 1, 2, 1, 2])
    >>> cells.label[:2], cells.color[:2]
    (['w_2', 'w_1 + w_3'], ['#e69f00', '#3a3a3a'])
    """
    from symconv.plots.entries import entries_of
    from symconv.plots.style import distinct
    from symconv.symbolic import entry_values, rows_of_entries

    conn = layer.connectivity
    entries = entries_of(conn)
    rows = rows_of_entries(conn, entry_values(conn, layer._weight_symbols))
    keys = entries.key.tolist()
    palette = _palette(tuple(distinct(entries.key).tolist()))
    return Cells(
        entries.out_unit, entries.in_unit,
        [_text(rows[r][c]) for r, c in zip(entries.out_unit.tolist(), entries.in_unit.tolist(),
                                           strict=True)],
        [palette[key] for key in keys],
    )


@lru_cache(maxsize=4096)
def _text(entry: Any) -> str:
    """A matrix entry as plain text (printing a sum costs a millisecond: done once)."""
    return str(entry)


@lru_cache(maxsize=256)
def _palette(keys: tuple[int, ...]) -> dict[int, str]:
    """The figures' colour of each key, when exactly these keys are shown."""
    from matplotlib.colors import to_hex

    from symconv.plots.style import ParameterColors

    colors = ParameterColors.of(keys)
    return {key: to_hex(rgba) for key, rgba in zip(keys, colors.rgba(np.array(keys)),
                                                    strict=True)}


@dataclass(frozen=True)
class Counts:
    """Parameters and connections of a layer and of its untied and dense equivalents.

    ``local`` is ``None`` where symconv has no locally connected equivalent
    (transposed convolutions); symconv's locally connected layers pad with zeros.
    """

    layer: tuple[int, int]
    local: tuple[int, int] | None
    dense: tuple[int, int]


def layer_counts(layer: Layer, setting: Setting) -> Counts:
    """The counts the explorer shows for the layer of ``setting``.

    Examples
    --------
    >>> setting = Setting(dims=2, n=4, k=2, stride=2)
    >>> layer_counts(setting.layer(), setting)
    Counts(layer=(4, 16), local=(16, 16), dense=(64, 64))
    """
    from symconv.dense import Dense
    from symconv.local import LocallyConnected1d, LocallyConnected2d

    def pair(of: Layer) -> tuple[int, int]:
        return of.num_parameters, of.num_connections

    local = None
    if not setting.transposed and setting.groups == 1:
        kind = (LocallyConnected1d, LocallyConnected2d)[setting.dims - 1]
        local = pair(kind(layer.in_shape, layer.out_shape[0], setting.k, stride=setting.stride,
                          padding=setting.padding, dilation=setting.dilation,
                          bias=setting.bias))
    return Counts(pair(layer), local, pair(Dense(layer.n_in, layer.n_out, bias=setting.bias)))
