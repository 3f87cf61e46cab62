"""``explore(layer)``: the docs explorer's controls in a notebook, computed live by symconv.

Needs ipywidgets (``pip install 'symconv[notebook]'``), imported only when called.
Each move of a control builds the layer again with symconv and redraws its matrix
(its corners when large), its connectivity diagram and its counts; a setting
symconv refuses shows symconv's message in place of the drawing.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from symconv.errors import SymconvError
from symconv.geometry import PADDING_MODES
from symconv.playground import SITE_RANGES, Setting, layer_counts, matrix_cells

if TYPE_CHECKING:
    from symconv.layer import Layer

__all__ = ["MAX_COLORED_CONNECTIONS", "Explorer", "explore", "matrix_html"]

MAX_COLORED_CONNECTIONS = 20_000
"""Larger layers show their matrix entries without the weights' colours."""


def _widgets() -> Any:
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(
            "symconv.explore needs ipywidgets; install it with "
            "pip install 'symconv[notebook]'"
        ) from None
    return ipywidgets


def explore(layer: Layer | None = None) -> Explorer:
    """Sliders for a convolution's settings, showing its matrix, diagram and counts live.

    ``layer`` is a ``Conv1d``, ``Conv2d``, ``ConvTranspose1d`` or ``ConvTranspose2d``
    with equal sizes along its axes (default: the canonical 4x4 input, 2x2 kernel,
    stride 2); its channels, groups and bias stay as they are. The layer the controls
    pick is ``explorer.layer`` (``None`` while symconv refuses the setting).

    Examples
    --------
    >>> import symconv as sc
    >>> explorer = sc.explore(sc.Conv1d((1, 5), 1, 3, bias=False))
    >>> explorer.controls["stride"].value = 2
    >>> explorer.layer
    Conv1d((1, 5) -> (1, 2), kernel 3, stride 2: 3 parameters, 6 connections)
    >>> explorer.controls["k"].value = 5
    >>> explorer.controls["stride"].value = 1
    >>> explorer.controls["dilation"].value = 2
    >>> explorer.layer is None, explorer.error
    (True, 'LayerConfigError: kernel_size=5 with dilation=2 (extent 9) is larger than ...')
    """
    return Explorer(Setting() if layer is None else Setting.from_layer(layer))


class Explorer:
    """The widget of :func:`explore`: controls above the layer they pick.

    Display it (it is the last value of a notebook cell) or use :attr:`widget`.
    """

    def __init__(self, setting: Setting) -> None:
        widgets = _widgets()
        self.setting = setting
        """The current position of the controls."""
        self.layer: Layer | None = None
        """The layer the controls pick, or ``None`` when symconv refuses it."""
        self.error: str | None = None
        """symconv's message when it refuses the setting, else ``None``."""
        self.controls: dict[str, Any] = _controls(widgets, setting)
        """The control widgets by name (the keys of the docs explorer's URL query)."""
        self.view = widgets.HTML()
        """The drawing: the layer, its counts, its matrix and its diagram (HTML)."""
        self.widget = widgets.VBox([widgets.HBox(list(self.controls.values()),
                                                 layout=widgets.Layout(flex_flow="row wrap")),
                                    self.view])
        """The whole explorer, one ipywidgets box."""
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self._move(name, change["new"]), "value")
        self._update()

    def _move(self, name: str, value: Any) -> None:
        self.setting = self.setting.replace(**{name: value})
        self._update()

    def _update(self) -> None:
        try:
            layer = self.setting.layer()
        except SymconvError as error:
            self.layer, self.error = None, f"{type(error).__name__}: {error}"
            self.view.value = (
                '<p class="symconv-refused" style="color:#b00020">symconv (and PyTorch) refuse '
                f"this layer:<br><code>{html.escape(self.error)}</code></p>"
            )
            return
        self.layer, self.error = layer, None
        self.view.value = _layer_html(layer, self.setting)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _controls(widgets: Any, setting: Setting) -> dict[str, Any]:
    """One widget per control, with the site's ranges stretched to include ``setting``."""

    def slider(name: str, description: str) -> Any:
        value = getattr(setting, name)
        values = SITE_RANGES[name]
        return widgets.IntSlider(value=value, min=min(values[0], value),
                                 max=max(values[-1], value), description=description,
                                 continuous_update=False)

    pads = sorted({*(p for p in SITE_RANGES["padding"] if p != "same"),
                   *([setting.padding] if setting.padding != "same" else [])})
    return {
        "dims": widgets.ToggleButtons(options=[("1-D", 1), ("2-D", 2)], value=setting.dims,
                                      description="Dimensions"),
        "transposed": widgets.ToggleButtons(options=[("ordinary", False), ("transposed", True)],
                                            value=setting.transposed, description="Kind"),
        "n": slider("n", "Input side"),
        "k": slider("k", "Kernel"),
        "stride": slider("stride", "Stride"),
        "padding": widgets.Dropdown(options=[*pads, "same"], value=setting.padding,
                                    description="Padding"),
        "dilation": slider("dilation", "Dilation"),
        "mode": widgets.Dropdown(options=list(PADDING_MODES), value=setting.mode,
                                 description="Padding mode"),
    }


