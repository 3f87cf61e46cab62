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
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from symconv.errors import SymconvError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "axes_size",
    "checked_dpi",
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
    from matplotlib.layout_engine import ConstrainedLayoutEngine

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
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
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


def plot_function(*, layer: bool = True) -> Callable[[F], F]:
    """Decorate a public plot function: check its arguments, apply its ``style=``.

    The decorated function refuses an ``ax`` that is no Axes (a positional
    option given in its place) and, with ``layer=True``, a first argument that is
    no layer, with a :class:`~symconv.SymconvError`. A ``style`` keyword (any
    argument of ``plt.style.context``) applies for the duration of the drawing.

    Examples
    --------
    >>> @plot_function(layer=False)
    ... def plot_nothing(data, ax=None, *, style=None):
    ...     return ax
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
                _check_layer(name, next(iter(bound.arguments.values())))
            style = bound.arguments.get("style")
            if style is None:
                return function(*args, **kwargs)
            import matplotlib.pyplot as plt

            with ExitStack() as stack:
                try:
                    stack.enter_context(plt.style.context(style))
                except (OSError, ValueError, TypeError, KeyError) as err:
                    raise SymconvError(
                        f"{name}: style={style!r} is not a matplotlib style"
                    ) from None if isinstance(err, KeyError) else err
                return function(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate
