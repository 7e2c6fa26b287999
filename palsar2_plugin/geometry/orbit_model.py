"""Synthetic ALOS-2 orbits: an analytic near-circular orbit placed to see a chosen scene.

Model (``CircularOrbitModel``): a circular Keplerian orbit of semi-major axis ``a`` and
inclination ``i`` whose argument of latitude u and right ascension of the ascending node
Omega advance at their J2 secular rates (so the orbit is sun-synchronous at i = 97.9 deg and
a = 6378.137 + 628 km: dOmega/dt = 0.9856 deg/day), expressed in an inertial frame whose z
axis is the Earth's rotation axis and rotated into the Earth-fixed frame by the Greenwich
angle theta(t) = GMST(reference time) + omega_E * t. Position and velocity are analytic
(velocity is the exact time derivative of the position, Earth rotation included), so the
model is also the reference against which orbit interpolation is tested. Short-period J2
terms, drag and the 'frozen' eccentricity are ignored: altitude is 628 km at the equator
and about 650 km over the poles (ellipsoid flattening), as for ALOS-2.

Placement (``synthetic_alos2_orbit``): at ``centre_time_utc`` the satellite sees the scene
centre (lat, lon, height) at zero Doppler, at the requested ellipsoid incidence angle, on
the requested side, on an ascending or descending pass. The two free orbit angles (Omega, u
at the centre time) are first estimated on a sphere (sub-satellite point displaced from the
scene centre perpendicular to the ground track by the Earth-central angle between target
and satellite), then refined by Newton's method on the exact conditions: zero Doppler in the
Earth-fixed frame and the ellipsoid incidence angle. State vectors are then sampled every
``interval_s`` seconds at whole multiples of ``interval_s`` in UTC seconds of the day,
``n_vectors`` of them spanning the centre time as in JAXA's leaders (28 vectors at 60 s = 27
minutes, first one about 13.5 minutes before the scene centre).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Tuple

import numpy as np

from .ellipsoid import (EARTH_GM_M3_S2, EARTH_J2, EARTH_ROTATION_RAD_S, WGS84_A, ecef_to_geodetic, enu_basis,
                        geodetic_to_ecef)
from .orbit import Orbit
from .radar_grid import LOOK_SIDES, GeometryError

ALOS2_ALTITUDE_M = 628_000.0          # nominal altitude over the equator
ALOS2_INCLINATION_DEG = 97.9          # sun-synchronous
PASS_DIRECTIONS = ("ascending", "descending")


def greenwich_mean_sidereal_angle_rad(utc: datetime) -> float:
    """Greenwich mean sidereal angle (radians, 0..2pi) at a UTC time (IAU 1982, UT1 ~ UTC)."""
    utc = utc.astimezone(timezone.utc)
    jd = 2440587.5 + utc.timestamp() / 86400.0
    deg = 280.46061837 + 360.98564736629 * (jd - 2451545.0)
    return math.radians(deg % 360.0)


@dataclass(frozen=True)
class CircularOrbitModel:
    """Analytic circular orbit with J2 secular drift; see the module docstring.

    semi_major_axis_m: orbit radius (m). inclination_deg: degrees. raan_rad, arg_latitude_rad:
    Omega and u (radians) at ``reference_time_utc``. Times are seconds after reference_time_utc.
    """

    reference_time_utc: datetime
    semi_major_axis_m: float
    inclination_deg: float
    raan_rad: float
    arg_latitude_rad: float

    @property
    def mean_motion_rad_s(self) -> float:
        return math.sqrt(EARTH_GM_M3_S2 / self.semi_major_axis_m ** 3)

    def _rates(self) -> Tuple[float, float]:
        """(du/dt, dOmega/dt) in rad/s: Keplerian mean motion plus J2 secular terms (e = 0)."""
        n = self.mean_motion_rad_s
        k = 1.5 * EARTH_J2 * (WGS84_A / self.semi_major_axis_m) ** 2
        ci = math.cos(math.radians(self.inclination_deg))
        return n * (1.0 + k * (4.0 * ci * ci - 1.0)), -n * k * ci

    @property
    def nodal_precession_deg_per_day(self) -> float:
        return math.degrees(self._rates()[1]) * 86400.0

    @property
    def greenwich_angle0_rad(self) -> float:
        return greenwich_mean_sidereal_angle_rad(self.reference_time_utc)

    def state(self, t_s):
        """Exact Earth-fixed position (m) and velocity (m/s), shape ``t.shape + (3,)``."""
        t = np.asarray(t_s, dtype=np.float64)
        u_dot, raan_dot = self._rates()
        a = self.semi_major_axis_m
        inc = math.radians(self.inclination_deg)
        ci, si = math.cos(inc), math.sin(inc)
        u = self.arg_latitude_rad + u_dot * t
        om = self.raan_rad + raan_dot * t
        cu, su, co, so = np.cos(u), np.sin(u), np.cos(om), np.sin(om)
        r = a * np.stack([co * cu - so * su * ci, so * cu + co * su * ci, su * si], axis=-1)
        dr_du = a * np.stack([-co * su - so * cu * ci, -so * su + co * cu * ci, cu * si], axis=-1)
        dr_dom = np.stack([-r[..., 1], r[..., 0], np.zeros_like(u)], axis=-1)
        v = u_dot * dr_du + raan_dot * dr_dom
        theta = self.greenwich_angle0_rad + EARTH_ROTATION_RAD_S * t
        c, s = np.cos(theta)[..., None], np.sin(theta)[..., None]

        def to_earth_fixed(q):
            return np.concatenate([c * q[..., :1] + s * q[..., 1:2], -s * q[..., :1] + c * q[..., 1:2],
                                   q[..., 2:]], axis=-1)

        r_e = to_earth_fixed(r)
        v_e = to_earth_fixed(v)
        v_e = v_e + EARTH_ROTATION_RAD_S * np.stack([r_e[..., 1], -r_e[..., 0], np.zeros_like(u)], axis=-1)
        return r_e, v_e

    def state_at(self, utc: datetime):
        """Earth-fixed position (m) and velocity (m/s) at a UTC datetime."""
        return self.state((utc - self.reference_time_utc).total_seconds())

    def to_orbit(self, first_vector_utc: datetime, n_vectors: int = 28, interval_s: float = 60.0) -> Orbit:
        """Sample ``n_vectors`` state vectors every ``interval_s`` s from ``first_vector_utc``."""
        offset = (first_vector_utc - self.reference_time_utc).total_seconds()
        times = np.arange(n_vectors) * float(interval_s)
        pos, vel = self.state(offset + times)
        return Orbit(first_vector_utc, times, pos, vel)


def _orbit_from_angles(reference: datetime, raan: float, u: float) -> CircularOrbitModel:
    return CircularOrbitModel(reference, WGS84_A + ALOS2_ALTITUDE_M, ALOS2_INCLINATION_DEG, raan, u)


def _conditions(model: CircularOrbitModel, target: np.ndarray, up: np.ndarray):
    """(v_hat . u_hat, ellipsoid incidence in rad, side: +1 right / -1 left) at the model's t = 0."""
    s, v = model.state(0.0)
    d = target - s
    rng = np.linalg.norm(d)
    zero_doppler = float(np.dot(v, d) / (np.linalg.norm(v) * rng))
    incidence = math.acos(float(np.clip(-np.dot(up, d) / rng, -1.0, 1.0)))
    side = float(np.sign(np.dot(np.cross(-s, v), d)))
    return zero_doppler, incidence, side


