"""Pure tile functions: illuminated (gamma) area of a terrain mesh, shadow, bilinear accumulation.

The terrain of a block of radar lines is a mesh of ECEF vertices ``(rows, cols, 3)`` in metres.
Rows run along track (one azimuth time per row), columns across track from near to far range
(increasing slant range of the vertex's position on the ellipsoid). Each mesh cell is split into
two triangles, (r,c)-(r,c+1)-(r+1,c+1) and (r,c)-(r+1,c+1)-(r+1,c).

Illuminated area of a facet (Small 2011): its area projected onto the plane perpendicular to the
look direction, ``A_gamma = max(0, a . l)``, with ``a`` the facet's area vector (m^2, pointing
away from the Earth) and ``l`` the unit vector from the facet to the sensor; zero for facets
facing away and for facets in radar shadow. Radar coordinates are 0-based with line/pixel
centres at integer values.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np


def facet_area_vectors(vertices: np.ndarray) -> np.ndarray:
    """Area vectors (m^2) of the two triangles of every mesh cell: shape (rows-1, cols-1, 2, 3).

    The vector's length is the triangle's area; it points to the side of increasing distance
    from the Earth's centre (outward), whatever the orientation of the mesh.
    """
    v = np.asarray(vertices, dtype=np.float64)
    p00, p01 = v[:-1, :-1], v[:-1, 1:]
    p10, p11 = v[1:, :-1], v[1:, 1:]
    lower = 0.5 * np.cross(p01 - p00, p11 - p00)
    upper = 0.5 * np.cross(p11 - p00, p10 - p00)
    areas = np.stack([lower, upper], axis=-2)
    outward = np.sign(np.einsum("...k,...k->...", areas, p00[..., None, :]))
    outward[outward == 0] = 1.0
    return areas * outward[..., None]


def facet_values(vertex_values: np.ndarray) -> np.ndarray:
    """Mean of a per-vertex quantity over each triangle's 3 vertices: shape (rows-1, cols-1, 2, ...)."""
    v = np.asarray(vertex_values, dtype=np.float64)
    p00, p01 = v[:-1, :-1], v[:-1, 1:]
    p10, p11 = v[1:, :-1], v[1:, 1:]
    lower = (p00 + p01 + p11) / 3.0
    upper = (p00 + p11 + p10) / 3.0
    return np.stack([lower, upper], axis=2)


def facet_any(vertex_flags: np.ndarray) -> np.ndarray:
    """True for each triangle with at least one flagged vertex: shape (rows-1, cols-1, 2)."""
    f = np.asarray(vertex_flags, dtype=bool)
    p00, p01 = f[:-1, :-1], f[:-1, 1:]
    p10, p11 = f[1:, :-1], f[1:, 1:]
    return np.stack([p00 | p01 | p11, p00 | p11 | p10], axis=2)


def shadow_vertices(vertices: np.ndarray, sensor_positions: np.ndarray,
                    horizon_in: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Radar shadow of each mesh vertex along its row (range line): (bool (rows, cols), horizon (rows,)).

    ``sensor_positions`` (rows, 3) is the sensor (ECEF, m) seen from each row. A vertex is in
    shadow when its look angle (angle at the sensor between nadir and the vertex, radians) is
    smaller than that of some vertex nearer in range on the same row: the ray to it is blocked.
    ``horizon_in`` (rows,): the largest look angle met so far on each row (from a nearer chunk of
    the same rows; default none); the returned horizon continues it over this chunk.
    """
    v = np.asarray(vertices, dtype=np.float64)
    s = np.asarray(sensor_positions, dtype=np.float64)[:, None, :]
    to_target = v - s
    nadir = -s / np.linalg.norm(s, axis=-1, keepdims=True)
    cos_look = np.einsum("rck,rck->rc", to_target, np.broadcast_to(nadir, to_target.shape))
    cos_look /= np.linalg.norm(to_target, axis=-1)
    look = np.arccos(np.clip(cos_look, -1.0, 1.0))
    if horizon_in is None:
        horizon_in = np.full(look.shape[0], -np.inf)
    horizon = np.maximum.accumulate(np.concatenate([np.asarray(horizon_in, dtype=np.float64)[:, None], look],
                                                   axis=1), axis=1)
    shadow = look < horizon[:, :-1] - 1e-12
    return shadow, horizon[:, -1]


def illuminated_areas(area_vectors: np.ndarray, facet_positions: np.ndarray,
                      sensor_positions: np.ndarray, shadowed: np.ndarray) -> np.ndarray:
    """Illuminated area ``A_gamma`` (m^2) of each facet: area projected perpendicular to the look.

    ``area_vectors`` (..., 3) from :func:`facet_area_vectors`, ``facet_positions`` (..., 3) the
    facets' centroids and ``sensor_positions`` (..., 3) the sensor seen by each facet (ECEF, m);
    ``shadowed`` (...) bool. Facets facing away (negative projection) or shadowed get 0.
    """
    look = np.asarray(sensor_positions, dtype=np.float64) - np.asarray(facet_positions, dtype=np.float64)
    look /= np.linalg.norm(look, axis=-1, keepdims=True)
    projected = np.einsum("...k,...k->...", area_vectors, look)
    projected = np.where(np.asarray(shadowed, dtype=bool), 0.0, projected)
    return np.maximum(projected, 0.0)


def splat_bilinear(line: np.ndarray, pixel: np.ndarray, values: np.ndarray,
                   first_line: int, lines: int, pixels: int) -> np.ndarray:
    """Accumulate ``values`` at fractional radar positions with bilinear weights.

    Each value at (``line``, ``pixel``) (0-based, integer = pixel centre) is shared among the 4
    surrounding pixels with weights (1-dl)(1-dp), (1-dl)dp, dl(1-dp), dl dp. Returns the sums on
    the grid of ``lines`` x ``pixels`` starting at line ``first_line`` (float64); contributions
    falling outside it are dropped.
    """
    line = np.asarray(line, dtype=np.float64).ravel() - first_line
    pixel = np.asarray(pixel, dtype=np.float64).ravel()
    values = np.asarray(values, dtype=np.float64).ravel()
    keep = np.isfinite(line) & np.isfinite(pixel) & (values != 0.0)
    keep &= (line > -1.0) & (line < lines) & (pixel > -1.0) & (pixel < pixels)
    line, pixel, values = line[keep], pixel[keep], values[keep]
    l0 = np.floor(line).astype(np.int64)
    p0 = np.floor(pixel).astype(np.int64)
    dl = line - l0
    dp = pixel - p0
    out = np.zeros(lines * pixels, dtype=np.float64)
    for il, wl in ((0, 1.0 - dl), (1, dl)):
        for ip, wp in ((0, 1.0 - dp), (1, dp)):
            li, pi = l0 + il, p0 + ip
            ok = (li >= 0) & (li < lines) & (pi >= 0) & (pi < pixels)
            out += np.bincount(li[ok] * pixels + pi[ok], weights=(values * wl * wp)[ok],
                               minlength=lines * pixels)
    return out.reshape(lines, pixels)
