"""Band-limited speckle that belongs to the ground: white scatterers on a fixed grid, resampled.

The scatterers of a scene sit one per sample of the *scatterer grid*: the radar grid of the first
(reference) acquisition of a beam, lines and pixels extended without limit beyond the image. Each
has a circular complex Gaussian reflectivity rho (E|rho|^2 = 1) drawn from a generator keyed by
(seed, beam, polarisation, stream, tile), tiles of :data:`FIELD_TILE` samples: the value of a
scatterer never depends on which block or region asks for it.

An acquisition's complex field at its sample k is

    W(k) = sum_m v(m) h_a(Q_l(k) - m_l) h_r(Q_p(k) - m_p),   v(m) = rho(m) exp(-4 pi i R(m) / lambda)

with R(m) the acquisition's slant range to scatterer m (its propagation phase), Q(k) the
fractional position of sample k on the scatterer grid and h_a, h_r the band-limiting kernels
(:mod:`.speckle_kernel`). For the reference Q(k) = k and R(m) = its own slant range of pixel m; a
repeat pass has its own Q and R (:mod:`.repeat_field`). The sum is done in two passes (azimuth
per scatterer column to the output lines, then range per output line): exact when Q_l does not
vary across the range kernel's width, which holds to ~1e-3 line for repeat-pass geometry.

Pure functions on arrays; :func:`pull_azimuth` and :func:`pull_range` use the compiled kernels
of :mod:`.kernels` when numba is available (same numbers to float rounding), numpy otherwise.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

from . import kernels
from .speckle_kernel import LUT_STEPS, SpeckleKernel

#: (lines, pixels) of one generator tile of the scatterer field.
FIELD_TILE = (128, 128)
#: Offset added to tile indices so that tiles left of / above the image have non-negative keys.
_TILE_KEY_OFFSET = 1 << 24
#: Stream numbers: the reference reflectivity, and the change drawn by each later acquisition.
STREAM_REFLECTIVITY = 0
STREAM_CHANGE = 1


def white_field(seed: int, beam: int, polarisation_index: int, stream: int,
                lines: Tuple[int, int], pixels: Tuple[int, int]) -> np.ndarray:
    """Unit-variance circular complex Gaussian scatterers (complex128) of the region
    [lines[0], lines[1]) x [pixels[0], pixels[1]) of the scatterer grid (indices may be negative)."""
    l0, l1 = int(lines[0]), int(lines[1])
    p0, p1 = int(pixels[0]), int(pixels[1])
    out = np.empty((max(l1 - l0, 0), max(p1 - p0, 0)), dtype=np.complex128)
    if out.size == 0:
        return out
    tl, tp = FIELD_TILE
    for ti in range(l0 // tl, (l1 - 1) // tl + 1):
        for tj in range(p0 // tp, (p1 - 1) // tp + 1):
            rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(beam), int(polarisation_index), int(stream),
                                         ti + _TILE_KEY_OFFSET, tj + _TILE_KEY_OFFSET])
            tile = rng.standard_normal((tl, tp, 2)).view(np.complex128)[..., 0] * np.sqrt(0.5)
            a0, a1 = max(l0, ti * tl), min(l1, (ti + 1) * tl)
            b0, b1 = max(p0, tj * tp), min(p1, (tj + 1) * tp)
            out[a0 - l0:a1 - l0, b0 - p0:b1 - p0] = tile[a0 - ti * tl:a1 - ti * tl, b0 - tj * tp:b1 - tj * tp]
    return out


def propagation_phasor(slant_range_m: np.ndarray, wavelength_m: float) -> np.ndarray:
    """exp(-4 pi i R / lambda) (complex128), the two-way propagation phase of slant range R (m)."""
    phase = (-4.0 * np.pi / float(wavelength_m)) * np.asarray(slant_range_m, dtype=np.float64)
    return np.exp(1j * np.mod(phase, 2.0 * np.pi))


def kernel_span(positions: np.ndarray, kernel: SpeckleKernel) -> Tuple[int, int]:
    """[first, last + 1) of the scatterer indices the kernel reaches from fractional ``positions``."""
    p = np.asarray(positions, dtype=np.float64)
    lo = int(np.floor(np.nanmin(p))) - kernel.half_width + 1
    hi = int(np.floor(np.nanmax(p))) + kernel.half_width + 1
    return lo, hi


def _lut_rows(frac: np.ndarray) -> np.ndarray:
    return np.rint(frac * LUT_STEPS).astype(np.int64)


def pull_azimuth(field: np.ndarray, first_line: int, positions: np.ndarray, kernel: SpeckleKernel) -> np.ndarray:
    """out[i, j] = sum_m field[m - first_line, j] h(positions[i, j] - m) (complex128).

    ``field``: (n_lines, n_cols) scatterer values whose row 0 is scatterer line ``first_line``;
    ``positions``: (n_out, n_cols) fractional scatterer lines of the output samples (every column
    its own). The kernel's reach must lie inside the field (see :func:`kernel_span`); NaN
    positions give 0.
    """
    field = np.ascontiguousarray(field, dtype=np.complex128)
    positions = np.ascontiguousarray(positions, dtype=np.float64)
    out = kernels.pull_columns(field, first_line, positions, kernel.lut, kernel.half_width)
    if out is not None:
        return out
    return _pull_numpy(field, first_line, positions, kernel, axis=0)


def pull_range(field: np.ndarray, first_pixel: int, positions: np.ndarray, kernel: SpeckleKernel) -> np.ndarray:
    """out[i, k] = sum_m field[i, m - first_pixel] h(positions[i, k] - m) (complex128): the range pass,
    ``field`` (n_rows, n_cols) whose column 0 is scatterer column ``first_pixel``, ``positions``
    (n_rows, n_out) fractional scatterer columns; NaN positions give 0."""
    field = np.ascontiguousarray(field, dtype=np.complex128)
    positions = np.ascontiguousarray(positions, dtype=np.float64)
    out = kernels.pull_rows(field, first_pixel, positions, kernel.lut, kernel.half_width)
    if out is not None:
        return out
    return _pull_numpy(field, first_pixel, positions, kernel, axis=1)


def _pull_numpy(field, first, positions, kernel: SpeckleKernel, axis: int) -> np.ndarray:
    """numpy version of the pulls: one gather and multiply-add per tap."""
    ok = np.isfinite(positions)
    q = np.where(ok, positions, float(first + kernel.half_width))
    base = np.floor(q).astype(np.int64)
    rows = _lut_rows(q - base)
    start = base - kernel.half_width + 1 - first
    out = np.zeros(positions.shape, dtype=np.complex128)
    lut = kernel.lut
    if axis == 0:
        cols = np.broadcast_to(np.arange(positions.shape[1])[None, :], positions.shape)
        for i in range(kernel.taps):
            out += field[start + i, cols] * lut[rows, i]
    else:
        r = np.broadcast_to(np.arange(positions.shape[0])[:, None], positions.shape)
        for i in range(kernel.taps):
            out += field[r, start + i] * lut[rows, i]
    out[~ok] = 0.0
    return out