def synthetic_alos2_orbit_model(centre_lat_deg: float, centre_lon_deg: float, centre_time_utc: datetime,
                                pass_direction: str = "ascending", look_side: str = "right",
                                incidence_deg: float = 35.0, centre_height_m: float = 0.0) -> CircularOrbitModel:
    """The analytic ALOS-2-like orbit (reference time = ``centre_time_utc``) that sees the scene
    centre at zero Doppler at ``centre_time_utc`` with ellipsoid incidence ``incidence_deg``
    (degrees) on ``look_side`` during an ``pass_direction`` pass. See the module docstring."""
    if pass_direction not in PASS_DIRECTIONS:
        raise GeometryError(f"pass_direction must be 'ascending' or 'descending', not {pass_direction!r}.")
    if look_side not in LOOK_SIDES:
        raise GeometryError(f"look_side must be 'right' or 'left', not {look_side!r}.")
    if not 5.0 <= incidence_deg <= 70.0:
        raise GeometryError(f"incidence_deg must be between 5 and 70 degrees for ALOS-2, got {incidence_deg}.")
    if not abs(centre_lat_deg) <= 78.0:
        raise GeometryError(f"A synthetic ALOS-2 scene centre must lie within 78 degrees of the equator "
                            f"(inclination {ALOS2_INCLINATION_DEG} deg), got latitude {centre_lat_deg}.")
    if centre_time_utc.tzinfo is None:
        raise GeometryError("centre_time_utc must be a timezone-aware UTC datetime.")
    centre_time_utc = centre_time_utc.astimezone(timezone.utc)
    inc = math.radians(ALOS2_INCLINATION_DEG)
    a = WGS84_A + ALOS2_ALTITUDE_M
    target = geodetic_to_ecef(centre_lat_deg, centre_lon_deg, centre_height_m)
    _, _, up = enu_basis(centre_lat_deg, centre_lon_deg)
    theta_inc = math.radians(incidence_deg)

    # --- spherical first guess
    r_t = float(np.linalg.norm(target))
    lat_c = math.asin(target[2] / r_t)                      # geocentric
    lon_c = math.atan2(target[1], target[0])
    look = math.asin(r_t * math.sin(theta_inc) / a)
    gamma = theta_inc - look                                  # Earth-central angle target-satellite
    heading = math.asin(max(-1.0, min(1.0, math.cos(inc) / math.cos(lat_c))))
    if pass_direction == "descending":
        heading = math.pi - heading
    bearing = heading - math.pi / 2 if look_side == "right" else heading + math.pi / 2
    lat_s = math.asin(math.sin(lat_c) * math.cos(gamma) + math.cos(lat_c) * math.sin(gamma) * math.cos(bearing))
    lon_s = lon_c + math.atan2(math.sin(bearing) * math.sin(gamma) * math.cos(lat_c),
                               math.cos(gamma) - math.sin(lat_c) * math.sin(lat_s))
    lon_inertial = lon_s + greenwich_mean_sidereal_angle_rad(centre_time_utc)
    su = max(-1.0, min(1.0, math.sin(lat_s) / math.sin(inc)))
    u = math.asin(su) if pass_direction == "ascending" else math.pi - math.asin(su)
    raan = lon_inertial - math.atan2(math.cos(inc) * math.sin(u), math.cos(u))

    # --- Newton refinement on (raan, u): zero Doppler and the exact ellipsoid incidence
    x = np.array([raan, u])
    for _ in range(30):
        f0 = np.array(_conditions(_orbit_from_angles(centre_time_utc, *x), target, up)[:2]) - [0.0, theta_inc]
        jac = np.empty((2, 2))
        step = 1e-7
        for j in range(2):
            xp = x.copy()
            xp[j] += step
            fj = np.array(_conditions(_orbit_from_angles(centre_time_utc, *xp), target, up)[:2]) - [0.0, theta_inc]
            jac[:, j] = (fj - f0) / step
        dx = np.linalg.solve(jac, f0)
        x = x - dx
        if np.max(np.abs(dx)) < 1e-13:
            break
    model = _orbit_from_angles(centre_time_utc, float(x[0]), float(x[1]))
    zd, incidence, side = _conditions(model, target, up)
    want_side = 1.0 if look_side == "right" else -1.0
    _, vel = model.state(0.0)
    going_north = vel[2] > 0 if abs(centre_lat_deg) < 70 else None
    if (abs(zd) > 1e-9 or abs(incidence - theta_inc) > 1e-9 or side != want_side
            or (going_north is not None and going_north != (pass_direction == "ascending"))):
        raise GeometryError(f"Could not place a synthetic orbit for latitude {centre_lat_deg}, incidence "
                            f"{incidence_deg} deg, {pass_direction} {look_side}-looking.")
    return model


