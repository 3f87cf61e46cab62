"""Where figures come from: pyplot for the user, off-screen canvases for files.

With ``ax=None`` a plot function makes its figure through pyplot, as pandas and
seaborn do: it shows inline in Jupyter and IPython and in ``plt.show()`` windows,
and ``plt.savefig`` finds it. Exports and the command line draw inside
:func:`off_screen`, where figures are bare :class:`~matplotlib.figure.Figure`
objects with an Agg canvas that pyplot never sees (nothing to close, nothing leaks).
:func:`plot_function` gives every public plot function the same argument checks
and its ``style=`` option.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from symconv.errors import SizeLimitError, SymconvError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "MAX_ROW_READS",
    "axes_size",
    "check_drawable",
    "checked_dpi",
    "fit_canvas",
    "new_axes",
    "new_figure",
    "off_screen",
    "plot_function",
    "root_figure",
]

_OFF_SCREEN: ContextVar[bool] = ContextVar("symconv_off_screen", default=False)

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def off_screen() -> Iterator[None]:
    """Within this context, plot functions draw into figures pyplot does not manage.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with off_screen():
    ...     figure = new_figure((2, 1))
    >>> figure.number if hasattr(figure, "number") else "not in pyplot"
    'not in pyplot'
    """
    token = _OFF_SCREEN.set(True)
    try:
        yield
    finally:
        _OFF_SCREEN.reset(token)


def new_figure(size: tuple[float, float]) -> Figure:
    """A figure of ``size`` inches with constrained layout: through pyplot, or off-screen.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> figure = new_figure((4, 3))
    >>> figure in [plt.figure(n) for n in plt.get_fignums()]
    True
    >>> plt.close(figure)
    """
    import matplotlib
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    grow = max(1.0, float(matplotlib.rcParams["font.size"]) / 10.0)  # room for larger text
    size = (size[0] * grow, size[1] * grow)
    layout = ConstrainedLayoutEngine(w_pad=0.08, h_pad=0.1)
    if _OFF_SCREEN.get():
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=size, layout=layout)
        FigureCanvasAgg(figure)
        return figure
    import matplotlib.pyplot as plt

    return plt.figure(figsize=size, layout=layout)


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure of ``size`` inches (see :func:`new_figure`).

    Examples
    --------
    >>> with off_screen():
    ...     ax = new_axes(None, (4, 3))
    >>> ax.figure.get_size_inches().tolist()
    [4.0, 3.0]
    """
    if ax is not None:
        return ax
    return new_figure(size).add_subplot()


def root_figure(ax: Axes) -> Figure:
    """The top-level figure ``ax`` belongs to (through any subfigures).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> root_figure(ax) is ax.figure
    True
    """
    from matplotlib.figure import Figure

    figure: Any = ax.figure
    while not isinstance(figure, Figure):
        figure = figure.figure
    return figure


def axes_size(ax: Axes) -> tuple[float, float]:
    """Width and height of ``ax`` in points, before any layout engine runs.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure(figsize=(4, 3)).add_subplot()
    >>> [round(v) for v in axes_size(ax)]
    [223, 166]
    """
    box = ax.get_position()
    width, height = root_figure(ax).get_size_inches()
    return 72 * box.width * float(width), 72 * box.height * float(height)


