"""Layover and shadow from the acquisition geometry, along each range line (pure function).

Facets are grouped into narrow azimuth strips (one "range line" each, ``azimuth_bin_s`` seconds of
zero-Doppler time wide) and ordered by ground range g (distance from the sensor to the facet's
foot on the ellipsoid, m). Along a range line, for flat or gentle terrain:

- the slant range R grows with g; a facet whose R is not above every R nearer the sensor, or not
  below every R farther away, shares its slant range with another part of the line: **layover**
  (active layover on the fore-slope and the passive layover it folds onto);
- the off-nadir look angle grows with g; a facet whose look angle is below the largest look angle
  of the terrain nearer the sensor is hidden from it: **shadow** (active and passive).

``tolerance_m`` (default: half a facet) absorbs the small differences between facets of one
strip that lie at slightly different azimuths; layover or shadow shorter than that is not flagged.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np


def _segmented_cummax_exclusive(values: np.ndarray, segment: np.ndarray, offset: float) -> np.ndarray:
    """Running maximum of earlier elements of the same segment (-inf for a segment's first element).

    ``values`` sorted by (segment, position), ``segment`` non-decreasing non-negative integers,
    ``offset`` larger than the range of ``values`` (segments are separated by adding offset*segment).
    """
    shifted = values + segment * offset
    running = np.maximum.accumulate(shifted)
    prev = np.empty_like(running)
    prev[0] = -np.inf
    prev[1:] = running[:-1]
    prev -= segment * offset
    first = np.ones(segment.size, dtype=bool)
    first[1:] = segment[1:] != segment[:-1]
    prev[first] = -np.inf
    return prev


def layover_shadow(azimuth_time_s: np.ndarray, ground_range_m: np.ndarray, slant_range_m: np.ndarray,
                   look_angle_rad: np.ndarray, azimuth_bin_s: float, tolerance_m: float
                   ) -> Tuple[np.ndarray, np.ndarray]:
    """Boolean (layover, shadow) arrays shaped like the inputs (NaN inputs give False).

    Inputs per facet: zero-Doppler time (s), ground range (m), slant range (m), off-nadir look
    angle (radians). ``tolerance_m`` is used for slant range and, divided by the slant range, for
    the look angle.
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
    idx = np.nonzero(ok)[0]
    tt, gg, rr, aa = t[idx], g[idx], r[idx], a[idx]
    strip = np.floor((tt - tt.min()) / azimuth_bin_s).astype(np.int64)
    g0 = gg.min()
    g_span = gg.max() - g0 + 1.0
    order = np.argsort(strip * g_span + (gg - g0), kind="stable")
    strip_s, r_s, a_s = strip[order], rr[order], aa[order]

    r0 = r_s.min()
    r_rel = r_s - r0
    r_off = r_rel.max() + 10.0 * tolerance_m + 1.0
    before_max = _segmented_cummax_exclusive(r_rel, strip_s, r_off)
    # running minimum of later elements = - running maximum of the negated, reversed sequence
    rev_strip = strip_s.max() - strip_s[::-1]
    after_min = -_segmented_cummax_exclusive(-r_rel[::-1] + r_off, rev_strip, 3.0 * r_off)[::-1] + r_off
    lay_s = (r_rel < before_max - tolerance_m) | (r_rel > after_min + tolerance_m)

    tol_angle = tolerance_m / r_s
    a_max_before = _segmented_cummax_exclusive(a_s, strip_s, 4.0)
    sha_s = a_s < a_max_before - tol_angle

    lay = np.empty_like(lay_s)
    sha = np.empty_like(sha_s)
    lay[order] = lay_s
    sha[order] = sha_s
    layover[idx] = lay
    shadow[idx] = sha
    return layover.reshape(shape), shadow.reshape(shape)
