"""Range-Doppler geolocation on the WGS84 ellipsoid plus a height, in both directions.

Frame and units: Earth-fixed (ECEF) metres and m/s; azimuth times in seconds after the
orbit's reference time; slant ranges one-way in metres; latitudes/longitudes in degrees;
heights in metres above the WGS84 ellipsoid; Doppler in Hz; angles returned in degrees.

Doppler convention: f = (2 / wavelength) * v_sat . u, with u the unit vector from the
satellite to the target and v_sat the Earth-fixed velocity; f > 0 for a target ahead of the
satellite. Zero Doppler (u perpendicular to v_sat) is the default everywhere.

All solvers are vectorised Newton iterations over arrays of any shape: Python loops run only
over iterations (a handful), never over points. NaN inputs give NaN outputs.
"""

from __future__ import annotations

from typing import Callable, Optional, Tuple, Union

import numpy as np

from .ellipsoid import WGS84_A, WGS84_E2, ecef_to_geodetic, enu_basis, geodetic_to_ecef
from .orbit import Orbit
from .radar_grid import LOOK_SIDES, GeometryError, RadarGrid

DopplerArg = Union[float, np.ndarray, Callable[[np.ndarray], np.ndarray]]


def _dot(a, b):
    return np.einsum("...k,...k->...", a, b)


def _norm(a):
    return np.sqrt(_dot(a, a))


def _doppler_factor(doppler_hz: DopplerArg, wavelength_m: Optional[float], slant_range_m):
    """lambda * f_dc / 2 (m/s) for the given Doppler (number, array or callable of slant range)."""
    if callable(doppler_hz):
        f = np.asarray(doppler_hz(slant_range_m), dtype=np.float64)
    else:
        f = np.asarray(doppler_hz, dtype=np.float64)
        if not np.any(f):
            return 0.0
    if wavelength_m is None:
        raise GeometryError("A non-zero Doppler centroid needs the radar wavelength (wavelength_m).")
    return 0.5 * float(wavelength_m) * f


# --------------------------------------------------------------------------- backward
def zero_doppler_time(orbit: Orbit, target_xyz, t_initial_s, *, wavelength_m: Optional[float] = None,
                      doppler_hz: DopplerArg = 0.0, max_iterations: int = 30) -> Tuple[np.ndarray, np.ndarray]:
    """Azimuth time (s) and one-way slant range (m) at which the satellite sees ``target_xyz``.

    target_xyz: ECEF (..., 3) in metres. t_initial_s: first guess, scalar or broadcastable to
    the target shape (e.g. the scene's mid time; a guess hundreds of seconds off still converges).
    By default the zero-Doppler time (line of sight perpendicular to the Earth-fixed velocity);
    with ``doppler_hz`` (Hz: number, array, or callable of slant range in m) and
    ``wavelength_m`` the time at which the target has that Doppler centroid.
    The solver of :mod:`.zero_doppler` on the Hermite orbit (error far below 1e-8 s).
    Raises OrbitError if the solution lies outside the orbit's state vectors; a point without a
    solution gets NaN.
    """
    from .zero_doppler import solve

    target = np.asarray(target_xyz, dtype=np.float64)
    shape = target.shape[:-1]
    p = target.reshape(-1, 3)
    t = np.broadcast_to(np.asarray(t_initial_s, dtype=np.float64), shape).reshape(-1).copy()
    valid = np.all(np.isfinite(p), axis=-1) & np.isfinite(t)
    points = tuple(np.where(valid, p[:, c], np.nan) for c in range(3))
    if callable(doppler_hz):
        half_lambda_f = lambda slant: _doppler_factor(doppler_hz, wavelength_m, slant)  # noqa: E731
    else:
        fd = np.broadcast_to(np.asarray(doppler_hz, dtype=np.float64), shape).reshape(-1)
        half_lambda_f = _doppler_factor(fd, wavelength_m, None) if np.any(fd) else None
    t = solve(points, orbit, t, half_lambda_doppler=half_lambda_f, max_iterations=max_iterations).time_s
    orbit.check_times(t)
    finite = np.isfinite(t)
    s, v = orbit.position_velocity(np.where(finite, t, orbit.start_s), check=False)
    d = p - s
    slant = _norm(d)
    # not converged (should not happen for targets the orbit sees): NaN rather than a wrong time
    residual = _dot(v, d)
    if half_lambda_f is not None:
        residual = residual - (half_lambda_f(slant) if callable(half_lambda_f) else half_lambda_f) * slant
    t[finite & (np.abs(residual) / _norm(v) > 1e-3)] = np.nan
    slant[~np.isfinite(t)] = np.nan
    return t.reshape(shape), slant.reshape(shape)


