"""A small synthetic acquisition geometry for tests and benchmarks of the terrain correction.

A circular orbit fixed in the Earth frame (Earth rotation ignored, as in the shared sarsen
benchmark), heading north over a scene centre, right-looking, and a radar grid that covers a
given area. Times are seconds after ``REFERENCE_TIME``; ECEF metres; angles degrees.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence, Tuple

import numpy as np

from palsar2_plugin.geometry.ellipsoid import EARTH_GM_M3_S2, WGS84_A, enu_basis, geodetic_to_ecef
from palsar2_plugin.geometry.orbit import Orbit
from palsar2_plugin.geometry.orbit_polynomial import OrbitPolynomial
from palsar2_plugin.geometry.radar_grid import RadarGrid
from palsar2_plugin.geometry.zero_doppler import solve

REFERENCE_TIME = datetime(2024, 1, 1, 3, 0, 0, tzinfo=timezone.utc)
L_BAND_WAVELENGTH_M = 0.229


def circular_orbit(lat_deg: float, lon_deg: float, incidence_deg: float = 35.0, altitude_m: float = 628e3,
                   span_s: float = 200.0, step_s: float = 10.0) -> Orbit:
    """A north-going, right-looking circular orbit seeing (lat, lon) at about ``incidence_deg`` at t = 0."""
    east, north, _ = enu_basis(lat_deg, lon_deg)
    centre = geodetic_to_ecef(lat_deg, lon_deg, 0.0)
    r_e = float(np.linalg.norm(centre))
    r_s = WGS84_A + altitude_m
    theta = np.radians(incidence_deg)
    look = np.arcsin(r_e * np.sin(theta) / r_s)
    beta = theta - look
    u_c = centre / r_e
    s0 = r_s * (np.cos(beta) * u_c - np.sin(beta) * east)
    s_hat = s0 / r_s
    w = north - np.dot(north, s_hat) * s_hat
    w /= np.linalg.norm(w)
    omega = np.sqrt(EARTH_GM_M3_S2 / r_s ** 3)
    t = np.arange(-span_s, span_s + step_s / 2, step_s)
    pos = r_s * (np.cos(omega * t)[:, None] * s_hat + np.sin(omega * t)[:, None] * w)
    vel = r_s * omega * (-np.sin(omega * t)[:, None] * s_hat + np.cos(omega * t)[:, None] * w)
    return Orbit(REFERENCE_TIME, t, pos, vel)


def radar_grid_covering(orbit: Orbit, lat_deg: np.ndarray, lon_deg: np.ndarray, height_m: np.ndarray,
                        line_interval_s: float, range_spacing_m: float, margin_cells: int = 8) -> RadarGrid:
    """A right-looking radar grid whose lines and pixels cover all the given points (+ a margin)."""
    pts = geodetic_to_ecef(np.ravel(lat_deg), np.ravel(lon_deg), np.ravel(height_m))
    poly = OrbitPolynomial.fit(orbit.position_velocity_acceleration, orbit.start_s + 20, orbit.stop_s - 20)
    sol = solve((pts[:, 0], pts[:, 1], pts[:, 2]), poly, 0.0)
    t0 = float(np.nanmin(sol.time_s)) - margin_cells * line_interval_s
    t1 = float(np.nanmax(sol.time_s)) + margin_cells * line_interval_s
    r0 = float(np.nanmin(sol.slant_range_m)) - margin_cells * range_spacing_m
    r1 = float(np.nanmax(sol.slant_range_m)) + margin_cells * range_spacing_m
    lines = int(np.ceil((t1 - t0) / line_interval_s)) + 1
    pixels = int(np.ceil((r1 - r0) / range_spacing_m)) + 1
    return RadarGrid(first_line_time_s=t0, line_interval_s=line_interval_s, slant_range_first_m=r0,
                     range_spacing_m=range_spacing_m, lines=lines, pixels=pixels, look_side="right",
                     wavelength_m=L_BAND_WAVELENGTH_M)


def gaussian_hills(shape: Tuple[int, int], pixel_m: float, peaks: Sequence[Tuple[float, float, float, float]],
                   base_m: float = 0.0) -> np.ndarray:
    """Heights (m) on a (rows, cols) grid: base + sum of Gaussians (row_frac, col_frac, height_m, sigma_m)."""
    rows, cols = shape
    y = (np.arange(rows) + 0.5) * pixel_m
    x = (np.arange(cols) + 0.5) * pixel_m
    h = np.full(shape, float(base_m))
    for rf, cf, amp, sigma in peaks:
        cy, cx = rf * rows * pixel_m, cf * cols * pixel_m
        h += amp * np.exp(-((y[:, None] - cy) ** 2 + (x[None, :] - cx) ** 2) / (2 * sigma ** 2))
    return h


def synthetic_case(folder: str, heights: np.ndarray, pixel_m: float = 30.0, lat_deg: float = 36.0,
                   lon_deg: float = 138.5, beams: int = 2, overlap_px: int = 40, line_spacing_m: float = 25.0,
                   range_spacing_m: float = 15.0, beta0: float = 1.0, incidence_deg: float = 35.0):
    """A DEM GeoTIFF (UTM, ellipsoidal heights ``heights`` centred on lat/lon) and an
    :class:`~.radar_input.ArrayRadarInput` of ``beams`` beams splitting the range extent with
    ``overlap_px`` pixels of overlap, constant ``beta0``. Returns (dem_path, radar_input)."""
    import os
    from dataclasses import replace

    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_origin

    from palsar2_plugin.rtc.grid import utm_epsg
    from palsar2_plugin.rtc.radar_input import ArrayRadarInput, RadarBeam

    epsg = utm_epsg(lon_deg, lat_deg)
    crs = f"EPSG:{epsg}"
    x0, y0 = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon_deg, lat_deg)
    rows, cols = heights.shape
    left, top = x0 - cols * pixel_m / 2, y0 + rows * pixel_m / 2
    os.makedirs(folder, exist_ok=True)
    dem_path = os.path.join(folder, "dem_ellipsoid.tif")
    profile = dict(driver="GTiff", width=cols, height=rows, count=1, dtype="float32", crs=crs,
                   transform=from_origin(left, top, pixel_m, pixel_m), nodata=-9999.0)
    with rasterio.open(dem_path, "w", **profile) as ds:
        ds.write(heights.astype(np.float32), 1)
    orbit = circular_orbit(lat_deg, lon_deg, incidence_deg)
    xs = left + np.array([0, cols, cols, 0]) * pixel_m
    ys = top - np.array([0, 0, rows, rows]) * pixel_m
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(xs, ys)
    finite = heights[np.isfinite(heights)]
    full = radar_grid_covering(orbit, np.asarray(lat), np.asarray(lon), np.full(4, float(np.median(finite))),
                               line_interval_s=line_spacing_m / 6800.0, range_spacing_m=range_spacing_m)
    step = full.pixels // beams
    beam_list, images = [], {}
    for b in range(beams):
        p0 = max(0, b * step - overlap_px // 2)
        p1 = min(full.pixels, (b + 1) * step + overlap_px // 2) if b < beams - 1 else full.pixels
        grid = replace(full, slant_range_first_m=full.slant_range_first_m + p0 * full.range_spacing_m, pixels=p1 - p0)
        beam_list.append(RadarBeam(b + 1, grid, 4.0))
        images[(b + 1, "HH")] = np.full((grid.lines, grid.pixels), beta0, dtype=np.float32)
    return dem_path, ArrayRadarInput(orbit, beam_list, images)
