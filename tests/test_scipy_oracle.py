"""True convolution (``flip=True``) and cross-correlation against SciPy.

``scipy.linalg.convolution_matrix(a, n, mode)`` is the matrix of ``np.convolve(a, v, mode)``
acting on a length-``n`` vector ``v``; ``scipy.signal`` convolves and correlates arrays.

How the modes relate (for an input at least as long as the kernel, length ``n`` and
kernel length ``m``):

* ``"full"`` and ``"valid"`` mean the same in SciPy and here: padding ``m - 1`` on both
  sides, and no padding.
* ``"same"`` keeps ``n`` outputs in both, cut from the ``"full"`` output. PyTorch, and
  so symconv, pads the odd element of an even kernel's padding at the end, which starts
  the cut at full index ``m // 2``. ``scipy.signal.correlate2d`` cuts at the same place,
  so it equals symconv for every kernel. ``scipy.linalg.convolution_matrix``,
  ``np.convolve``, ``scipy.signal.convolve``, ``correlate`` and ``convolve2d`` start the
  cut at ``(m - 1) // 2`` instead: the same for odd kernels, but for even kernels
  symconv's ``"same"`` is theirs shifted by one position, ``ours[i] == theirs[i + 1]``,
  and ours' last output is their ``"full"`` output ``m // 2 + n - 1``.
  ``same_split="scipy"`` pads the odd element at the start instead: SciPy's cut.
* For ``n < m`` SciPy swaps the roles of kernel and input in ``"valid"``; symconv
  refuses a kernel larger than its (padded) input.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st
from strategies import rng_from, seeds

import symconv as sc

MODES = ("full", "same", "valid")


def conv1d_matrix(kernel: np.ndarray, n: int, mode: str, *, flip: bool) -> np.ndarray:
    layer = sc.Conv1d((1, n), 1, len(kernel), padding=mode, flip=flip, bias=False)
    return layer.numeric_matrix(kernel.reshape(1, 1, -1)).toarray()


@st.composite
def kernel_and_length(draw: st.DrawFn) -> tuple[int, int]:
    m = draw(st.integers(1, 7))
    return m, draw(st.integers(m, m + 9))


@pytest.mark.parametrize("mode", MODES)
@given(sizes=kernel_and_length(), seed=seeds)
def test_flipped_conv1d_is_scipy_convolution_matrix(
    mode: str, sizes: tuple[int, int], seed: int
) -> None:
    m, n = sizes
    a = rng_from(seed).standard_normal(m)
    ours = conv1d_matrix(a, n, mode, flip=True)
    theirs = scipy.linalg.convolution_matrix(a, n, mode)
    if mode == "same" and m % 2 == 0:
        full = scipy.linalg.convolution_matrix(a, n, "full")
        np.testing.assert_allclose(ours[:-1], theirs[1:])  # shifted by one row
        np.testing.assert_allclose(ours, full[m // 2 : m // 2 + n])
        np.testing.assert_allclose(theirs, full[(m - 1) // 2 : (m - 1) // 2 + n])
    else:
        np.testing.assert_allclose(ours, theirs)


def test_scipy_valid_mode_swaps_roles_when_the_kernel_is_longer() -> None:
    a = np.arange(1.0, 6.0)
    assert scipy.linalg.convolution_matrix(a, 3, "valid").shape == (3, 3)
    with pytest.raises(sc.LayerConfigError, match="kernel_size=5"):
        sc.Conv1d((1, 3), 1, 5, padding="valid", flip=True)


def shift_for_scipy(kernel_shape: tuple[int, ...]) -> tuple[slice, ...]:
    """The part of our "same" output that SciPy's holds one position further on."""
    return tuple(slice(None, -1) if k % 2 == 0 else slice(None) for k in kernel_shape)


def scipy_same_counterpart(kernel_shape: tuple[int, ...]) -> tuple[slice, ...]:
    """The part of SciPy's "same" output that ``shift_for_scipy`` pairs with ours."""
    return tuple(slice(1, None) if k % 2 == 0 else slice(None) for k in kernel_shape)


