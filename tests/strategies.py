"""Hypothesis strategies that draw VALID layer configurations, and small test helpers.

Every strategy returns the keyword arguments of a symconv layer as a dict (``in_shape``
first), chosen so that the layer exists: sizes are drawn after the hyperparameters,
large enough for the kernel's extent, the padding mode and the stride. Sizes stay
small (3-D smallest) so that the oracles run in milliseconds.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

PADDING_FORMS = ("int", "tuple", "valid", "same", "full")
MODES = ("zeros", "circular", "reflect", "replicate")

# Per spatial rank: largest kernel, stride, dilation, explicit padding, extra size
# beyond the minimum, channels per group and number of groups.
LIMITS = {
    1: dict(kernel=5, stride=3, dilation=3, pad=3, extra=8, per_group=3, groups=3),
    2: dict(kernel=4, stride=3, dilation=2, pad=2, extra=4, per_group=2, groups=3),
    3: dict(kernel=2, stride=2, dilation=2, pad=1, extra=2, per_group=2, groups=2),
}


def fewer_examples(cap: int) -> settings:
    """Settings that LOWER the active profile's example count to at most ``cap``.

    For tests whose examples are expensive (symbolic builds); never raises the count.
    """
    return settings(max_examples=min(settings().max_examples, cap), deadline=None)


def rng_from(seed: int) -> np.random.Generator:
    """A NumPy generator for the random weights and inputs of one example."""
    return np.random.default_rng(seed)


seeds = st.integers(0, 2**32 - 1)


def per_axis(draw: Any, dims: int, low: int, high: int) -> tuple[int, ...]:
    """A per-axis tuple of ints in ``[low, high]``."""
    return tuple(draw(st.integers(low, high)) for _ in range(dims))


def as_argument(draw: Any, values: tuple[int, ...]) -> int | tuple[int, ...]:
    """Present per-axis values as one int when they are all equal (sometimes), else a tuple."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return values


def _channels(draw: Any, limits: dict[str, int], grouped: bool) -> tuple[int, int, int]:
    groups = draw(st.integers(1, limits["groups"])) if grouped else 1
    in_channels = groups * draw(st.integers(1, limits["per_group"]))
    out_channels = groups * draw(st.integers(1, limits["per_group"]))
    return in_channels, out_channels, groups


def axes(value: int | tuple[int, ...], dims: int) -> tuple[int, ...]:
    """Broadcast a PyTorch-style int-or-tuple argument to one value per axis."""
    return (value,) * dims if isinstance(value, int) else tuple(value)