# --------------------------------------------------------------------------- forward
def _initial_guess(pos, vel, slant_range_m, height_m, side_sign, along_cos):
    """Target estimate on a sphere of the local radius: a start point for the Newton solver."""
    rs = _norm(pos)
    n_hat = -pos / rs[..., None]
    lat_s, lon_s, _ = ecef_to_geodetic(pos)
    rt = _norm(geodetic_to_ecef(lat_s, lon_s, 0.0)) + height_m
    cos_look = np.clip((rs ** 2 + slant_range_m ** 2 - rt ** 2) / (2.0 * rs * slant_range_m), -1.0, 1.0)
    sin_look = np.sqrt(1.0 - cos_look ** 2)
    c_hat = np.cross(n_hat, vel)
    c_hat /= _norm(c_hat)[..., None]
    t_hat = np.cross(c_hat, n_hat)
    sin_a = np.clip(along_cos, -0.5, 0.5)
    cos_a = np.sqrt(1.0 - sin_a ** 2)
    look = (cos_a * cos_look)[..., None] * n_hat + (cos_a * sin_look * side_sign)[..., None] * c_hat \
        + sin_a[..., None] * t_hat
    return pos + slant_range_m[..., None] * look


def _surface_point_and_derivatives(lat_rad, lon_rad, height_m):
    """ECEF point at geodetic (lat, lon in radians, h in m) and its derivatives d/dlat, d/dlon (m/rad)."""
    sl, cl, so, co = np.sin(lat_rad), np.cos(lat_rad), np.sin(lon_rad), np.cos(lon_rad)
    w2 = 1.0 - WGS84_E2 * sl * sl
    n = WGS84_A / np.sqrt(w2)
    m = n * (1.0 - WGS84_E2) / w2
    nh = n + height_m
    mh = m + height_m
    p = np.stack([nh * cl * co, nh * cl * so, (n * (1.0 - WGS84_E2) + height_m) * sl], axis=-1)
    dp_dlat = np.stack([-mh * sl * co, -mh * sl * so, mh * cl], axis=-1)
    dp_dlon = np.stack([-nh * cl * so, nh * cl * co, np.zeros_like(sl)], axis=-1)
    return p, dp_dlat, dp_dlon


