"""Where the pixel centres of a tile of the output map grid lie in a beam's (multilooked) radar grid.

Their ellipsoidal heights come from the caller (the terrain correction's DEM layer on the same grid,
so the positions and the layover/shadow mask come from the same heights); their zero-Doppler time and
slant range from the plugin's single solver (:func:`palsar2_plugin.geometry.zero_doppler.radar_coordinates`:
orbit polynomial, first guesses from a coarse lattice, compiled when numba is there), which give the
fractional (line, pixel); the look angle at the satellite comes with them. Rasters are then sampled
there with :func:`palsar2_plugin.geometry.geocode.sample_bilinear` (complex sums as phasors).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry.ellipsoid import geodetic_to_ecef
from ..geometry.geocode import map_pixel_lon_lat
from ..geometry.range_doppler import look_angle_deg
from ..geometry.zero_doppler import radar_coordinates


@dataclass
class MapPositions:
    """(line, pixel) in the beam grid of every map pixel of a tile (NaN: no height), the look angle
    (degrees) and the zero-Doppler time (s)."""

    line: np.ndarray
    pixel: np.ndarray
    look_angle_deg: np.ndarray
    time_s: np.ndarray


def tile_positions(grid, tile, heights_m: np.ndarray, orbit, beam_grid) -> MapPositions:
    """Positions of the pixel centres of ``tile`` (rtc.grid.Tile) of the map ``grid`` (rtc.grid.OutputGrid)
    in ``beam_grid`` (a RadarGrid of ``orbit``); ``heights_m``: their ellipsoidal heights (tile shape, NaN
    where unknown)."""
    lon, lat = map_pixel_lon_lat(grid.crs, grid.window_transform(tile.row0, tile.col0), 0, tile.shape[0],
                                 tile.shape[1])
    ok = np.isfinite(heights_m)
    h = np.where(ok, heights_m, 0.0)
    time_s, _, line, pixel = radar_coordinates(beam_grid, orbit, lat, lon, h)
    look = np.full(tile.shape, np.nan)
    if ok.any():
        look[ok] = look_angle_deg(orbit, time_s[ok], geodetic_to_ecef(lat[ok], lon[ok], h[ok]), time_nodes=33)
    for a in (line, pixel, time_s):
        a[~ok] = np.nan
    return MapPositions(line, pixel, look, time_s)