def fit_canvas(figure: Figure, pad: float = 0.15) -> None:
    """Fit the canvas to what is drawn: nothing outside it, ``pad`` inches of margin.

    The figure is laid out (two passes of its layout engine, without drawing), its
    layout is then frozen and the canvas grown or cut on each side to the drawn
    extent, each axes and
    figure-level text keeping its place on the page. So the figure shows whole
    wherever it is saved (``plt.savefig`` without ``bbox_inches``, an export, a
    notebook) and keeps no empty margins.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(2, 1))
    >>> _ = figure.add_subplot().set_title("a title far too long for such a small figure")
    >>> fit_canvas(figure)
    >>> float(figure.get_size_inches()[0]) > 2
    True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(figure.canvas, "get_renderer"):
        FigureCanvasAgg(figure)
    engine = figure.get_layout_engine()
    with warnings.catch_warnings():
        # where the layout gives up (a canvas too small for large fonts), the cut
        # below still fits the canvas to what is drawn
        warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
        if engine is not None:  # constrained layout settles in two passes
            engine.execute(figure)
            engine.execute(figure)
    figure.set_layout_engine("none")
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    box = figure.get_tightbbox(renderer)
    width, height = (float(v) for v in figure.get_size_inches())
    left, bottom = box.x0 - pad, box.y0 - pad
    new_width, new_height = box.width + 2 * pad, box.height + 2 * pad
    for ax in figure.axes:
        x0, y0, w, h = ax.get_position().bounds
        ax.set_position(((x0 * width - left) / new_width, (y0 * height - bottom) / new_height,
                         w * width / new_width, h * height / new_height))
    for text in figure.texts:
        x, y = text.get_position()
        text.set_position(((x * width - left) / new_width, (y * height - bottom) / new_height))
    figure.set_size_inches(new_width, new_height)


def checked_dpi(dpi: Any) -> float:
    """``dpi`` as a float once it is a resolution a figure can be drawn at (20 to 1200).

    Examples
    --------
    >>> checked_dpi(200)
    200.0
    >>> checked_dpi(1)
    Traceback (most recent call last):
    ...
    symconv.errors.SymconvError: dpi=1 must be a number from 20 to 1200
    """
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not 20 <= dpi <= 1200:
        raise SymconvError(f"dpi={dpi!r} must be a number from 20 to 1200")
    return float(dpi)


def _check_ax(name: str, ax: Any) -> None:
    if ax is None:
        return
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise SymconvError(
            f"{name}: ax={ax!r} is not a matplotlib Axes; options after the layer and "
            "the axes are keywords (e.g. channels=0)"
        )


def _check_layer(name: str, layer: Any) -> None:
    from symconv.layer import Layer

    if isinstance(layer, Layer):
        return
    if hasattr(layer, "layers"):
        raise SymconvError(
            f"{name} draws one layer; got a network of {len(layer.layers)} layers "
            f"({layer!r:.60}): pass one of its layers, e.g. net.layers[0]"
        )
    raise SymconvError(f"{name} draws a symconv layer; got {type(layer).__name__} {layer!r:.60}")


MAX_ROW_READS = 1_000_000
"""Most inputs an output unit of a drawn layer may read (figures build whole rows)."""


def check_drawable(name: str, layer: Any) -> None:
    """Refuse, before any work, a layer whose output units read too many inputs to draw.

    Examples
    --------
    >>> import symconv as sc
    >>> check_drawable("plot_sparsity", sc.Dense(10**8, 1))
    Traceback (most recent call last):
    ...
    symconv.errors.SizeLimitError: plot_sparsity: each output of Dense((100000000,) -> (1,)) ...
    """
    reads = layer.num_weight_connections / max(layer.n_out, 1)
    if reads > MAX_ROW_READS:
        raise SizeLimitError(
            f"{name}: each output of {layer.short_repr()} reads {reads:,.0f} inputs on "
            f"average; figures draw layers whose outputs read at most {MAX_ROW_READS:,}"
        )


def plot_function(*, layer: bool = True) -> Callable[[F], F]:
    """Decorate a public plot function: check its arguments, apply its ``style=``.

    The decorated function refuses an ``ax`` that is no Axes (a positional
    option given in its place) and, with ``layer=True``, a first argument that is
    no layer, with a :class:`~symconv.SymconvError`. A ``style`` keyword (any
    argument of ``plt.style.context``) applies for the duration of the drawing.
    A figure the function made itself is fitted to what it drew (:func:`fit_canvas`).

    Examples
    --------
    >>> @plot_function(layer=False)
    ... def plot_nothing(data, ax=None, *, style=None):
    ...     return new_axes(ax, (2, 1))
    >>> plot_nothing(1, 0)
    Traceback (most recent call last):
    ...
    symconv.errors.SymconvError: plot_nothing: ax=0 is not a matplotlib Axes; ...
    """

    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        name = function.__name__

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as err:
                raise TypeError(f"{name}: {err}") from None
            _check_ax(name, bound.arguments.get("ax"))
            if layer:
                first = next(iter(bound.arguments.values()))
                _check_layer(name, first)
                check_drawable(name, first)
            style = bound.arguments.get("style")
            created = all(bound.arguments.get(k) is None for k in ("ax", "fig"))
            with ExitStack() as stack:
                if style is not None:
                    import matplotlib.pyplot as plt

                    try:
                        stack.enter_context(plt.style.context(style))
                    except (OSError, ValueError, TypeError, KeyError) as err:
                        raise SymconvError(
                            f"{name}: style={style!r} is not a matplotlib style"
                        ) from None if isinstance(err, KeyError) else err
                drawn = function(*args, **kwargs)
                if created:
                    fit_canvas(drawn if hasattr(drawn, "savefig") else root_figure(drawn))
                return drawn

        return checked  # type: ignore[return-value]

    return decorate
