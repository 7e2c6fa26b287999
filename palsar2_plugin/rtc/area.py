"""Bilinear distribution of facet areas onto a radar grid, and bilinear read-back (pure functions).

Radar coordinates are 0-based fractional (line, pixel) of radar-cell *centres*: line = (t - t0) /
line_interval, pixel = (R - R0) / range_spacing. A facet at (l, p) gives its area to the 4 cells
around it with the bilinear weights (1-fl)(1-fp), (1-fl)fp, fl(1-fp), fl*fp (fl, fp the
fractional parts), as in Small (2011); the area is conserved exactly. Reading back uses the
same weights, so a facet sees the area of the cells it contributed to.

A window is given by its first line/pixel (``line0``, ``pixel0``) and shape; facets whose
neighbourhood falls outside it contribute only to the cells inside.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np


def _corners(line: np.ndarray, pixel: np.ndarray, line0: int, pixel0: int):
    l = line - line0
    p = pixel - pixel0
    li = np.floor(l)
    pi = np.floor(p)
    fl = l - li
    fp = p - pi
    return li.astype(np.int64), pi.astype(np.int64), fl, fp


def distribute_bilinear(line: np.ndarray, pixel: np.ndarray, weights, line0: int, pixel0: int,
                        shape: Tuple[int, int]):
    """Sum of ``weights`` spread bilinearly over a (n_lines, n_pixels) float64 window.

    ``weights``: one array, or a tuple of arrays (then a tuple of windows is returned; the
    indices are computed once). NaN coordinates are ignored (NaN weights count as 0).
    """
    single = isinstance(weights, np.ndarray)
    wlist = (weights,) if single else tuple(weights)
    n_l, n_p = shape
    width = n_p + 2
    size = (n_l + 2) * width
    l = line - (line0 - 1)   # padded window: one extra cell on every side
    p = pixel - (pixel0 - 1)
    ok = (l >= 0) & (l < n_l + 1) & (p >= 0) & (p < n_p + 1)   # False for NaN
    l, p = l[ok], p[ok]
    li = l.astype(np.int64)
    pi = p.astype(np.int64)
    fl = l - li
    fp = p - pi
    base = li * width + pi
    idx = np.concatenate([base, base + 1, base + width, base + width + 1])
    w00 = (1 - fl) * (1 - fp)
    w01 = (1 - fl) * fp
    w10 = fl * (1 - fp)
    w11 = fl * fp
    outs = []
    for w in wlist:
        wv = np.nan_to_num(w[ok], nan=0.0)
        acc = np.bincount(idx, weights=np.concatenate([wv * w00, wv * w01, wv * w10, wv * w11]), minlength=size)
        outs.append(acc.reshape(n_l + 2, width)[1:-1, 1:-1].copy())
    return outs[0] if single else tuple(outs)


def read_bilinear(image: np.ndarray, line: np.ndarray, pixel: np.ndarray, line0: int, pixel0: int,
                  nodata_zero: bool = False) -> np.ndarray:
    """Bilinear interpolation of ``image`` (window starting at line0, pixel0) at (line, pixel).

    Outside the window, at NaN coordinates, or where any of the 4 neighbours is NaN (or 0 when
    ``nodata_zero``), the result is NaN. Output float64 shaped like ``line``.
    """
    n_l, n_p = image.shape
    out = np.full(line.shape, np.nan)
    ok = np.isfinite(line) & np.isfinite(pixel)
    li, pi, fl, fp = _corners(np.where(ok, line, -10.0), np.where(ok, pixel, -10.0), line0, pixel0)
    # allow a point exactly on the last line/pixel
    at_last_l = (li == n_l - 1) & (fl == 0)
    at_last_p = (pi == n_p - 1) & (fp == 0)
    li = np.where(at_last_l, li - 1, li)
    fl = np.where(at_last_l, 1.0, fl)
    pi = np.where(at_last_p, pi - 1, pi)
    fp = np.where(at_last_p, 1.0, fp)
    ok &= (li >= 0) & (li < n_l - 1) & (pi >= 0) & (pi < n_p - 1)
    li, pi, fl, fp = li[ok], pi[ok], fl[ok], fp[ok]
    img = image.astype(np.float64, copy=False)
    v00 = img[li, pi]
    v01 = img[li, pi + 1]
    v10 = img[li + 1, pi]
    v11 = img[li + 1, pi + 1]
    val = (v00 * (1 - fl) * (1 - fp) + v01 * (1 - fl) * fp + v10 * fl * (1 - fp) + v11 * fl * fp)
    if nodata_zero:
        bad = (v00 == 0) | (v01 == 0) | (v10 == 0) | (v11 == 0)
        val = np.where(bad, np.nan, val)
    out[ok] = val
    return out
