"""Speckle filters as pure tile functions on linear power (γ⁰/σ⁰ intensity, not dB, not amplitude).

NaN marks no data: it is ignored in the window statistics and stays NaN at its own pixel.
A filter of window ``size`` (odd) needs ``halo(size)`` extra pixels around a tile to give the
same result as on the whole image; pad with NaN beyond the image edge.

* :func:`boxcar`: mean of the valid pixels in a size×size window.
* :func:`refined_lee`: Lee's refined filter (J.-S. Lee, 1981, "Refined filtering of image noise
  using local statistics"): the window is split into 3×3 sub-windows, the strongest of four edge
  directions is found from their means, and the Lee MMSE estimate is computed over the half
  of the window (one of 8 edge-aligned windows) on the side of the centre pixel.
"""

from __future__ import annotations

import functools
from typing import Dict, Tuple

import numpy as np

FILTER_NONE = "none"
FILTER_BOXCAR = "boxcar"
FILTER_REFINED_LEE = "refined_lee"
FILTERS = (FILTER_NONE, FILTER_BOXCAR, FILTER_REFINED_LEE)


def halo(size: int) -> int:
    """Pixels needed on each side of a tile for a window of ``size``."""
    return size // 2


def _check_size(size: int, minimum: int = 3) -> int:
    size = int(size)
    if size < minimum or size % 2 == 0:
        raise ValueError(f"window size must be an odd number >= {minimum}, got {size}")
    return size


