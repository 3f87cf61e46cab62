"""The exceptions symconv raises.

Every error a user can cause is a :class:`ValueError` subclass whose message names
the offending value, raised before any heavy work starts.
"""

from __future__ import annotations

__all__ = [
    "ExportError",
    "FileWriteError",
    "LayerConfigError",
    "NotLinearError",
    "ShapeMismatchError",
    "SizeLimitError",
    "SpecError",
    "SymconvError",
    "UnitIndexError",
    "UnsupportedModuleError",
]


class SymconvError(ValueError):
    """Base class of every error symconv raises on bad input.

    Examples
    --------
    >>> import symconv as sc
    >>> try:
    ...     sc.Conv2d((1, 4, 4), 1, 5)
    ... except sc.SymconvError as err:
    ...     print(err)
    kernel_size=5 is larger than the padded input (4) along axis 1
    """


class LayerConfigError(SymconvError):
    """A layer's arguments do not describe a valid layer.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Conv1d((1, 8), 1, 3, stride=0)
    Traceback (most recent call last):
    ...
    symconv.errors.LayerConfigError: stride=0 must be a positive integer
    """


class ShapeMismatchError(SymconvError):
    """An array or a layer does not have the shape it must have.

    Examples
    --------
    >>> import numpy as np
    >>> import symconv as sc
    >>> sc.Conv1d((1, 8), 1, 3).numeric_matrix(np.ones((1, 1, 2)))
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeMismatchError: weight has shape (1, 1, 2); Conv1d expects (1, 1, 3)
    """


class SizeLimitError(SymconvError):
    """A symbolic build would be too large; use the numeric or counting paths instead.

    Examples
    --------
    >>> import symconv as sc
    >>> layer = sc.Dense(25088, 4096)
    >>> layer.num_parameters
    102764544
    >>> layer.matrix()
    Traceback (most recent call last):
    ...
    symconv.errors.SizeLimitError: the symbolic matrix of Dense((25088,) -> (4096,)) ...
    """


class NotLinearError(SymconvError):
    """The layer is not a linear map, so it has no weight matrix.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.ReLU((1, 4)).matrix()
    Traceback (most recent call last):
    ...
    symconv.errors.NotLinearError: ReLU is not linear: ...
    """


class ExportError(SymconvError):
    """A file cannot be written or read in the requested format.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.export(sc.Conv1d((1, 4), 1, 2), "conv.xyz")
    Traceback (most recent call last):
    ...
    symconv.errors.ExportError: cannot export to 'conv.xyz': unknown extension '.xyz'; ...
    """


class FileWriteError(ExportError):
    """The file cannot be written (a failure at run time, not a mistake in the request).

    Its folder is missing, a folder is in its place, or the system refuses it. The
    command line exits with status 1 for it, and with 2 for mistakes in the request.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.export(sc.Conv1d((1, 4), 1, 2), "no-such-folder/conv.svg")
    Traceback (most recent call last):
    ...
    symconv.errors.FileWriteError: cannot export to 'no-such-folder/conv.svg': directory ...
    """


class SpecError(SymconvError):
    """A layer SPEC string is not an allowed constructor call with literal arguments.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.parse_spec("Conv2d((1, 4, 4), 1, 2, stride=2)")
    Conv2d((1, 4, 4) -> (1, 2, 2), kernel 2x2, stride 2: 5 parameters, 20 connections)
    >>> sc.parse_spec("__import__('os')")
    Traceback (most recent call last):
    ...
    symconv.errors.SpecError: SPEC "__import__('os')": __import__ is not a symconv layer; ...
    """


class UnsupportedModuleError(SymconvError):
    """A PyTorch module has no symconv counterpart (see :func:`symconv.from_torch`).

    Examples
    --------
    >>> import pytest
    >>> torch = pytest.importorskip("torch")  # symconv does not depend on PyTorch
    >>> import symconv as sc
    >>> sc.from_torch(torch.nn.Sequential(torch.nn.Softmax(dim=1)), (4,))
    Traceback (most recent call last):
    ...
    symconv.errors.UnsupportedModuleError: node '_0' (call_module 0): Softmax is not supported: ...
    """


class UnitIndexError(SymconvError):
    """An output unit index is outside the layer's output.

    Examples
    --------
    >>> import symconv as sc
    >>> sc.Conv2d((1, 4, 4), 1, 2, stride=2).receptive_field(4)
    Traceback (most recent call last):
    ...
    symconv.errors.UnitIndexError: output unit 4 is outside 0..3 of Conv2d((1, 4, 4) -> (1, 2, 2))
    """
