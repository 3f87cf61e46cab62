"""Short words for reprs: counts with their nouns and a sliding window's hyperparameters.

Part of the core (every layer's ``repr`` uses them), so the views can depend on the
layers and never the reverse.
"""

from __future__ import annotations

__all__ = ["counted", "describe_window"]


def counted(count: int, noun: str) -> str:
    """``count`` with thousands separators and ``noun``, plural unless the count is 1.

    Examples
    --------
    >>> counted(1, "parameter"), counted(138357544, "parameter")
    ('1 parameter', '138,357,544 parameters')
    """
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _axes_text(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def describe_window(
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    padding: object,
    padding_pairs: tuple[tuple[int, int], ...],
) -> list[str]:
    """Short words for a sliding window's non-default hyperparameters, for reprs.

    Examples
    --------
    >>> describe_window((2, 2), (2, 2), (1, 1), 0, ((0, 0), (0, 0)))
    ['kernel 2x2', 'stride 2']
    >>> describe_window((4,), (1,), (2,), "same", ((3, 3),))
    ['kernel 4', 'dilation 2', "padding 'same'"]
    """
    parts = ["kernel " + "x".join(map(str, kernel))]
    if any(s != 1 for s in stride):
        parts.append(f"stride {_axes_text(stride)}")
    if any(d != 1 for d in dilation):
        parts.append(f"dilation {_axes_text(dilation)}")
    if isinstance(padding, str):
        if padding != "valid":
            parts.append(f"padding {padding!r}")
    elif any(p != (0, 0) for p in padding_pairs):
        parts.append(f"padding {_axes_text(tuple(p[0] for p in padding_pairs))}")
    return parts