def _valid_parts(tile: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    values = np.asarray(tile, dtype=np.float64)
    valid = np.isfinite(values)
    return np.where(valid, values, 0.0), valid.astype(np.float64)


def _box_sum(array: np.ndarray, size: int) -> np.ndarray:
    """Sum over a size×size window centred on each pixel (zero padding), via an integral image."""
    r = size // 2
    padded = np.pad(array, ((r + 1, r), (r + 1, r)))
    integral = padded.cumsum(0).cumsum(1)
    return (integral[size:, size:] - integral[:-size, size:]
            - integral[size:, :-size] + integral[:-size, :-size])


def boxcar(tile: np.ndarray, size: int = 5) -> np.ndarray:
    """Mean of the valid pixels in a ``size``×``size`` window (float32; NaN where the centre is NaN)."""
    size = _check_size(size)
    values, valid = _valid_parts(tile)
    total = _box_sum(values, size)
    count = _box_sum(valid, size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    return np.where(valid > 0, mean, np.nan).astype(np.float32)


def _shift(array: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``out[i, j] = array[i + dy, j + dx]`` with zeros outside."""
    out = np.zeros_like(array)
    h, w = array.shape
    ys, yd = (slice(dy, h), slice(0, h - dy)) if dy >= 0 else (slice(0, h + dy), slice(-dy, h))
    xs, xd = (slice(dx, w), slice(0, w - dx)) if dx >= 0 else (slice(0, w + dx), slice(-dx, w))
    out[yd, xd] = array[ys, xs]
    return out


def _edge_windows(size: int) -> Dict[str, np.ndarray]:
    """The 8 edge-aligned half windows (boolean size×size, centre included), keyed by side."""
    c = size // 2
    i, j = np.mgrid[0:size, 0:size]
    return {
        "left": j <= c, "right": j >= c, "up": i <= c, "down": i >= c,
        "upper_right": j >= i, "lower_left": j <= i,
        "upper_left": i + j <= size - 1, "lower_right": i + j >= size - 1,
    }


@functools.lru_cache(maxsize=16)
def _window_counts(size: int, name: str, h: int, w: int) -> np.ndarray:
    """Number of in-image pixels of edge window ``name`` around each pixel of an h×w image (read-only)."""
    window = _edge_windows(size)[name]
    c = size // 2
    inside = np.pad(np.ones((h, w)), c)
    count = np.zeros((h, w))
    for dy, dx in zip(*np.nonzero(window)):
        count += inside[dy:dy + h, dx:dx + w]
    count.setflags(write=False)
    return count


#: Order of the 8 windows as indexed by the direction choice.
_WINDOW_ORDER = ("left", "right", "up", "down", "upper_right", "lower_left", "upper_left", "lower_right")


def refined_lee(tile: np.ndarray, size: int = 7, looks: float = 1.0) -> np.ndarray:
    """Refined Lee filter of linear power ``tile`` with window ``size`` (odd, >= 5) and ``looks`` (ENL).

    Returns float32; NaN where the input is NaN. The noise model is multiplicative speckle of
    normalised variance 1/``looks`` (intensity).
    """
    size = _check_size(size, 5)
    if looks <= 0:
        raise ValueError("looks must be > 0")
    values, valid = _valid_parts(tile)
    step = (size - 1) // 3
    sub = size - 2 * step

    # 3x3 grid of sub-window means around each pixel
    sub_sum, sub_count = _box_sum(values, sub), _box_sum(valid, sub)
    with np.errstate(invalid="ignore", divide="ignore"):
        sub_mean = np.where(sub_count > 0, sub_sum / np.maximum(sub_count, 1), np.nan)
    m = {(a, b): _shift(sub_mean, a * step, b * step) for a in (-1, 0, 1) for b in (-1, 0, 1)}
    m = {k: np.nan_to_num(v, nan=0.0) for k, v in m.items()}

    # gradients of the four edge directions
    horizontal = (m[-1, 1] + m[0, 1] + m[1, 1]) - (m[-1, -1] + m[0, -1] + m[1, -1])
    vertical = (m[1, -1] + m[1, 0] + m[1, 1]) - (m[-1, -1] + m[-1, 0] + m[-1, 1])
    diagonal = (m[-1, 0] + m[-1, 1] + m[0, 1]) - (m[0, -1] + m[1, -1] + m[1, 0])
    anti = (m[-1, -1] + m[-1, 0] + m[0, -1]) - (m[0, 1] + m[1, 0] + m[1, 1])
    direction = np.argmax(np.abs(np.stack([horizontal, vertical, diagonal, anti])), axis=0)

    centre = m[0, 0]
    side_pairs = (((0, -1), (0, 1)), ((-1, 0), (1, 0)), ((-1, 1), (1, -1)), ((-1, -1), (1, 1)))
    first_side = np.zeros(direction.shape, dtype=bool)
    for index, (a, b) in enumerate(side_pairs):
        closer = np.abs(m[a] - centre) <= np.abs(m[b] - centre)
        first_side = np.where(direction == index, closer, first_side)
    window_index = 2 * direction + np.where(first_side, 0, 1)

    # mean and variance over each edge-aligned window, then pick the chosen one per pixel
    c = size // 2
    h, w = values.shape
    windows = _edge_windows(size)
    padded = np.pad(values, c)
    padded_sq = padded * padded
    padded_valid = np.pad(valid, c)
    all_valid = bool(valid.all())
    means = np.empty((8,) + values.shape)
    variances = np.empty((8,) + values.shape)
    total = np.empty_like(values)
    total_sq = np.empty_like(values)
    count = np.empty_like(values)
    for k, name in enumerate(_WINDOW_ORDER):
        total.fill(0.0)
        total_sq.fill(0.0)
        count.fill(0.0)
        for dy, dx in zip(*np.nonzero(windows[name])):
            np.add(total, padded[dy:dy + h, dx:dx + w], out=total)
            np.add(total_sq, padded_sq[dy:dy + h, dx:dx + w], out=total_sq)
            if not all_valid:
                np.add(count, padded_valid[dy:dy + h, dx:dx + w], out=count)
        if all_valid:   # only the image border (zero padding) reduces the count
            count[:] = _window_counts(size, name, h, w)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
            means[k] = mean
            variances[k] = np.maximum(total_sq / count - mean * mean, 0.0)
    mean = np.take_along_axis(means, window_index[None], 0)[0]
    var_y = np.take_along_axis(variances, window_index[None], 0)[0]

    noise = 1.0 / looks
    with np.errstate(invalid="ignore", divide="ignore"):
        var_x = np.maximum((var_y - mean * mean * noise) / (1.0 + noise), 0.0)
        weight = np.where(var_y > 0, var_x / var_y, 0.0)
    out = mean + weight * (values - mean)
    return np.where(valid > 0, out, np.nan).astype(np.float32)


def apply_filter(tile: np.ndarray, name: str, size: int, looks: float = 1.0) -> np.ndarray:
    """Dispatch on ``name`` (one of :data:`FILTERS`); ``none`` returns the tile as float32."""
    if name == FILTER_NONE:
        return np.asarray(tile, dtype=np.float32)
    if name == FILTER_BOXCAR:
        return boxcar(tile, size)
    if name == FILTER_REFINED_LEE:
        return refined_lee(tile, size, looks)
    raise ValueError(f"unknown speckle filter {name!r}; use one of {', '.join(FILTERS)}")