MAX_DRAWN_CONNECTIONS = 1_000
"""Layers with more weight connections are shown without the connectivity diagram."""


def connectivity_svg(layer: Layer) -> str | None:
    """The connectivity diagram as SVG text, or ``None`` for a layer too big to draw quickly.

    Drawn off-screen, so no figure is left open in pyplot.

    Examples
    --------
    >>> import symconv as sc
    >>> svg = connectivity_svg(sc.Conv1d((1, 4), 1, 2))
    >>> svg.startswith("<?xml") and "</svg>" in svg
    True
    >>> connectivity_svg(sc.Dense(100, 100)) is None
    True
    """
    if layer.num_weight_connections > MAX_DRAWN_CONNECTIONS:
        return None
    import io

    from symconv.exporting import save_figure
    from symconv.plots import plot_connectivity
    from symconv.plots.figures import off_screen
    from symconv.plots.style import figure_style

    buffer = io.BytesIO()
    with figure_style(), off_screen():
        ax = plot_connectivity(layer)
        save_figure(ax.figure, buffer, "svg")
    return buffer.getvalue().decode("utf-8")


def _layer_html(layer: Layer, setting: Setting) -> str:
    counts = layer_counts(layer, setting)
    rows = [("this layer", counts.layer), ("locally connected", counts.local),
            ("dense", counts.dense)]
    table = "".join(
        f"<tr><th>{name}</th>" + "".join(
            f"<td>{value:,}</td>" if pair else "<td>—</td>" for value in (pair or (0, 0))
        ) + "</tr>"
        for name, pair in rows
    )
    svg = connectivity_svg(layer)
    diagram = svg[svg.index("<svg"):] if svg else (
        f"<p>(diagram left out: {layer.num_weight_connections:,} connections)</p>"
    )
    return (
        f"<p><code>{html.escape(repr(layer))}</code></p>"
        "<table><tr><th></th><th>parameters</th><th>connections</th></tr>"
        f"{table}</table>{matrix_html(layer)}{diagram}"
    )


def matrix_html(layer: Layer, max_rows: int = 24, max_cols: int = 24) -> str:
    """The matrix as an HTML table, its corners when large, cells coloured by weight.

    Each nonzero cell carries ``data-row``, ``data-col`` (0-based) and ``data-weight``,
    as in the docs explorer.

    Examples
    --------
    >>> import symconv as sc
    >>> text = matrix_html(sc.Conv1d((1, 3), 1, 2))
    >>> text.count("data-weight"), 'data-row="1" data-col="2" data-weight="w_2"' in text
    (4, True)
    """
    from symconv.display import visible_window

    rows, cols, entries = visible_window(layer, max_rows, max_cols)
    colors: dict[tuple[int, int], str] = {}
    if layer.num_weight_connections <= MAX_COLORED_CONNECTIONS:
        cells = matrix_cells(layer)
        colors = dict(zip(zip(cells.row.tolist(), cells.col.tolist(), strict=True), cells.color,
                          strict=True))
    lines = []
    for r in rows:
        line = []
        for c in cols:
            if r is None or c is None:
                line.append("<td>⋱</td>" if r is None and c is None else
                            "<td>⋮</td>" if r is None else "<td>⋯</td>")
            elif c in entries.get(r, {}):
                label = html.escape(str(entries[r][c]))
                color = colors.get((r, c))
                style = f' style="background:{color};color:{_ink_on(color)}"' if color else ""
                line.append(f'<td data-row="{r}" data-col="{c}" data-weight="{label}"{style}>'
                            f"{label}</td>")
            else:
                line.append('<td style="color:#aaa">0</td>')
        lines.append("<tr>" + "".join(line) + "</tr>")
    return ('<table class="symconv-matrix" style="font-size:80%;border-collapse:collapse">'
            + "".join(lines) + "</table>")


def _ink_on(color: str) -> str:
    """Black or white text on a cell of ``color``, as the figures choose it."""
    import numpy as np
    from matplotlib.colors import to_rgba

    from symconv.plots.style import text_color_on

    return str(text_color_on(np.array([to_rgba(color)]))[0])
