"""Orbit and range-Doppler geometry on the WGS84 ellipsoid.

Modules: ``ellipsoid`` (WGS84, geodetic <-> ECEF), ``orbit`` (state-vector interpolation),
``orbit_polynomial`` (a short-span polynomial of an orbit, fast on large arrays), ``zero_doppler``
(the one zero-Doppler solver: numpy and compiled, first guesses, radar coordinates of many points),
``radar_grid`` (line/pixel <-> azimuth time/slant range), ``range_doppler`` (forward and
backward geocoding of points, look vectors, incidence angles), ``geocode`` (a radar raster onto a
map grid), ``lattice`` (coarse lattices and their interpolation), ``orbit_model`` (synthetic
ALOS-2 orbits), ``footprint``.

Conventions used throughout: Earth-fixed Cartesian coordinates (ECEF, the "ECR" frame of the
CEOS leader) in metres; times in seconds after an orbit's UTC reference time; latitudes and
longitudes in degrees (geodetic, WGS84); heights in metres above the WGS84 ellipsoid.
"""

from .ellipsoid import WGS84_A, WGS84_B, WGS84_F, WGS84_E2, ecef_to_geodetic, geodetic_to_ecef  # noqa: F401
from .orbit import Orbit, OrbitError  # noqa: F401
from .radar_grid import GeometryError, RadarGrid  # noqa: F401
from .range_doppler import (ellipsoid_incidence_deg, geo_to_radar, geolocate, local_incidence_deg,  # noqa: F401
                            look_angle_deg, look_vectors, radar_to_geo, side_of_track, zero_doppler_time)
from .orbit_model import CircularOrbitModel, synthetic_alos2_orbit, synthetic_alos2_orbit_model  # noqa: F401
from .footprint import footprint_ring, tie_point_grid  # noqa: F401