def pad_pairs(kwargs: dict[str, Any]) -> tuple[tuple[int, int], ...]:
    """(before, after) padding per axis that a layer's padding argument means.

    "valid" pads nothing, "full" pads ``dilation * (kernel - 1)`` on both sides and
    "same" splits that total with the odd element at the end (PyTorch's rule).
    """
    dims = len(kwargs["in_shape"]) - 1
    kernel, dilation = axes(kwargs["kernel_size"], dims), axes(kwargs["dilation"], dims)
    extents = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
    padding = kwargs["padding"]
    if padding == "valid":
        return ((0, 0),) * dims
    if padding == "same":
        return tuple((e // 2, e - e // 2) for e in extents)
    if padding == "full":
        return tuple((e, e) for e in extents)
    return tuple((p, p) for p in axes(padding, dims))


def _padding(draw: Any, form: str, dims: int, pad_max: int) -> object:
    """A padding argument of the given form."""
    if form == "int":
        return draw(st.integers(0, pad_max))
    if form == "tuple":
        return per_axis(draw, dims, 0, pad_max)
    return form


@st.composite
def conv_kwargs(
    draw: Any, dims: int, *, modes: tuple[str, ...] = MODES, grouped: bool = True
) -> dict[str, Any]:
    """Keyword arguments of a valid ``Conv{dims}d`` (every padding form and mode)."""
    limits = LIMITS[dims]
    in_channels, out_channels, groups = _channels(draw, limits, grouped)
    kernel = per_axis(draw, dims, 1, limits["kernel"])
    stride = per_axis(draw, dims, 1, limits["stride"])
    dilation = per_axis(draw, dims, 1, limits["dilation"])
    mode = draw(st.sampled_from(modes))
    forms = [f for f in PADDING_FORMS if f != "same" or set(stride) == {1}]
    form = draw(st.sampled_from(forms))
    padding = _padding(draw, form, dims, limits["pad"])
    pairs = pad_pairs({"in_shape": (1,) * (dims + 1), "kernel_size": kernel,
                       "dilation": dilation, "padding": padding})
    spatial = []
    for k, d, (lo, hi) in zip(kernel, dilation, pairs, strict=True):
        least = max(1, d * (k - 1) + 1 - lo - hi)
        if mode == "reflect":
            least = max(least, max(lo, hi) + 1)
        elif mode == "circular":
            least = max(least, lo, hi)
        spatial.append(draw(st.integers(least, least + limits["extra"])))
    return {
        "in_shape": (in_channels, *spatial),
        "out_channels": out_channels,
        "kernel_size": as_argument(draw, kernel),
        "stride": as_argument(draw, stride),
        "padding": padding,
        "dilation": as_argument(draw, dilation),
        "groups": groups,
        "bias": draw(st.booleans()),
        "padding_mode": mode,
        "flip": draw(st.booleans()),
    }


@st.composite
def transposed_kwargs(draw: Any, dims: int) -> dict[str, Any]:
    """Keyword arguments of a valid ``ConvTranspose{dims}d``."""
    limits = LIMITS[dims]
    in_channels, out_channels, groups = _channels(draw, limits, True)
    kernel = per_axis(draw, dims, 1, limits["kernel"])
    stride = per_axis(draw, dims, 1, limits["stride"])
    dilation = per_axis(draw, dims, 1, limits["dilation"])
    output_padding = tuple(
        draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
    )
    spatial = per_axis(draw, dims, 1, 1 + limits["extra"])
    padding = tuple(  # the output keeps at least one position
        draw(st.integers(0, min(limits["pad"], ((n - 1) * s + d * (k - 1) + op) // 2)))
        for n, k, s, d, op in zip(spatial, kernel, stride, dilation, output_padding, strict=True)
    )
    return {
        "in_shape": (in_channels, *spatial),
        "out_channels": out_channels,
        "kernel_size": as_argument(draw, kernel),
        "stride": as_argument(draw, stride),
        "padding": as_argument(draw, padding),
        "output_padding": as_argument(draw, output_padding),
        "groups": groups,
        "bias": draw(st.booleans()),
        "dilation": as_argument(draw, dilation),
    }


@st.composite
def pool_kwargs(draw: Any, dims: int) -> dict[str, Any]:
    """Keyword arguments of a valid ``AvgPool{dims}d``."""
    kernel = per_axis(draw, dims, 1, 4)
    stride = None if draw(st.booleans()) else per_axis(draw, dims, 1, 4)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    ceil_mode = draw(st.booleans())
    spatial = []
    for k, s, p in zip(kernel, stride or kernel, padding, strict=True):
        # with ceil_mode a window may overhang the padded input by up to stride - 1
        least = max(1, k - 2 * p - (s - 1 if ceil_mode else 0))
        spatial.append(draw(st.integers(least, least + 6)))
    return {
        "in_shape": (draw(st.integers(1, 3)), *spatial),
        "kernel_size": as_argument(draw, kernel),
        "stride": None if stride is None else as_argument(draw, stride),
        "padding": as_argument(draw, padding),
        "ceil_mode": ceil_mode,
        "count_include_pad": draw(st.booleans()),
    }


@st.composite
def local_kwargs(draw: Any, dims: int) -> dict[str, Any]:
    """Keyword arguments of a valid ``LocallyConnected{dims}d`` (zero padding, no groups)."""
    kwargs = draw(conv_kwargs(dims, modes=("zeros",), grouped=False))
    del kwargs["groups"], kwargs["padding_mode"], kwargs["flip"]
    return kwargs


@st.composite
def tiled_kwargs(draw: Any, dims: int) -> dict[str, Any]:
    """Keyword arguments of a valid ``TiledConv{dims}d``: tiles up to the output size."""
    import symconv as sc

    kwargs = draw(local_kwargs(dims))
    local = (sc.LocallyConnected1d if dims == 1 else sc.LocallyConnected2d)(**kwargs)
    tiles = tuple(draw(st.integers(1, n)) for n in local.out_shape[1:])
    return {**kwargs, "tiles": as_argument(draw, tiles)}


@st.composite
def subsample_kwargs(draw: Any) -> dict[str, Any]:
    """Keyword arguments of a valid ``Subsample2d``."""
    kernel = per_axis(draw, 2, 1, 3)
    stride = None if draw(st.booleans()) else per_axis(draw, 2, 1, 3)
    spatial = tuple(draw(st.integers(k, k + 5)) for k in kernel)
    return {
        "in_shape": (draw(st.integers(1, 3)), *spatial),
        "kernel_size": as_argument(draw, kernel),
        "stride": None if stride is None else as_argument(draw, stride),
        "bias": draw(st.booleans()),
    }


@st.composite
def dense_kwargs(draw: Any) -> dict[str, Any]:
    """Keyword arguments of a ``Dense`` layer; the input is an int or a shape."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    features = math.prod(shape) if len(shape) == 1 and draw(st.booleans()) else shape
    return {
        "in_shape_or_features": features,
        "out_features": draw(st.integers(1, 6)),
        "bias": draw(st.booleans()),
    }


@st.composite
def connection_tables(draw: Any, out_channels: int, in_channels: int) -> list[list[bool]]:
    """A boolean (C_out, C_in) table, each row as a list."""
    return [
        [draw(st.booleans()) for _ in range(in_channels)] for _ in range(out_channels)
    ]


@st.composite
def table_conv_kwargs(draw: Any) -> dict[str, Any]:
    """Keyword arguments of a valid ``Conv2d`` with a connection table (no groups)."""
    kwargs = draw(conv_kwargs(2, grouped=False))
    table = draw(connection_tables(kwargs["out_channels"], kwargs["in_shape"][0]))
    return {**kwargs, "connection_table": table}


def layers(max_dims: int = 3) -> st.SearchStrategy[Any]:
    """A valid layer of any family: convolutions (every mode), transposed, dense,
    locally connected, tiled, average pooling and subsampling."""
    import symconv as sc

    conv = {1: sc.Conv1d, 2: sc.Conv2d, 3: sc.Conv3d}
    transposed = {1: sc.ConvTranspose1d, 2: sc.ConvTranspose2d, 3: sc.ConvTranspose3d}
    families = []
    for dims in range(1, max_dims + 1):
        families.append(conv_kwargs(dims).map(lambda k, d=dims: conv[d](**k)))
        families.append(transposed_kwargs(dims).map(lambda k, d=dims: transposed[d](**k)))
    families += [
        table_conv_kwargs().map(lambda k: sc.Conv2d(**k)),
        dense_kwargs().map(lambda k: sc.Dense(**k)),
        local_kwargs(1).map(lambda k: sc.LocallyConnected1d(**k)),
        local_kwargs(2).map(lambda k: sc.LocallyConnected2d(**k)),
        tiled_kwargs(1).map(lambda k: sc.TiledConv1d(**k)),
        tiled_kwargs(2).map(lambda k: sc.TiledConv2d(**k)),
        pool_kwargs(1).map(lambda k: sc.AvgPool1d(**k)),
        pool_kwargs(2).map(lambda k: sc.AvgPool2d(**k)),
        subsample_kwargs().map(lambda k: sc.Subsample2d(**k)),
    ]
    return st.one_of(families)