def geolocate(orbit: Orbit, azimuth_time_s, slant_range_m, height_m, look_side: str,
              wavelength_m: Optional[float] = None, doppler_hz: DopplerArg = 0.0,
              *, tolerance_m: float = 1e-5, max_iterations: int = 20) -> Tuple[np.ndarray, np.ndarray]:
    """(lat_deg, lon_deg) of the point at ``height_m`` above the ellipsoid seen at the azimuth
    time (s) and one-way slant range (m), on the ``look_side`` ('right'/'left') of the track.

    It intersects the range sphere, the Doppler cone (zero-Doppler plane by default; else
    ``doppler_hz`` in Hz, number/array/callable of slant range, with ``wavelength_m``) and the
    surface at geodetic height h: Newton's method in (latitude, longitude) with exact
    derivatives, started from a spherical-Earth solution on the requested side.
    Inputs broadcast; converges to ``tolerance_m`` (10 um) in 3-5 steps. Where no such point
    exists (slant range shorter than the satellite's height above that surface, or beyond the
    horizon) the result is NaN.
    """
    if look_side not in LOOK_SIDES:
        raise GeometryError(f"look_side must be 'right' or 'left', not {look_side!r}.")
    arrays = [np.asarray(azimuth_time_s, dtype=np.float64), np.asarray(slant_range_m, dtype=np.float64),
              np.asarray(height_m, dtype=np.float64)]
    if not callable(doppler_hz):
        arrays.append(np.asarray(doppler_hz, dtype=np.float64))
    arrays = np.broadcast_arrays(*arrays)
    shape = arrays[0].shape
    t, r, h = (a.reshape(-1) for a in arrays[:3])
    fd = np.asarray(doppler_hz(r), dtype=np.float64) if callable(doppler_hz) else arrays[3].reshape(-1)
    k = _doppler_factor(fd, wavelength_m, r)
    k = np.broadcast_to(np.asarray(k, dtype=np.float64), t.shape)

    pos, vel = orbit.position_velocity(t)
    speed = _norm(vel)
    v_hat = vel / speed[..., None]
    target_cos = k / speed                          # required v_hat . u
    side = 1.0 if look_side == "right" else -1.0
    guess = _initial_guess(pos, vel, r, h, side, target_cos)
    lat_d, lon_d, _ = ecef_to_geodetic(guess)
    lat, lon = np.radians(lat_d), np.radians(lon_d)

    good = np.isfinite(lat) & np.isfinite(lon) & np.isfinite(r) & np.isfinite(h)
    lat[~good] = np.nan
    lon[~good] = np.nan
    active = np.nonzero(good)[0]
    for _ in range(max_iterations):
        if active.size == 0:
            break
        la, lo, ha = lat[active], lon[active], h[active]
        p, dp_dlat, dp_dlon = _surface_point_and_derivatives(la, lo, ha)
        d = p - pos[active]
        rd = _norm(d)
        u = d / rd[..., None]
        vh = v_hat[active]
        vu = _dot(vh, u)
        f1 = rd - r[active]
        f2 = vu - target_cos[active]
        g2 = (vh - vu[..., None] * u) / rd[..., None]
        a11, a12 = _dot(u, dp_dlat), _dot(u, dp_dlon)
        a21, a22 = _dot(g2, dp_dlat), _dot(g2, dp_dlon)
        det = a11 * a22 - a12 * a21
        # limit wild first steps (at most 0.05 rad = 300 km)
        dlat = np.clip((a22 * f1 - a12 * f2) / det, -0.05, 0.05)
        dlon = np.clip((a11 * f2 - a21 * f1) / det, -0.05, 0.05)
        lat[active] = la - dlat
        lon[active] = lo - dlon
        step_m = np.hypot(dlat * 6.4e6, dlon * 6.4e6 * np.cos(la))
        active = active[step_m > tolerance_m]
    # Points without a solution (slant range shorter than the height above the surface, or beyond
    # the horizon) or that did not converge get NaN rather than a wrong position.
    ok = np.isfinite(lat) & np.isfinite(lon)
    idx = np.nonzero(ok)[0]
    if idx.size:
        p = geodetic_to_ecef(np.degrees(lat[idx]), np.degrees(lon[idx]), h[idx])
        d = p - pos[idx]
        rd = _norm(d)
        bad = (np.abs(rd - r[idx]) > 1e-3) | (np.abs(_dot(v_hat[idx], d) - target_cos[idx] * rd) > 1e-3)
        bad |= _dot(np.cross(-pos[idx], vel[idx]), d) * side <= 0          # wrong side of the track
        _, _, up = enu_basis(np.degrees(lat[idx]), np.degrees(lon[idx]))
        bad |= _dot(up, d) >= 0                                             # below the horizon
        lat[idx[bad]] = np.nan
        lon[idx[bad]] = np.nan
    lon = (lon + np.pi) % (2.0 * np.pi) - np.pi
    return np.degrees(lat).reshape(shape), np.degrees(lon).reshape(shape)


# --------------------------------------------------------------------------- grid helpers
def radar_to_geo(grid: RadarGrid, orbit: Orbit, line, pixel, height_m) -> Tuple[np.ndarray, np.ndarray]:
    """(lat_deg, lon_deg) of fractional 0-based (line, pixel) of ``grid`` at ``height_m`` (m, ellipsoid).

    Uses the grid's look side, wavelength and Doppler centroid polynomial (zero Doppler if none).
    """
    t = grid.time_of_line(line)
    r = grid.range_of_pixel(pixel)
    doppler = 0.0 if grid.is_zero_doppler else grid.doppler_hz
    return geolocate(orbit, t, r, height_m, grid.look_side, grid.wavelength_m, doppler)


