"""A network's summary table: shapes, counts and receptive fields, layer by layer.

Every figure comes from the layers' counts (closed forms from the factored
structure) and the analytic receptive fields, so a summary of VGG-16 at
224x224 builds no array. The table prints as text, renders as HTML in a
notebook and exports to Markdown and to LaTeX (booktabs).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from symconv.errors import LayerConfigError
from symconv.layer import Layer
from symconv.receptive import AxisField, analytic_fields, check_chain

__all__ = ["Summary", "SummaryRow"]

HEADERS = (
    "#", "layer", "in {arrow} out", "parameters", "connections", "dense equiv.", "sharing",
    "density", "RF",
)
"""Column titles; ``RF`` is the size of the receptive field in input units, per axis."""
NUMERIC = (True, False, False, True, True, True, True, True, True)
"""Which columns hold numbers (right-aligned)."""
COUNTINGS = ("all", "paper")
"""Ways to count connections: every nonzero entry (and bias), or only trainable ones."""


@dataclass(frozen=True)
class SummaryRow:
    """One layer's line of the summary.

    Examples
    --------
    >>> import symconv as sc
    >>> row = sc.Sequential(sc.Conv1d((1, 6), 1, 3)).summary().rows[0]
    >>> row.name, row.parameters, row.connections, row.receptive_field
    ('Conv1d', 4, 16, (3,))
    """

    index: int
    """Position in the network, from 1."""
    name: str
    """The layer's class name."""
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    parameters: int
    connections: int
    dense_parameters: int
    """Parameters a dense layer between the same shapes would need (0 if parameter-free)."""
    sharing_factor: float | None
    """Weight connections per weight (``None`` without weights)."""
    density: float
    """Fraction of the (pattern) matrix's entries that are nonzero."""
    receptive_field: tuple[int, ...] | None
    """Analytic receptive-field size per input axis after this layer (``None``: n/a)."""

    @classmethod
    def of(cls, index: int, layer: Layer, field: tuple[AxisField, ...] | None,
           *, connections: str = "all") -> SummaryRow:
        """The row of one layer, given its cumulative analytic field.

        ``connections="paper"`` counts only the connections that carry a trainable
        parameter, as LeCun et al. (1998) do: a layer without parameters (an
        activation, max pooling) then has none.

        Examples
        --------
        >>> import symconv as sc
        >>> SummaryRow.of(1, sc.ReLU(3), None).connections
        3
        >>> SummaryRow.of(1, sc.ReLU(3), None, connections="paper").connections
        0
        """
        counted = layer.num_connections if connections == "all" or layer.num_parameters else 0
        return cls(
            index, type(layer).__name__, layer.in_shape, layer.out_shape,
            layer.num_parameters, counted, layer.dense_parameters,
            layer.sharing_factor, layer.density,
            None if field is None else tuple(f.size for f in field),
        )


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _cells(row: SummaryRow, arrow: str, times: str, percent: str) -> list[str]:
    field = "-" if not row.receptive_field else times.join(map(str, row.receptive_field))
    return [
        str(row.index),
        row.name,
        f"{_shape(row.in_shape)} {arrow} {_shape(row.out_shape)}",
        f"{row.parameters:,}",
        f"{row.connections:,}",
        f"{row.dense_parameters:,}",
        "-" if row.sharing_factor is None else f"{row.sharing_factor:,.1f}",
        f"{100 * row.density:.3g}{percent}",
        field,
    ]


