"""Geocoding radar-geometry rasters of one beam onto the terrain-correction output grid (pure tile functions).

For the pixel centres of a map tile: the DEM's ellipsoidal height there (``rtc.dem.DemSource``), the
ECEF point, and its zero-Doppler time and range in the reference orbit (the single solver,
``geometry.range_doppler.zero_doppler_time``) give the fractional (line, pixel) in a multilooked beam
grid; rasters are sampled there bilinearly (complex interferogram sums as real and imaginary parts,
so the phase is interpolated as a phasor). The look angle at the satellite comes with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry.ellipsoid import geodetic_to_ecef
from ..geometry.range_doppler import look_angle_deg, zero_doppler_time
from ..rtc.dem import VertexGrid


@dataclass
class MapPositions:
    """(line, pixel) in the multilooked beam grid of every map pixel of a tile (NaN: no DEM), the
    look angle (degrees) and the zero-Doppler time (s)."""

    line: np.ndarray
    pixel: np.ndarray
    look_angle_deg: np.ndarray
    time_s: np.ndarray


def tile_positions(grid, tile, dem, orbit, beam_grid) -> MapPositions:
    """Positions of the pixel centres of ``tile`` (rtc.grid.Tile) of the map ``grid`` in ``beam_grid``."""
    from affine import Affine

    t = grid.transform
    vg = VertexGrid(grid.crs, Affine(t.a, 0.0, t.c + (tile.col0 + 0.5) * t.a, 0.0, t.e, t.f + (tile.row0 + 0.5) * t.e),
                    tile.shape)
    lat, lon, h = dem.ellipsoid_heights_on(vg)
    xyz = geodetic_to_ecef(lat, lon, np.where(np.isfinite(h), h, 0.0))
    xyz[~np.isfinite(h)] = np.nan
    guess = np.full(tile.shape, beam_grid.mid_time_s)
    time_s, slant = zero_doppler_time(orbit, xyz, guess)
    ok = np.isfinite(time_s)
    look = np.full(tile.shape, np.nan)
    if ok.any():
        look[ok] = look_angle_deg(orbit, time_s[ok], xyz[ok])
    return MapPositions(beam_grid.line_of_time(time_s), beam_grid.pixel_of_range(slant), look, time_s)


def sample_bilinear(raster: np.ndarray, line: np.ndarray, pixel: np.ndarray) -> np.ndarray:
    """``raster`` (2-D, real or complex; a memmap works) at fractional (line, pixel): bilinear, NaN
    (or 0j) outside the raster. Only the window the positions touch is read."""
    complex_data = np.iscomplexobj(raster)
    out = np.full(line.shape, 0j if complex_data else np.nan, dtype=np.complex64 if complex_data else np.float32)
    n_l, n_p = raster.shape
    ok = np.isfinite(line) & np.isfinite(pixel) & (line >= 0) & (line <= n_l - 1) & (pixel >= 0) & (pixel <= n_p - 1)
    if not ok.any() or n_l < 2 or n_p < 2:
        return out
    l = line[ok]
    p = pixel[ok]
    a0, a1 = int(np.floor(l.min())), min(n_l, int(np.floor(l.max())) + 2)
    b0, b1 = int(np.floor(p.min())), min(n_p, int(np.floor(p.max())) + 2)
    window = np.asarray(raster[a0:a1, b0:b1])
    r0 = np.minimum(np.floor(l).astype(np.int64), n_l - 2) - a0
    c0 = np.minimum(np.floor(p).astype(np.int64), n_p - 2) - b0
    fr = (l - (r0 + a0)).astype(np.float32)
    fc = (p - (c0 + b0)).astype(np.float32)
    out[ok] = ((window[r0, c0] * (1 - fc) + window[r0, c0 + 1] * fc) * (1 - fr)
               + (window[r0 + 1, c0] * (1 - fc) + window[r0 + 1, c0 + 1] * fc) * fr)
    return out