def geo_to_radar(grid: RadarGrid, orbit: Orbit, lat_deg, lon_deg, height_m, t_initial_s=None):
    """(azimuth_time_s, slant_range_m, line, pixel) of points given by geodetic lat/lon (degrees)
    and height (m above the ellipsoid); line/pixel fractional, 0-based, centre convention.

    Points outside the image get line/pixel outside [0, lines-1] / [0, pixels-1] (not clipped).
    ``t_initial_s`` defaults to the grid's mid time.
    """
    xyz = geodetic_to_ecef(lat_deg, lon_deg, height_m)
    if t_initial_s is None:
        t_initial_s = grid.mid_time_s
    doppler = 0.0 if grid.is_zero_doppler else grid.doppler_hz
    t, r = zero_doppler_time(orbit, xyz, t_initial_s, wavelength_m=grid.wavelength_m, doppler_hz=doppler)
    return t, r, grid.line_of_time(t), grid.pixel_of_range(r)


def ellipsoid_incidence_of_pixels(grid: RadarGrid, orbit: Orbit, line, pixel) -> np.ndarray:
    """Ellipsoid incidence angle (degrees) at fractional 0-based (line, pixel) of ``grid``: the one
    used for calibration (beta0 = sigma0 / sin, readceos and terrain correction alike), looks and
    product metadata. The pixel is geolocated on the ellipsoid (h = 0); NaN where that fails."""
    line = np.asarray(line, dtype=np.float64)
    lat, lon = radar_to_geo(grid, orbit, line, pixel, np.zeros(line.shape))
    return ellipsoid_incidence_deg(orbit, grid.time_of_line(line), geodetic_to_ecef(lat, lon, 0.0))


def ellipsoid_incidence_rows(grid: RadarGrid, orbit: Orbit, row0: int, row1: int, step: int = 64,
                             fallback: Optional[Callable[[np.ndarray], np.ndarray]] = None) -> np.ndarray:
    """Ellipsoid incidence (degrees) of every pixel of lines [row0, row1) of ``grid``, shape
    (row1 - row0, pixels): :func:`ellipsoid_incidence_of_pixels` exactly on a lattice of every
    ``step``-th line and pixel of the grid (and the last), bilinear in between (the angle is smooth:
    far below 1e-4 degree off). A pixel gets the same value whatever lines are asked together, so
    images calibrated block by block agree whatever their blocks. ``fallback``: incidence (degrees)
    as a function of slant range (m) where geolocation fails (e.g. the leader's polynomial)."""
    from .lattice import lattice_indices, upsample

    lines, pixels = lattice_indices(grid.lines, grid.pixels, step)
    first = max(int(np.searchsorted(lines, row0, side="right")) - 1, 0)
    last = min(int(np.searchsorted(lines, max(row1 - 1, row0), side="left")), lines.size - 1)
    rows = lines[first:last + 1]
    ll, pp = np.meshgrid(rows.astype(np.float64), pixels.astype(np.float64), indexing="ij")
    coarse = ellipsoid_incidence_of_pixels(grid, orbit, ll, pp)
    bad = ~np.isfinite(coarse)
    if bad.any() and fallback is not None:
        coarse[bad] = fallback(grid.range_of_pixel(pp[bad]))
    if not np.all(np.isfinite(coarse)):
        raise GeometryError("Cannot compute the incidence angle of the image: the product's orbit and range "
                            "timing do not match.")
    full = upsample(coarse, rows - rows[0], pixels, int(rows[-1] - rows[0]) + 1, grid.pixels)
    return full[row0 - rows[0]:row1 - rows[0]]


def default_looks(grid: RadarGrid, orbit: Orbit, pixel_size_m: float) -> Tuple[int, int]:
    """(azimuth, range) looks giving ground cells of about ``pixel_size_m`` (m) in the middle of
    ``grid``: the ground speed of the zero-Doppler point (two points a second apart on the
    ellipsoid) times the line interval along azimuth, slant spacing / sin(ellipsoid incidence)
    along range."""
    t = grid.mid_time_s
    r = grid.slant_range_mid_m
    lat, lon = geolocate(orbit, np.array([t, t + 1.0]), np.array([r, r]), np.zeros(2), grid.look_side)
    p = geodetic_to_ecef(lat, lon, 0.0)
    ground_speed = float(np.linalg.norm(p[1] - p[0]))
    inc = float(ellipsoid_incidence_deg(orbit, np.array([t]), p[:1])[0])
    if not (np.isfinite(ground_speed) and np.isfinite(inc)):
        raise GeometryError("Cannot locate the middle of the image on the Earth: the product's orbit and timing "
                            "do not match.")
    az = max(1, int(round(pixel_size_m / (ground_speed * grid.line_interval_s))))
    rg = max(1, int(round(pixel_size_m * np.sin(np.radians(inc)) / grid.range_spacing_m)))
    return az, rg


