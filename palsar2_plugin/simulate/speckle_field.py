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

Pure functions on arrays; :func:`pull_azimuth` and :func:`pull_range` have a numpy reference and a
compiled form side by side (:mod:`..compiled`: the same look-up table rows and taps in the same
order; one loop per output sample instead of one numpy pass per tap).
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
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


def _prepared(field, positions):
    return np.ascontiguousarray(field, dtype=np.complex128), np.ascontiguousarray(positions, dtype=np.float64)


def _pull_numpy(field, first, positions, kernel: SpeckleKernel, axis: int) -> np.ndarray:
    """numpy reference of the pulls: one gather and multiply-add per tap."""
    field, positions = _prepared(field, positions)
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


def _pull_azimuth_numpy(field, first_line, positions, kernel):
    return _pull_numpy(field, first_line, positions, kernel, axis=0)


def _pull_range_numpy(field, first_pixel, positions, kernel):
    return _pull_numpy(field, first_pixel, positions, kernel, axis=1)


@jit
def _pull_columns_kernel(field, first, positions, lut, half_width, steps, out):
    n_out, n_cols = positions.shape
    taps = 2 * half_width
    for j0 in range(0, n_cols, 64):              # column strips: the taps' rows stay in cache
        j1 = min(n_cols, j0 + 64)
        for i in range(n_out):
            for j in range(j0, j1):
                q = positions[i, j]
                if not np.isfinite(q):
                    out[i, j] = 0.0
                    continue
                base = np.int64(np.floor(q))
                row = np.int64(np.rint((q - base) * steps))
                start = base - half_width + 1 - first
                acc_re = 0.0
                acc_im = 0.0
                for t in range(taps):
                    w = lut[row, t]
                    v = field[start + t, j]
                    acc_re += v.real * w
                    acc_im += v.imag * w
                out[i, j] = complex(acc_re, acc_im)


@jit
def _pull_rows_kernel(field, first, positions, lut, half_width, steps, out):
    n_rows, n_out = positions.shape
    taps = 2 * half_width
    for i in range(n_rows):
        for k in range(n_out):
            q = positions[i, k]
            if not np.isfinite(q):
                out[i, k] = 0.0
                continue
            base = np.int64(np.floor(q))
            row = np.int64(np.rint((q - base) * steps))
            start = base - half_width + 1 - first
            acc_re = 0.0
            acc_im = 0.0
            for t in range(taps):
                w = lut[row, t]
                v = field[i, start + t]
                acc_re += v.real * w
                acc_im += v.imag * w
            out[i, k] = complex(acc_re, acc_im)


def _check_reach(field_size: int, first: int, positions: np.ndarray, kernel: SpeckleKernel) -> None:
    """The compiled loops do not check bounds: every finite position's taps must lie in the field."""
    finite = positions[np.isfinite(positions)]
    if finite.size:
        lo, hi = kernel_span(finite, kernel)
        if lo < first or hi > first + field_size:
            raise ValueError(f"kernel reach [{lo}, {hi}) outside the field [{first}, {first + field_size})")


@compiled_or_numpy(_pull_azimuth_numpy)
def pull_azimuth(field: np.ndarray, first_line: int, positions: np.ndarray, kernel: SpeckleKernel) -> np.ndarray:
    """out[i, j] = sum_m field[m - first_line, j] h(positions[i, j] - m) (complex128).

    ``field``: (n_lines, n_cols) scatterer values whose row 0 is scatterer line ``first_line``;
    ``positions``: (n_out, n_cols) fractional scatterer lines of the output samples (every column
    its own). The kernel's reach must lie inside the field (see :func:`kernel_span`); NaN
    positions give 0.
    """
    field, positions = _prepared(field, positions)
    _check_reach(field.shape[0], first_line, positions, kernel)
    out = np.empty(positions.shape, dtype=np.complex128)
    _pull_columns_kernel(field, np.int64(first_line), positions, kernel.lut, np.int64(kernel.half_width),
                         np.float64(LUT_STEPS), out)
    return out


@compiled_or_numpy(_pull_range_numpy)
def pull_range(field: np.ndarray, first_pixel: int, positions: np.ndarray, kernel: SpeckleKernel) -> np.ndarray:
    """out[i, k] = sum_m field[i, m - first_pixel] h(positions[i, k] - m) (complex128): the range pass,
    ``field`` (n_rows, n_cols) whose column 0 is scatterer column ``first_pixel``, ``positions``
    (n_rows, n_out) fractional scatterer columns; NaN positions give 0."""
    field, positions = _prepared(field, positions)
    _check_reach(field.shape[1], first_pixel, positions, kernel)
    out = np.empty(positions.shape, dtype=np.complex128)
    _pull_rows_kernel(field, np.int64(first_pixel), positions, kernel.lut, np.int64(kernel.half_width),
                      np.float64(LUT_STEPS), out)
    return out
