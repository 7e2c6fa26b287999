"""Layover and shadow from the acquisition geometry, along each range line (pure function).

Facets are binned on a (range line, ground range) raster: range lines are azimuth strips
``azimuth_bin_s`` seconds of zero-Doppler time wide, ground-range bins ``ground_bin_m`` wide (g is
the distance from the sensor to the facet's foot on the ellipsoid). Per bin we keep the largest
look angle and the largest and smallest slant range. Along a range line, for gentle terrain:

- the slant range R grows with g; a facet whose R is below the largest R of the bins nearer the
  sensor, or above the smallest R of the bins farther away, shares its slant range with another
  part of the line: **layover** (active layover on the fore-slope and the passive layover it
  folds onto);
- the off-nadir look angle grows with g; a facet whose look angle is below the largest look angle
  of the bins nearer the sensor is hidden: **shadow** (active and passive).

The running extremes are taken over the facet's strip and its two neighbours, so that a crest
falling between facet centres of one strip is still seen (strips are narrower than a facet).
``tolerance_m`` (for R, and divided by R for the look angle) absorbs the differences between
facets of neighbouring strips; layover or shadow shorter than it is not flagged.
"""

from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np


def _bin_extremes(key: np.ndarray, values: np.ndarray, size: int, reduce, fill: float) -> np.ndarray:
    """Dense array of ``reduce`` (np.maximum / np.minimum) of ``values`` per integer ``key`` in [0, size)."""
    order = np.argsort(key, kind="stable")
    k = key[order]
    starts = np.r_[0, np.nonzero(np.diff(k))[0] + 1]
    out = np.full(size, fill)
    out[k[starts]] = reduce.reduceat(values[order], starts)
    return out


def _neighbour_strips(a: np.ndarray, reduce) -> np.ndarray:
    """Element-wise ``reduce`` of rows s-1, s, s+1 of ``a`` (strips x bins)."""
    out = a.copy()
    reduce(out[1:], a[:-1], out=out[1:])
    reduce(out[:-1], a[1:], out=out[:-1])
    return out


def bin_origins(t_min: float, g_min: float, azimuth_bin_s: float, ground_bin_m: float,
                time_origin_s: Optional[float] = None) -> Tuple[float, float]:
    """The first strip's start time (s) and first ground bin's start (m) for facets whose smallest
    time and ground range are ``t_min``, ``g_min``: the bins lie on a fixed raster, strips at
    ``time_origin_s`` + n x ``azimuth_bin_s`` and ground bins at n x ``ground_bin_m``, so that two
    tiles sharing facets bin them alike and flag them alike (with the same bin sizes). Without
    ``time_origin_s`` the strips start at ``t_min`` (a single tile's own raster)."""
    g0 = math.floor(g_min / ground_bin_m) * ground_bin_m
    if time_origin_s is None:
        return t_min, g0
    return time_origin_s + math.floor((t_min - time_origin_s) / azimuth_bin_s) * azimuth_bin_s, g0


def layover_shadow(azimuth_time_s: np.ndarray, ground_range_m: np.ndarray, slant_range_m: np.ndarray,
                   look_angle_rad: np.ndarray, azimuth_bin_s: float, tolerance_m: float,
                   ground_bin_m: float = None, time_origin_s: Optional[float] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Boolean (layover, shadow) arrays shaped like the inputs (NaN inputs give False).

    Inputs per facet: zero-Doppler time (s), ground range (m), slant range (m), off-nadir look
    angle (radians). ``ground_bin_m`` defaults to 2 x ``tolerance_m`` (one facet);
    ``time_origin_s``: strips on a run-wide raster (see :func:`bin_origins`).
    """
    shape = slant_range_m.shape
    t = azimuth_time_s.ravel()
    g = ground_range_m.ravel()
    r = slant_range_m.ravel()
    a = look_angle_rad.ravel()
    ok = np.isfinite(t) & np.isfinite(g) & np.isfinite(r) & np.isfinite(a)
    layover = np.zeros(t.size, dtype=bool)
    shadow = np.zeros(t.size, dtype=bool)
    if ok.sum() < 2:
        return layover.reshape(shape), shadow.reshape(shape)
    gb_m = ground_bin_m if ground_bin_m else max(2.0 * tolerance_m, 1e-3)
    idx = np.nonzero(ok)[0]
    tt, gg, rr, aa = t[idx], g[idx], r[idx], a[idx]
    t0, g0 = bin_origins(float(tt.min()), float(gg.min()), azimuth_bin_s, gb_m, time_origin_s)
    strip = np.floor((tt - t0) / azimuth_bin_s).astype(np.int64)
    gbin = np.floor((gg - g0) / gb_m).astype(np.int64)
    n_s, n_g = int(strip.max()) + 1, int(gbin.max()) + 1
    key = strip * n_g + gbin
    size = n_s * n_g
    a_max = _bin_extremes(key, aa, size, np.maximum, -np.inf).reshape(n_s, n_g)
    r_max = _bin_extremes(key, rr, size, np.maximum, -np.inf).reshape(n_s, n_g)
    r_min = _bin_extremes(key, rr, size, np.minimum, np.inf).reshape(n_s, n_g)

    # running extremes of the bins strictly nearer (or farther) along each strip
    a_before = np.full((n_s, n_g), -np.inf)
    a_before[:, 1:] = np.maximum.accumulate(a_max, axis=1)[:, :-1]
    r_before = np.full((n_s, n_g), -np.inf)
    r_before[:, 1:] = np.maximum.accumulate(r_max, axis=1)[:, :-1]
    r_after = np.full((n_s, n_g), np.inf)
    r_after[:, :-1] = np.minimum.accumulate(r_min[:, ::-1], axis=1)[:, ::-1][:, 1:]
    a_before = _neighbour_strips(a_before, np.maximum)
    r_before = _neighbour_strips(r_before, np.maximum)
    r_after = _neighbour_strips(r_after, np.minimum)

    a_ref = a_before[strip, gbin]
    sha = aa < a_ref - tolerance_m / rr
    lay = (rr < r_before[strip, gbin] - tolerance_m) | (rr > r_after[strip, gbin] + tolerance_m)
    layover[idx] = lay
    shadow[idx] = sha
    return layover.reshape(shape), shadow.reshape(shape)