# --------------------------------------------------------------------------- look vectors, angles
def look_vectors(orbit: Orbit, azimuth_time_s, target_xyz) -> Tuple[np.ndarray, np.ndarray]:
    """Unit vectors (..., 3) from the target towards the satellite at ``azimuth_time_s``, and the
    one-way slant range (m). ECEF components."""
    s = orbit.position(azimuth_time_s)
    d = s - np.asarray(target_xyz, dtype=np.float64)
    r = _norm(d)
    return d / r[..., None], r


def ellipsoid_incidence_deg(orbit: Orbit, azimuth_time_s, target_xyz) -> np.ndarray:
    """Incidence angle (degrees) on the ellipsoid: between the ellipsoid normal at the target
    (geodetic vertical of its lat/lon) and the line of sight to the satellite."""
    to_sensor, _ = look_vectors(orbit, azimuth_time_s, target_xyz)
    lat, lon, _ = ecef_to_geodetic(target_xyz)
    _, _, up = enu_basis(lat, lon)
    return np.degrees(np.arccos(np.clip(_dot(up, to_sensor), -1.0, 1.0)))


def local_incidence_deg(to_sensor, surface_normal) -> np.ndarray:
    """Local incidence angle (degrees) between a surface normal (..., 3; any length, ECEF
    components, pointing out of the ground) and the unit line of sight towards the sensor.
    Angles above 90 degrees mean the facet faces away from the radar (shadow)."""
    n = np.asarray(surface_normal, dtype=np.float64)
    cos_t = _dot(n, to_sensor) / _norm(n)
    return np.degrees(np.arccos(np.clip(cos_t, -1.0, 1.0)))


def look_angle_deg(orbit: Orbit, azimuth_time_s, target_xyz, time_nodes: int = 0) -> np.ndarray:
    """Off-nadir look angle (degrees) at the satellite: between the geodetic nadir of the
    satellite and the line of sight to the target. ``time_nodes`` > 1: the satellite's position and
    nadir are computed at that many times spanning ``azimuth_time_s`` and interpolated linearly (they
    are smooth in time: over a second with 33 nodes the position is within 0.1 mm), for many points."""
    t = np.asarray(azimuth_time_s, dtype=np.float64)
    if time_nodes > 1 and t.size > time_nodes and np.ptp(t) > 0:
        nodes = np.linspace(float(t.min()), float(t.max()), int(time_nodes))
        s_n = orbit.position(nodes)
        lat, lon, _ = ecef_to_geodetic(s_n)
        up_n = enu_basis(lat, lon)[2]
        s = np.stack([np.interp(t, nodes, s_n[:, i]) for i in range(3)], axis=-1)
        up = np.stack([np.interp(t, nodes, up_n[:, i]) for i in range(3)], axis=-1)
    else:
        s = orbit.position(t)
        lat, lon, _ = ecef_to_geodetic(s)
        _, _, up = enu_basis(lat, lon)
    d = np.asarray(target_xyz, dtype=np.float64) - s
    return np.degrees(np.arccos(np.clip(-_dot(up, d) / _norm(d), -1.0, 1.0)))


def side_of_track(orbit: Orbit, azimuth_time_s, target_xyz) -> np.ndarray:
    """+1 where the target lies right of the flight direction, -1 where left (ECEF geometry)."""
    s, v = orbit.position_velocity(azimuth_time_s)
    d = np.asarray(target_xyz, dtype=np.float64) - s
    right = np.cross(-s, v)                  # nadir x velocity points to the right
    return np.sign(_dot(right, d))


__all__ = ["zero_doppler_time", "geolocate", "radar_to_geo", "geo_to_radar", "look_vectors",
           "ellipsoid_incidence_deg", "ellipsoid_incidence_of_pixels", "default_looks", "local_incidence_deg",
           "look_angle_deg", "side_of_track"]
