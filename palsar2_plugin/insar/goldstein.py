"""Goldstein & Werner (1998) adaptive filter of an interferogram (pure tile function).

The interferogram (magnitude removed: unit phasors) is cut into overlapping ``patch`` x ``patch``
patches every ``step`` samples; each patch's spectrum Z is weighted by |S(Z)|^alpha, S a 3 x 3
boxcar smoothing of |Z| (as in the paper), normalised to its maximum, then transformed back and
added with a separable triangular weight. alpha = 0 leaves the phase unchanged, larger alpha
(up to 1) filters more. Incoherent noise has a flat spectrum, so it stays noise; fringes are
sharpened. Applied after the coherence is estimated (the coherence layer is not filtered).
"""

from __future__ import annotations

import numpy as np

PATCH = 32
STEP = 8


def _weights(patch: int) -> np.ndarray:
    w = 1.0 - np.abs(np.arange(patch) - (patch - 1) / 2.0) / (patch / 2.0)
    return np.outer(w, w)


def _smooth3(a: np.ndarray) -> np.ndarray:
    """3 x 3 boxcar over the last two axes, circular (a spectrum is periodic)."""
    out = np.zeros_like(a)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            out += np.roll(np.roll(a, dy, axis=-2), dx, axis=-1)
    return out / 9.0


def goldstein(interferogram: np.ndarray, alpha: float, patch: int = PATCH, step: int = STEP) -> np.ndarray:
    """Filtered unit-magnitude interferogram (complex64) of the same shape; NaN/0 input stays 0."""
    z = np.asarray(interferogram)
    h, w = z.shape
    mag = np.abs(z)
    valid = np.isfinite(mag) & (mag > 0)
    unit = np.zeros((h, w), dtype=np.complex64)
    unit[valid] = z[valid] / mag[valid]
    if alpha <= 0 or h == 0 or w == 0:
        return unit
    pad_y = (-(h - patch) % step) if h > patch else patch - h
    pad_x = (-(w - patch) % step) if w > patch else patch - w
    padded = np.pad(unit, ((0, pad_y), (0, pad_x)))
    hp, wp = padded.shape
    ny = (hp - patch) // step + 1
    nx = (wp - patch) // step + 1
    weight = _weights(patch).astype(np.float32)
    out = np.zeros((hp, wp), dtype=np.complex64)
    norm = np.zeros((hp, wp), dtype=np.float32)
    for iy in range(ny):                        # one row of patches at a time (bounded memory)
        y0 = iy * step
        strip = np.lib.stride_tricks.sliding_window_view(padded[y0:y0 + patch], (patch, patch))[0, ::step]
        spec = np.fft.fft2(strip)
        response = _smooth3(np.abs(spec))
        peak = response.reshape(response.shape[0], -1).max(axis=1)[:, None, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            response = np.where(peak > 0, response / peak, 0.0) ** alpha
        filtered = np.fft.ifft2(spec * response).astype(np.complex64) * weight
        for ix in range(nx):
            x0 = ix * step
            out[y0:y0 + patch, x0:x0 + patch] += filtered[ix]
            norm[y0:y0 + patch, x0:x0 + patch] += weight
    out = out[:h, :w]
    norm = norm[:h, :w]
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where(norm > 0, out / norm, 0)
    mag = np.abs(result)
    result = np.where(valid & (mag > 0), result / np.where(mag > 0, mag, 1), 0)
    return result.astype(np.complex64)


def halo() -> int:
    """Samples of context a tile needs on each side so its filtered values equal the whole image's."""
    return PATCH
