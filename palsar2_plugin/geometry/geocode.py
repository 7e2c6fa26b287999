"""Geocoding: any raster in radar geometry onto a map grid (backward, with the zero-Doppler solver).

For every map pixel centre (x, y in the grid's CRS, at an ellipsoidal height from the caller,
usually a DEM resampled to the grid) the zero-Doppler time and slant range give its fractional
line and pixel in the radar grid (:func:`.zero_doppler.radar_coordinates`); the radar raster is
sampled there bilinearly (real or complex values; NaN outside the image or next to a NaN sample).
Map grids are given like rasterio's: CRS, corner affine transform (pixel (0, 0) spans
[c, c + a] x [f + e, f]), shape (rows, cols). Work goes in blocks of rows: memory stays bounded.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from .zero_doppler import radar_coordinates


def map_pixel_lon_lat(crs, transform, row0: int, row1: int, cols: int) -> Tuple[np.ndarray, np.ndarray]:
    """(lon, lat) degrees of the pixel centres of rows [row0, row1) of a map grid ``cols`` wide."""
    from pyproj import Transformer

    c = np.arange(cols) + 0.5
    r = np.arange(row0, row1) + 0.5
    x = transform.c + c[None, :] * transform.a + r[:, None] * transform.b
    y = transform.f + c[None, :] * transform.d + r[:, None] * transform.e
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def map_grid_radar_coordinates(grid, orbit, crs, transform, heights_m: np.ndarray, row0: int = 0
                               ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(azimuth time s, slant range m, line, pixel) in ``grid`` (a RadarGrid of ``orbit``) of the
    map pixels whose ellipsoidal heights (m) are ``heights_m`` (rows from ``row0`` of the map grid)."""
    rows, cols = heights_m.shape
    lon, lat = map_pixel_lon_lat(crs, transform, row0, row0 + rows, cols)
    return radar_coordinates(grid, orbit, lat, lon, heights_m)


def sample_bilinear(image: np.ndarray, line: np.ndarray, pixel: np.ndarray) -> np.ndarray:
    """``image`` (lines, pixels; real or complex) at fractional (line, pixel), sample centres at
    integers; NaN outside the image, at NaN coordinates or next to a NaN sample."""
    n_l, n_p = image.shape
    dtype = np.complex128 if np.iscomplexobj(image) else np.float64
    out = np.full(line.shape, np.nan, dtype=dtype)
    ok = np.isfinite(line) & np.isfinite(pixel) & (line >= 0) & (line <= n_l - 1) & (pixel >= 0) & (pixel <= n_p - 1)
    li = np.minimum(np.floor(line[ok]).astype(np.int64), max(n_l - 2, 0))
    pi = np.minimum(np.floor(pixel[ok]).astype(np.int64), max(n_p - 2, 0))
    fl = line[ok] - li
    fp = pixel[ok] - pi
    l1 = np.minimum(li + 1, n_l - 1)
    p1 = np.minimum(pi + 1, n_p - 1)
    out[ok] = ((image[li, pi] * (1 - fp) + image[li, p1] * fp) * (1 - fl)
               + (image[l1, pi] * (1 - fp) + image[l1, p1] * fp) * fl)
    return out


def geocode_raster(image: np.ndarray, grid, orbit, crs, transform, heights_m: np.ndarray,
                   block_rows: int = 256, out: Optional[np.ndarray] = None) -> np.ndarray:
    """``image`` (a raster on the radar grid ``grid`` of ``orbit``, any real or complex dtype) on the
    map grid of ``heights_m`` (ellipsoidal heights, m, of its pixel centres): bilinear, NaN where the
    image does not reach. Returns float64 or complex128 (or fills ``out``)."""
    rows, cols = heights_m.shape
    if out is None:
        out = np.empty((rows, cols), dtype=np.complex128 if np.iscomplexobj(image) else np.float64)
    for r0 in range(0, rows, block_rows):
        r1 = min(rows, r0 + block_rows)
        _, _, line, pixel = map_grid_radar_coordinates(grid, orbit, crs, transform, heights_m[r0:r1], r0)
        out[r0:r1] = sample_bilinear(image, line, pixel)
    return out
