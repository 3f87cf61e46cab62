"""The nonzero matrix entries a figure draws, each with one colour key, from the core arrays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from symconv.connectivity import Connectivity
from symconv.plots.labels import value_label
from symconv.plots.style import FOLDED
from symconv.symbolic import entry_values, rows_of_entries

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = [
    "Entries",
    "entries_of",
    "entry_texts",
    "joined",
    "matrix_entries",
    "row_connections",
]


@dataclass(frozen=True)
class Entries:
    """Distinct ``(output, input)`` nonzeros, sorted, each keyed by what colours it.

    The key is the weight's parameter index, :data:`~symconv.plots.style.FIXED`
    for a parameter-free entry (pooling) or :data:`~symconv.plots.style.FOLDED`
    for an entry that sums several connections.
    """

    out_unit: np.ndarray
    in_unit: np.ndarray
    key: np.ndarray
    connections: Connectivity
    """The connections the entries come from (several per folded entry)."""

    def __len__(self) -> int:
        return len(self.out_unit)

    def where(self, keep: np.ndarray) -> Entries:
        """The entries where the boolean mask ``keep`` holds."""
        return Entries(self.out_unit[keep], self.in_unit[keep], self.key[keep], self.connections)


def matrix_entries(layer: Layer, units: np.ndarray | None = None) -> Entries:
    """The nonzeros of all rows of ``layer``'s matrix, or of the given output units only.

    Examples
    --------
    >>> import symconv as sc
    >>> entries = matrix_entries(sc.Conv1d((1, 3), 1, 3, padding=1, padding_mode="reflect"))
    >>> entries.in_unit[:2].tolist(), entries.key[:2].tolist()
    ([0, 1], [1, -2])
    """
    conn = layer.connectivity if units is None else layer.structure.select(
        np.asarray(units, dtype=np.int64).tolist()
    )
    return entries_of(conn)


def entries_of(conn: Connectivity) -> Entries:
    """The distinct nonzeros of some connections, folded taps merged into one entry.

    Examples
    --------
    >>> import symconv as sc
    >>> len(entries_of(sc.Conv1d((1, 5), 1, 3).connectivity))
    9
    """
    flat = conn.out_unit * conn.n_in + conn.in_unit
    distinct, first, counts = np.unique(flat, return_index=True, return_counts=True)
    key = np.where(counts > 1, FOLDED, conn.param[first])
    return Entries(distinct // conn.n_in, distinct % conn.n_in, key, conn)


def row_connections(
    layer: Layer, unit: int, in_unit: np.ndarray, param: np.ndarray, divisor: np.ndarray | None
) -> Connectivity:
    """One output unit's row (from ``layer.structure.row(unit)``) as a :class:`Connectivity`."""
    out_unit = np.full(len(in_unit), unit, dtype=np.int64)
    return Connectivity(out_unit, in_unit, param, divisor, layer.n_out, layer.n_in,
                        layer.structure.folded)


def joined(layer: Layer, parts: list[Connectivity]) -> Connectivity:
    """Connections of several rows of ``layer``, one after the other.

    Examples
    --------
    >>> import symconv as sc
    >>> layer = sc.Conv1d((1, 4), 1, 2)
    >>> rows = [row_connections(layer, u, *layer.structure.row(u)) for u in (0, 2)]
    >>> joined(layer, rows).in_unit.tolist()
    [0, 1, 2, 3]
    """
    empty = np.zeros(0, dtype=np.int64)
    divisors = [p.divisor for p in parts if p.divisor is not None]
    return Connectivity(
        np.concatenate([p.out_unit for p in parts] or [empty]),
        np.concatenate([p.in_unit for p in parts] or [empty]),
        np.concatenate([p.param for p in parts] or [empty]),
        np.concatenate(divisors) if divisors else None, layer.n_out, layer.n_in,
        layer.structure.folded,
    )


def entry_texts(layer: Layer, entries: Entries) -> list[str]:
    """Each entry's value as mathtext (``$w_{1,1}$``, ``$w_{1} + w_{3}$``, ``$1 / 4$``).

    Costs in proportion to the entries asked for (plus the layer's weight symbols).

    Examples
    --------
    >>> import symconv as sc
    >>> pool = sc.AvgPool1d((1, 4), 2)
    >>> entry_texts(pool, matrix_entries(pool))[:2]
    ['$1 / 2$', '$1 / 2$']
    """
    conn = entries.connections
    asked = np.isin(conn.out_unit * conn.n_in + conn.in_unit,
                    entries.out_unit * conn.n_in + entries.in_unit)
    conn = conn.where(asked)
    rows = rows_of_entries(conn, entry_values(conn, layer._weight_symbols))
    return [
        value_label(rows[r][c])
        for r, c in zip(entries.out_unit.tolist(), entries.in_unit.tolist(), strict=True)
    ]
