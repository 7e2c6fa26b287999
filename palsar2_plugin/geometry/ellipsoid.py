"""WGS84 ellipsoid: constants and exact geodetic <-> Earth-fixed Cartesian (ECEF) conversion.

Latitudes/longitudes in degrees (geodetic, WGS84), heights in metres above the ellipsoid,
ECEF coordinates in metres. All functions are vectorised over any array shape. GRS80 (the
ellipsoid named in JAXA's leaders) differs from WGS84 by 0.1 mm in the semi-minor axis, so
WGS84 is used for both.
"""

from __future__ import annotations

import numpy as np

WGS84_A = 6378137.0                      # semi-major axis (m)
WGS84_F = 1.0 / 298.257223563            # flattening
WGS84_B = WGS84_A * (1.0 - WGS84_F)      # semi-minor axis (m)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)     # first eccentricity squared
WGS84_EP2 = WGS84_E2 / (1.0 - WGS84_E2)  # second eccentricity squared
EARTH_ROTATION_RAD_S = 7.2921151467e-5   # WGS84 Earth rotation rate (rad/s)
EARTH_GM_M3_S2 = 3.986004418e14          # WGS84 gravitational parameter (m^3/s^2)
EARTH_J2 = 1.08262668e-3                 # second zonal harmonic (EGM, unnormalised)


def prime_vertical_radius(lat_rad):
    """Radius of curvature in the prime vertical N(phi) in metres; ``lat_rad`` in radians."""
    s = np.sin(lat_rad)
    return WGS84_A / np.sqrt(1.0 - WGS84_E2 * s * s)


def meridian_radius(lat_rad):
    """Meridional radius of curvature M(phi) in metres; ``lat_rad`` in radians."""
    s = np.sin(lat_rad)
    return WGS84_A * (1.0 - WGS84_E2) / (1.0 - WGS84_E2 * s * s) ** 1.5


def geodetic_to_ecef(lat_deg, lon_deg, height_m):
    """Geodetic (degrees, degrees, metres above the ellipsoid) -> ECEF (..., 3) in metres.

    Inputs broadcast against each other; the result has their broadcast shape plus a last axis of 3.
    """
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    h = np.asarray(height_m, dtype=np.float64)
    n = prime_vertical_radius(lat)
    cos_lat = np.cos(lat)
    x = (n + h) * cos_lat * np.cos(lon)
    y = (n + h) * cos_lat * np.sin(lon)
    z = (n * (1.0 - WGS84_E2) + h) * np.sin(lat)
    x, y, z = np.broadcast_arrays(x, y, z)
    return np.stack([x, y, z], axis=-1)


def ecef_to_geodetic(xyz):
    """ECEF (..., 3) in metres -> (lat_deg, lon_deg, height_m), each of shape (...).

    Bowring's iteration on the parametric latitude, run a fixed 4 times (vectorised; no
    per-point loop). Exact to far below 1 mm from the Earth's interior out to beyond
    geostationary distances (the residual after 4 steps is ~1e-15 rad for |h| < 1e7 m).
    """
    xyz = np.asarray(xyz, dtype=np.float64)
    x, y, z = xyz[..., 0], xyz[..., 1], xyz[..., 2]
    p = np.hypot(x, y)
    lon = np.arctan2(y, x)
    # initial parametric latitude
    beta = np.arctan2(z * WGS84_A, p * WGS84_B)
    for _ in range(4):
        sb, cb = np.sin(beta), np.cos(beta)
        lat = np.arctan2(z + WGS84_EP2 * WGS84_B * sb ** 3, p - WGS84_E2 * WGS84_A * cb ** 3)
        beta = np.arctan2((1.0 - WGS84_F) * np.sin(lat), np.cos(lat))
    sl, cl = np.sin(lat), np.cos(lat)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * sl * sl)
    # Stable everywhere (no division by cos(lat) near the poles).
    height = p * cl + z * sl - WGS84_A * WGS84_A / n
    return np.degrees(lat), np.degrees(lon), height


def enu_basis(lat_deg, lon_deg):
    """Local East, North, Up unit vectors (each (..., 3), ECEF components) at geodetic lat/lon.

    Up is the ellipsoid normal (geodetic vertical).
    """
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    lat, lon = np.broadcast_arrays(lat, lon)
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    zero = np.zeros_like(lat)
    east = np.stack([-so, co, zero], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    return east, north, up
