"""DEM facets: the small surface patches whose illuminated areas make up the reference area.

The DEM is sampled at the *vertices* of a fine grid (oversampled output grid); a facet is the
quadrilateral between 4 neighbouring vertices. Its vector area is half the cross product of its
diagonals (exact for a planar quadrilateral; for a warped one it is the area vector of the
surface spanned by its edges), oriented upward. With l the unit vector to the sensor:

- A_sigma = |A|              (true surface area, m^2)
- A_gamma = max(A . l, 0)    (area projected onto the plane perpendicular to the look direction,
                              Small 2011; 0 for facets facing away from the sensor)
- cos(local incidence) = A . l / |A|

Vertex arrays are (ny+1, nx+1); facet arrays are (ny, nx). Pure functions on tuples (x, y, z).
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

from .orbit_poly import Vec3


def facet_centres(vx: np.ndarray) -> np.ndarray:
    """Mean of each facet's 4 corner values: (ny+1, nx+1) -> (ny, nx)."""
    return 0.25 * (vx[:-1, :-1] + vx[:-1, 1:] + vx[1:, :-1] + vx[1:, 1:])


def facet_area_vectors(vertices: Vec3, up: Vec3) -> Vec3:
    """Vector area (m^2, ECEF components) of each facet, oriented to the side of ``up``.

    ``vertices``: ECEF x, y, z of the vertices (ny+1, nx+1) each; ``up``: an upward direction per
    facet (ny, nx) (e.g. the ellipsoid normal) or broadcastable.
    """
    x, y, z = vertices
    # diagonals: from (i, j) to (i+1, j+1) and from (i, j+1) to (i+1, j)
    d1 = (x[1:, 1:] - x[:-1, :-1], y[1:, 1:] - y[:-1, :-1], z[1:, 1:] - z[:-1, :-1])
    d2 = (x[1:, :-1] - x[:-1, 1:], y[1:, :-1] - y[:-1, 1:], z[1:, :-1] - z[:-1, 1:])
    ax = 0.5 * (d1[1] * d2[2] - d1[2] * d2[1])
    ay = 0.5 * (d1[2] * d2[0] - d1[0] * d2[2])
    az = 0.5 * (d1[0] * d2[1] - d1[1] * d2[0])
    sign = np.sign(ax * up[0] + ay * up[1] + az * up[2])
    sign = np.where(sign == 0, 1.0, sign)
    return ax * sign, ay * sign, az * sign


def illuminated_areas(area: Vec3, to_sensor: Vec3) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A_gamma, A_sigma, cos_local_incidence) per facet from its vector area and unit look vector.

    A_gamma is clipped at 0 (facets facing away from the sensor receive no energy);
    cos_local_incidence is not clipped (negative means facing away).
    """
    a_sigma = np.sqrt(area[0] ** 2 + area[1] ** 2 + area[2] ** 2)
    projected = area[0] * to_sensor[0] + area[1] * to_sensor[1] + area[2] * to_sensor[2]
    with np.errstate(invalid="ignore", divide="ignore"):
        cos_lia = projected / a_sigma
    return np.maximum(projected, 0.0), a_sigma, cos_lia


def cos_angle_to(up: Vec3, to_sensor: Vec3) -> np.ndarray:
    """Cosine of the angle between unit vectors ``up`` and ``to_sensor`` (e.g. ellipsoid incidence)."""
    return up[0] * to_sensor[0] + up[1] * to_sensor[1] + up[2] * to_sensor[2]
