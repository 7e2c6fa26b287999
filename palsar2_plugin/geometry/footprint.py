"""Footprints and tie-point (GCP) grids of a radar image from our own geolocation.

Lines/pixels 0-based with integer indices at sample centres (as in :mod:`.radar_grid`);
latitudes/longitudes in degrees; heights in metres above the WGS84 ellipsoid.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

from .orbit import Orbit
from .radar_grid import RadarGrid
from .range_doppler import radar_to_geo


def edge_points(grid: RadarGrid, points_per_edge: int = 16, outer: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """(line, pixel) of a closed ring around the image: first line (near -> far), far edge,
    last line (far -> near), near edge, back to the start. ``outer=True`` uses the outer edges
    of the corner samples (-0.5 and N-0.5), else their centres (0 and N-1)."""
    n = max(2, int(points_per_edge))
    lo = -0.5 if outer else 0.0
    l_hi = grid.lines - 0.5 if outer else grid.lines - 1.0
    p_hi = grid.pixels - 0.5 if outer else grid.pixels - 1.0
    s = np.linspace(0.0, 1.0, n, endpoint=False)
    line = np.concatenate([np.full(n, lo), lo + s * (l_hi - lo), np.full(n, l_hi), l_hi - s * (l_hi - lo), [lo]])
    pixel = np.concatenate([lo + s * (p_hi - lo), np.full(n, p_hi), p_hi - s * (p_hi - lo), np.full(n, lo), [lo]])
    return line, pixel


def footprint_ring(grid: RadarGrid, orbit: Orbit, height_m: float = 0.0,
                   points_per_edge: int = 16) -> Tuple[np.ndarray, np.ndarray]:
    """(lat_deg, lon_deg) of the closed footprint ring of ``grid`` at a constant height (m).

    Vertex order follows :func:`edge_points`; the first vertex is repeated at the end.
    """
    line, pixel = edge_points(grid, points_per_edge, outer=True)
    return radar_to_geo(grid, orbit, line, pixel, height_m)


def tie_point_grid(grid: RadarGrid, orbit: Orbit, rows: int = 11, cols: int = 11,
                   height_m: float = 0.0) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A regular rows x cols grid of tie points (GCPs) covering the image, sample centres included:
    returns (line, pixel, lat_deg, lon_deg), each of shape (rows, cols). For a GDAL GCP use
    pixel + 0.5 and line + 0.5 (GDAL counts from the corner of the first sample)."""
    lines = np.linspace(0.0, grid.lines - 1.0, max(2, int(rows)))
    pixels = np.linspace(0.0, grid.pixels - 1.0, max(2, int(cols)))
    line, pixel = np.meshgrid(lines, pixels, indexing="ij")
    lat, lon = radar_to_geo(grid, orbit, line, pixel, height_m)
    return line, pixel, lat, lon