@pytest.mark.parametrize("mode", MODES)
@given(sizes=kernel_and_length(), seed=seeds, flip=st.booleans())
def test_conv1d_matches_scipy_signal(
    mode: str, sizes: tuple[int, int], seed: int, flip: bool
) -> None:
    m, n = sizes
    rng = rng_from(seed)
    a, v = rng.standard_normal(m), rng.standard_normal(n)
    ours = conv1d_matrix(a, n, mode, flip=flip) @ v
    theirs = (scipy.signal.convolve if flip else scipy.signal.correlate)(v, a, mode=mode)
    if mode == "same":
        ours = ours[shift_for_scipy((m,))]
        theirs = theirs[scipy_same_counterpart((m,))]
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


@st.composite
def kernel_and_image(draw: st.DrawFn) -> tuple[tuple[int, int], tuple[int, int]]:
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    image = tuple(draw(st.integers(k, k + 5)) for k in kernel)
    return kernel, (image[0], image[1])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("function", ["correlate2d", "convolve2d", "correlate", "convolve"])
@given(sizes=kernel_and_image(), seed=seeds)
def test_conv2d_matches_scipy_signal(
    mode: str, function: str, sizes: tuple[tuple[int, int], tuple[int, int]], seed: int
) -> None:
    kernel_shape, image_shape = sizes
    rng = rng_from(seed)
    kernel, image = rng.standard_normal(kernel_shape), rng.standard_normal(image_shape)
    flip = "convolve" in function
    layer = sc.Conv2d((1, *image_shape), 1, kernel_shape, padding=mode, flip=flip, bias=False)
    ours = (layer.numeric_matrix(kernel[None, None]) @ image.ravel()).reshape(layer.out_shape[1:])
    theirs = getattr(scipy.signal, function)(image, kernel, mode=mode)
    if mode == "same" and function != "correlate2d":
        ours = ours[shift_for_scipy(kernel_shape)]
        theirs = theirs[scipy_same_counterpart(kernel_shape)]
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


@given(sizes=kernel_and_length(), seed=seeds, flip=st.booleans())
def test_scipy_same_split_is_scipy_s_same_mode(sizes: tuple[int, int], seed: int,
                                                flip: bool) -> None:
    m, n = sizes
    rng = rng_from(seed)
    a, v = rng.standard_normal(m), rng.standard_normal(n)
    layer = sc.Conv1d((1, n), 1, m, padding="same", flip=flip, bias=False, same_split="scipy")
    ours = layer.numeric_matrix(a.reshape(1, 1, -1)).toarray()
    if flip:
        np.testing.assert_allclose(ours, scipy.linalg.convolution_matrix(a, n, "same"))
    theirs = (scipy.signal.convolve if flip else scipy.signal.correlate)(v, a, mode="same")
    np.testing.assert_allclose(ours @ v, theirs, atol=1e-12)


@pytest.mark.parametrize("function", ["convolve2d", "correlate", "convolve"])
@given(sizes=kernel_and_image(), seed=seeds)
def test_scipy_same_split_in_2d(
    function: str, sizes: tuple[tuple[int, int], tuple[int, int]], seed: int
) -> None:
    kernel_shape, image_shape = sizes
    rng = rng_from(seed)
    kernel, image = rng.standard_normal(kernel_shape), rng.standard_normal(image_shape)
    layer = sc.Conv2d((1, *image_shape), 1, kernel_shape, padding="same", bias=False,
                      flip="convolve" in function, same_split="scipy")
    ours = (layer.numeric_matrix(kernel[None, None]) @ image.ravel()).reshape(image_shape)
    theirs = getattr(scipy.signal, function)(image, kernel, mode="same")
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_same_split_is_checked() -> None:
    with pytest.raises(sc.LayerConfigError, match="same_split='matlab' must be one of"):
        sc.Conv1d((1, 4), 1, 2, padding="same", same_split="matlab")