def first_vector_time(centre_time_utc: datetime, n_vectors: int = 28, interval_s: float = 60.0) -> datetime:
    """UTC time of the first state vector: (n-1)/2 intervals before the centre, rounded down to a
    whole multiple of ``interval_s`` in seconds of the UTC day (JAXA's layout)."""
    start = centre_time_utc - timedelta(seconds=(n_vectors - 1) * interval_s / 2.0)
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    sod = (start - day).total_seconds()
    return day + timedelta(seconds=math.floor(sod / interval_s) * interval_s)


def synthetic_alos2_orbit(centre_lat_deg: float, centre_lon_deg: float, centre_time_utc: datetime,
                          pass_direction: str = "ascending", look_side: str = "right",
                          incidence_deg: float = 35.0, n_vectors: int = 28, interval_s: float = 60.0,
                          centre_height_m: float = 0.0) -> Orbit:
    """A realistic ALOS-2 orbit (state vectors) seeing the scene centre (degrees, height in m
    above the ellipsoid) at ``centre_time_utc`` (aware UTC) at zero Doppler with ellipsoid
    incidence ``incidence_deg`` (degrees) on ``look_side`` ('right'/'left'), ``pass_direction``
    ('ascending'/'descending'). Returns an :class:`Orbit` whose reference time is its first
    vector; see the module docstring for the model and how the geometry is chosen."""
    model = synthetic_alos2_orbit_model(centre_lat_deg, centre_lon_deg, centre_time_utc, pass_direction,
                                        look_side, incidence_deg, centre_height_m)
    return model.to_orbit(first_vector_time(model.reference_time_utc, n_vectors, interval_s), n_vectors,
                          interval_s)
