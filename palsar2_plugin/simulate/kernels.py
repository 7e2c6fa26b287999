"""Optional compiled (numba, ``nogil``) kernels of the simulator's speckle resampling.

:func:`pull_columns` and :func:`pull_rows` compute exactly what
:func:`.speckle_field._pull_numpy` does (same look-up table rows, same taps, same order of the
sums per output sample), in one loop per output sample instead of one numpy pass per tap.
They return None when numba is unavailable, switched off (environment variable
``PALSAR2_NO_NUMBA`` set to a non-empty value other than ``0``, read at each call) or failed; the
caller then uses numpy. Compiled on first use (about 2 s) and cached on disk
(:mod:`..numba_cache`).
"""

from __future__ import annotations

import os
import threading
from typing import Optional

import numpy as np

_state = {"built": False, "failed": False}
_lock = threading.Lock()
_compiled = {}


def _columns(field, first, positions, lut, half_width, steps, out):
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


def _rows(field, first, positions, lut, half_width, steps, out):
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


def enabled() -> bool:
    """True when the compiled kernels are to be used."""
    if _state["failed"] or os.environ.get("PALSAR2_NO_NUMBA", "") not in ("", "0"):
        return False
    if not _state["built"]:
        with _lock:
            if not _state["built"] and not _state["failed"]:
                try:
                    from ..numba_cache import njit_cached
                    _compiled["columns"] = njit_cached(_columns, __name__, nogil=True)
                    _compiled["rows"] = njit_cached(_rows, __name__, nogil=True)
                    _state["built"] = True
                except Exception:                    # numba absent or broken: numpy path
                    _state["failed"] = True
    return _state["built"]


def _run(name, field, first, positions, lut, half_width) -> Optional[np.ndarray]:
    if not enabled():
        return None
    from .speckle_kernel import LUT_STEPS
    out = np.empty(positions.shape, dtype=np.complex128)
    try:
        _compiled[name](field, np.int64(first), positions, lut, np.int64(half_width), np.float64(LUT_STEPS), out)
    except Exception:                                # a numba error: numpy for the rest of the process
        _state["failed"] = True
        return None
    return out


def pull_columns(field, first, positions, lut, half_width) -> Optional[np.ndarray]:
    """Azimuth pull (see :func:`.speckle_field.pull_azimuth`), or None to use numpy."""
    return _run("columns", field, first, positions, lut, half_width)


def pull_rows(field, first, positions, lut, half_width) -> Optional[np.ndarray]:
    """Range pull (see :func:`.speckle_field.pull_range`), or None to use numpy."""
    return _run("rows", field, first, positions, lut, half_width)


def _lagrange(levels, h, out):
    n = levels.shape[0]
    for i in range(n):
        w = 1.0
        for j in range(n):
            if j != i:
                w *= (h - levels[j]) / (levels[i] - levels[j])
        out[i] = w


def _evaluate(lines, pixels, line0, line_stride, pixel0, pixel_stride, levels, nodes, col_field, row_field,
              dem, dem_c0, dem_r0, h_lo, h_hi, iterations, out_h, out):
    """Scatterer heights and interpolated node fields at points (see ScattererLattice.evaluate)."""
    n_points = lines.shape[0]
    n_fields, n_levels, n_l, n_p = nodes.shape
    plane = np.empty((n_fields, n_levels))
    weights = np.empty(n_levels)
    rows_dem, cols_dem = dem.shape
    for k in range(n_points):
        u = (lines[k] - line0) / line_stride
        v = (pixels[k] - pixel0) / pixel_stride
        kl = min(max(int(np.floor(u)), 0), n_l - 2)
        kp = min(max(int(np.floor(v)), 0), n_p - 2)
        wl = u - kl
        wp = v - kp
        for f in range(n_fields):
            for lv in range(n_levels):
                plane[f, lv] = ((1.0 - wl) * ((1.0 - wp) * nodes[f, lv, kl, kp] + wp * nodes[f, lv, kl, kp + 1])
                                + wl * ((1.0 - wp) * nodes[f, lv, kl + 1, kp] + wp * nodes[f, lv, kl + 1, kp + 1]))
        h = 0.0
        if col_field >= 0:
            # secant iterations on f(h) = DEM(cell(h)) - h
            best = 0.5 * (h_lo + h_hi)
            best_f = 1e300
            h0 = best
            f0 = 0.0
            h1 = h0
            for it in range(iterations + 2):
                hh = h0 if it == 0 else h1
                _lagrange(levels, hh, weights)
                fc = 0.0
                fr = 0.0
                for lv in range(n_levels):
                    fc += weights[lv] * plane[col_field, lv]
                    fr += weights[lv] * plane[row_field, lv]
                x = min(max(fc - dem_c0, 0.0), cols_dem - 1.000001)
                y = min(max(fr - dem_r0, 0.0), rows_dem - 1.000001)
                ic = int(np.floor(x))
                ir = int(np.floor(y))
                dc = x - ic
                dr = y - ir
                value = (dem[ir, ic] * (1 - dr) * (1 - dc) + dem[ir, ic + 1] * (1 - dr) * dc
                         + dem[ir + 1, ic] * dr * (1 - dc) + dem[ir + 1, ic + 1] * dr * dc) - hh
                if abs(value) < best_f:
                    best_f = abs(value)
                    best = hh
                if best_f < 1e-4:
                    break
                if it == 0:
                    f0 = value
                    h1 = min(max(h0 + value, h_lo), h_hi)
                    continue
                denom = value - f0
                if abs(denom) > 1e-12:
                    step = value * (h1 - h0) / denom
                else:
                    step = -value
                h0 = h1
                f0 = value
                h1 = min(max(h1 - step, h_lo), h_hi)
            h = best
        out_h[k] = h
        _lagrange(levels, h, weights)
        for f in range(n_fields):
            acc = 0.0
            for lv in range(n_levels):
                acc += weights[lv] * plane[f, lv]
            out[f, k] = acc


def evaluate_points(lines, pixels, line0, line_stride, pixel0, pixel_stride, levels, nodes, col_field, row_field,
                    dem, dem_c0, dem_r0, h_lo, h_hi, iterations):
    """Compiled scatterer evaluation: (heights (n,), fields (F, n)), or None to use numpy."""
    if not enabled():
        return None
    if "evaluate" not in _compiled:
        with _lock:
            if "evaluate" not in _compiled:
                try:
                    from ..numba_cache import njit_cached
                    lagrange = njit_cached(_lagrange, __name__, nogil=True)
                    globals()["_lagrange"] = lagrange
                    _compiled["evaluate"] = njit_cached(_evaluate, __name__, nogil=True)
                except Exception:
                    _state["failed"] = True
                    return None
    n = lines.shape[0]
    out_h = np.empty(n)
    out = np.empty((nodes.shape[0], n))
    try:
        _compiled["evaluate"](lines, pixels, float(line0), float(line_stride), float(pixel0), float(pixel_stride),
                              levels, nodes, int(col_field), int(row_field), dem, int(dem_c0), int(dem_r0),
                              float(h_lo), float(h_hi), int(iterations), out_h, out)
    except Exception:
        _state["failed"] = True
        return None
    return out_h, out