@dataclass(frozen=True)
class Summary:
    """The summary table of a network (see :meth:`symconv.Sequential.summary`).

    Examples
    --------
    >>> import symconv as sc
    >>> table = sc.lenet5().summary()
    >>> table.total_parameters, table.rows[0].connections, table.rows[4].receptive_field
    (60850, 122304, (14, 14))
    """

    rows: tuple[SummaryRow, ...]

    @classmethod
    def of(cls, layers: Sequence[Layer], *, connections: str = "all") -> Summary:
        """The summary of a chain of layers that join up.

        Parameters
        ----------
        layers : sequence of Layer
            The layers, each reading the shape the one before writes.
        connections : {"all", "paper"}
            How connections are counted. ``"all"``: every nonzero entry of each
            layer's matrix plus one per biased output unit (``num_connections``), so
            an activation counts one connection per unit. ``"paper"``: only the
            connections that carry a trainable parameter, the way LeCun et al. (1998)
            count LeNet-5's 340,908 connections; parameter-free layers count none.

        Examples
        --------
        >>> import symconv as sc
        >>> Summary.of([sc.Dense(4, 3), sc.Dense(3, 2)]).total_parameters
        23
        >>> net = sc.lenet5()
        >>> Summary.of(net.layers).total_connections
        349002
        >>> Summary.of(net.layers, connections="paper").total_connections
        340918
        """
        if not isinstance(connections, str) or connections not in COUNTINGS:
            raise LayerConfigError(
                f"connections={connections!r} is not one of {', '.join(map(repr, COUNTINGS))}"
            )
        check_chain(layers)
        fields = analytic_fields(layers)
        return cls(tuple(
            SummaryRow.of(i, layer, field, connections=connections)
            for i, (layer, field) in enumerate(zip(layers, fields, strict=True), start=1)
        ))

    @property
    def total_parameters(self) -> int:
        """Parameters of the whole network."""
        return sum(row.parameters for row in self.rows)

    @property
    def total_connections(self) -> int:
        """Connections of the whole network."""
        return sum(row.connections for row in self.rows)

    @property
    def total_dense_parameters(self) -> int:
        """Parameters if every layer with parameters were dense."""
        return sum(row.dense_parameters for row in self.rows)

    def _table(
        self, arrow: str = "->", times: str = "x", percent: str = "%"
    ) -> tuple[list[str], list[list[str]], list[str]]:
        """Header cells, body cells and the totals line."""
        headers = [h.format(arrow=arrow) for h in HEADERS]
        body = [_cells(row, arrow, times, percent) for row in self.rows]
        total = ["", "total", "", f"{self.total_parameters:,}", f"{self.total_connections:,}",
                 f"{self.total_dense_parameters:,}", "", "", ""]
        return headers, body, total

    def __str__(self) -> str:
        headers, body, total = self._table()
        lines = [headers, *body, total]
        widths = [max(len(line[j]) for line in lines) for j in range(len(HEADERS))]
        return "\n".join(
            "  ".join(
                cell.rjust(w) if numeric else cell.ljust(w)
                for cell, w, numeric in zip(line, widths, NUMERIC, strict=True)
            ).rstrip()
            for line in lines
        )

    __repr__ = __str__

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:
        printer.text(str(self))  # type: ignore[attr-defined]

    def _repr_html_(self) -> str:
        headers, body, total = self._table(arrow="\u2192", times="\u00d7")

        def _line(cells: Sequence[str], tag: str) -> str:
            return "<tr>" + "".join(
                f'<{tag} style="text-align: {"right" if numeric else "left"}">'
                f"{html.escape(cell)}</{tag}>"
                for cell, numeric in zip(cells, NUMERIC, strict=True)
            ) + "</tr>"

        rows = "\n".join(_line(cells, "td") for cells in body)
        return (
            '<table class="symconv-summary">\n'
            f"<thead>{_line(headers, 'th')}</thead>\n<tbody>\n{rows}\n</tbody>\n"
            f"<tfoot>{_line(total, 'th')}</tfoot>\n</table>"
        )

    def to_markdown(self) -> str:
        """The table in Markdown (GitHub's pipe tables), totals as the last row.

        Examples
        --------
        >>> import symconv as sc
        >>> print(sc.Sequential(sc.Conv1d((1, 4), 1, 2)).summary().to_markdown())
        | # | layer | in → out | parameters | connections | dense equiv. | sharing | density | RF |
        |--:|:--|:--|--:|--:|--:|--:|--:|--:|
        | 1 | Conv1d | (1, 4) → (1, 3) | 3 | 9 | 15 | 3.0 | 50% | 2 |
        |  | **total** |  | 3 | 9 | 15 |  |  |  |
        """
        headers, body, total = self._table(arrow="\u2192", times="\u00d7")
        total[1] = "**total**"
        align = "|" + "|".join("--:" if numeric else ":--" for numeric in NUMERIC) + "|"
        lines = [headers, *body, total]
        text = ["| " + " | ".join(cells) + " |" for cells in lines]
        return "\n".join([text[0], align, *text[1:]])

    def to_latex(self) -> str:
        r"""The table as a LaTeX ``tabular`` with booktabs rules (``\usepackage{booktabs}``).

        Examples
        --------
        >>> import symconv as sc
        >>> print(sc.Sequential(sc.Conv1d((1, 4), 1, 2)).summary().to_latex())
        \begin{tabular}{rllrrrrrr}
        \toprule
        \# & layer & in $\to$ out & parameters & connections & ... & RF \\
        \midrule
        1 & Conv1d & (1, 4) $\to$ (1, 3) & 3 & 9 & 15 & 3.0 & 50\% & 2 \\
        \midrule
         & total &  & 3 & 9 & 15 &  &  &  \\
        \bottomrule
        \end{tabular}
        """
        headers, body, total = self._table(arrow=r"$\to$", times=r"$\times$", percent=r"\%")
        headers[0] = r"\#"
        spec = "".join("r" if numeric else "l" for numeric in NUMERIC)
        lines = [
            rf"\begin{{tabular}}{{{spec}}}", r"\toprule", " & ".join(headers) + r" \\",
            r"\midrule", *(" & ".join(cells) + r" \\" for cells in body), r"\midrule",
            " & ".join(total) + r" \\", r"\bottomrule", r"\end{tabular}",
        ]
        return "\n".join(lines)
