"""The writer's product description of a simulated scene: names, orbit, beams and leader metadata.

Besides what the scene model gives (:mod:`.scene`), it fills: JAXA-style corners (first/last line
of the nearest and farthest beam, h = 0), the DSS incidence polynomial (theta_ell in radians as a
quintic in slant range km, over the whole swath), the facility-5 coordinate polynomials (stripmap),
the centre incidence, off-nadir angle and heading, and the line-prefix geolocation of the first,
centre and last pixel of each line (h = 0). Angles in degrees unless stated.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

from ..geometry.ellipsoid import ecef_to_geodetic, enu_basis, geodetic_to_ecef
from ..geometry.range_doppler import ellipsoid_incidence_deg, geolocate, look_angle_deg, radar_to_geo
from .modes import CALIBRATION_FACTOR_DB
from .scene import SimulatedScene


def corners(scene: SimulatedScene):
    from ..ceos.scene import Corners

    first, last = scene.beams[0].grid, scene.beams[-1].grid

    def at(grid, line, pixel):
        lat, lon = radar_to_geo(grid, scene.orbit, line, pixel, 0.0)
        return float(lat), float(lon)

    return Corners(left_top=at(first, 0, 0), right_top=at(last, 0, last.pixels - 1),
                   left_bottom=at(first, first.lines - 1, 0),
                   right_bottom=at(last, last.lines - 1, last.pixels - 1),
                   centre=(scene.centre_lat_deg, scene.centre_lon_deg))


def incidence_polynomial(scene: SimulatedScene, degree: int = 5) -> Tuple[float, ...]:
    """6 coefficients a_k with theta_ell[rad] = sum a_k (R / 1000)^k over the whole swath (DSS 1887)."""
    grid_near, grid_far = scene.beams[0].grid, scene.beams[-1].grid
    tc = scene.orbit.seconds_from_datetime(scene.centre_time_utc)
    ranges = np.linspace(grid_near.slant_range_first_m, grid_far.slant_range_last_m, 64)
    lat, lon = geolocate(scene.orbit, tc, ranges, 0.0, scene.look_side)
    inc = np.radians(ellipsoid_incidence_deg(scene.orbit, tc, geodetic_to_ecef(lat, lon, 0.0)))
    poly = np.polynomial.Polynomial.fit(ranges / 1000.0, inc, degree).convert()
    coeffs = list(poly.coef) + [0.0] * (6 - len(poly.coef))
    return tuple(float(c) for c in coeffs[:6])


def _fit_poly_5x5(x: np.ndarray, y: np.ndarray, values: np.ndarray) -> Tuple[float, ...]:
    """25 coefficients c[(4-i)*5 + (4-j)] of sum c x^i y^j (i, j <= 4) fitted by least squares
    (the facility-5 ordering); variables are scaled for the solve, coefficients unscaled."""
    sx = float(np.max(np.abs(x))) or 1.0
    sy = float(np.max(np.abs(y))) or 1.0
    u, v = x / sx, y / sy
    columns, scales = [], []
    for k in range(25):
        i, j = 4 - k // 5, 4 - k % 5
        columns.append(u ** i * v ** j)
        scales.append(sx ** i * sy ** j)
    solution, *_ = np.linalg.lstsq(np.stack(columns, axis=1), values, rcond=None)
    return tuple(float(c / sc) for c, sc in zip(solution, scales))


def coordinate_polynomials(scene: SimulatedScene):
    """Facility-5 polynomials (pixel, line) <-> (lat, lon) of a stripmap scene on the ellipsoid (h = 0),
    fitted on a 15 x 15 grid over the image; None for ScanSAR (left as zeros: which beam JAXA's
    coefficients refer to is not documented)."""
    from ..ceos.scene import CoordinatePolynomials

    if scene.mode.is_scansar:
        return None
    grid = scene.beams[0].grid
    p0, l0 = float(grid.pixels // 2), float(grid.lines // 2)
    pixels, lines = np.meshgrid(np.linspace(0, grid.pixels - 1, 15), np.linspace(0, grid.lines - 1, 15))
    lat, lon = radar_to_geo(grid, scene.orbit, lines.ravel(), pixels.ravel(), 0.0)
    lat0, lon0 = scene.centre_lat_deg, scene.centre_lon_deg
    x, y = pixels.ravel() - p0, lines.ravel() - l0
    return CoordinatePolynomials(
        to_latitude=_fit_poly_5x5(x, y, lat), to_longitude=_fit_poly_5x5(x, y, lon),
        origin_pixel=p0, origin_line=l0,
        to_pixel=_fit_poly_5x5(lat - lat0, lon - lon0, pixels.ravel()),
        to_line=_fit_poly_5x5(lat - lat0, lon - lon0, lines.ravel()),
        origin_latitude=lat0, origin_longitude=lon0)


def build_description(scene: SimulatedScene, calibration_factor_db: float = CALIBRATION_FACTOR_DB):
    """The writer's :class:`~palsar2_plugin.ceos.writer.ProductDescription` of a simulated scene."""
    from ..ceos.scene import StateVector
    from ..ceos.writer import BeamGrid, ProductDescription
    orbit = scene.orbit
    vectors = tuple(StateVector(t, tuple(float(x) for x in p), tuple(float(x) for x in v))
                    for t, p, v in orbit.state_vectors())
    mode = scene.mode
    beams = tuple(BeamGrid(beam=b.number, lines=b.grid.lines, pixels=b.grid.pixels, prf_hz=b.spec.prf_hz,
                           first_line_time_utc=b.first_line_time_utc, near_range_m=b.grid.slant_range_first_m,
                           range_sampling_rate_hz=mode.range_sampling_rate_hz)
                  for b in scene.beams)
    tc = orbit.seconds_from_datetime(scene.centre_time_utc)
    centre_xyz = geodetic_to_ecef(scene.centre_lat_deg, scene.centre_lon_deg, 0.0)
    pos, vel = orbit.position_velocity(np.array([tc]))
    # heading: azimuth of the ground track (deg from north, clockwise)
    lat_s, lon_s, _ = ecef_to_geodetic(pos[0])
    east, north, _ = enu_basis(lat_s, lon_s)
    heading = float(np.degrees(np.arctan2(vel[0] @ east, vel[0] @ north)))
    return ProductDescription(
        mode=mode.code, look_side=scene.look_side, pass_direction=scene.pass_direction,
        orbit_number=scene.orbit_number, frame_number=scene.frame_number,
        polarisations=tuple(mode.polarisations), state_vectors=vectors,
        scene_centre_time_utc=scene.centre_time_utc,
        scene_centre_lat_lon=(scene.centre_lat_deg, scene.centre_lon_deg), corners=corners(scene),
        beams=beams, calibration_factor_db=calibration_factor_db,
        incidence_polynomial=incidence_polynomial(scene), coordinate_polynomials=coordinate_polynomials(scene),
        centre_incidence_deg=float(ellipsoid_incidence_deg(orbit, tc, centre_xyz)),
        off_nadir_deg=float(look_angle_deg(orbit, tc, centre_xyz)), centre_heading_deg=heading,
        range_bandwidth_hz=mode.range_bandwidth_hz, chirp_length_s=mode.chirp_length_s,
        azimuth_bandwidth_hz=mode.azimuth_bandwidth_of(scene.beams[0].spec))


def pixel_geolocation(scene: SimulatedScene):
    """Line-prefix geolocation: (lat, lon) of the first, centre and last pixel of given lines, h = 0."""
    by_number = {b.number: b.grid for b in scene.beams}

    def locate(beam: int, lines: np.ndarray):
        grid = by_number[beam]
        pixels = np.array([0.0, (grid.pixels - 1) / 2.0, grid.pixels - 1.0])
        lat, lon = radar_to_geo(grid, scene.orbit, np.asarray(lines, dtype=np.float64)[:, None],
                                pixels[None, :], 0.0)
        return lat, lon

    return locate
