"""Range-Doppler geolocation: radar grid conventions, forward/backward round trips, angles."""

from datetime import datetime, timezone

import numpy as np
import pytest

from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.geometry.ellipsoid import ecef_to_geodetic, enu_basis, geodetic_to_ecef
from palsar2_plugin.geometry.orbit import Orbit, OrbitError
from palsar2_plugin.geometry.radar_grid import GeometryError, RadarGrid
from palsar2_plugin.geometry.range_doppler import (ellipsoid_incidence_deg, geo_to_radar, geolocate,
                                                   local_incidence_deg, look_angle_deg, look_vectors,
                                                   radar_to_geo, side_of_track, zero_doppler_time)

GM = 3.986004418e14
OMEGA_E = 7.2921151467e-5
A = 6378137.0 + 628e3
WAVELENGTH = 0.2424525


def circular_orbit(inclination_deg=97.9, phase=0.3):
    """An Earth-fixed circular orbit, 28 vectors 60 s apart (independent of orbit_model)."""
    n = np.sqrt(GM / A ** 3)
    inc = np.radians(inclination_deg)
    t = np.arange(28) * 60.0
    u = n * t + phase
    r_i = A * np.stack([np.cos(u), np.sin(u) * np.cos(inc), np.sin(u) * np.sin(inc)], -1)
    v_i = A * n * np.stack([-np.sin(u), np.cos(u) * np.cos(inc), np.cos(u) * np.sin(inc)], -1)
    th = OMEGA_E * t
    c, s = np.cos(th)[:, None], np.sin(th)[:, None]
    rot = lambda q: np.concatenate([c * q[:, :1] + s * q[:, 1:2], -s * q[:, :1] + c * q[:, 1:2], q[:, 2:]], -1)
    r = rot(r_i)
    v = rot(v_i) - np.cross([0.0, 0.0, OMEGA_E], r)
    return Orbit(datetime(2020, 6, 20, 3, 0, tzinfo=timezone.utc), t, r, v)


def grid(look_side="right", doppler=(0.0,)):
    return RadarGrid(first_line_time_s=800.0, line_interval_s=1 / 2122.3, slant_range_first_m=760e3,
                     range_spacing_m=4.2913, lines=20000, pixels=12000, look_side=look_side,
                     wavelength_m=WAVELENGTH, doppler_hz_coefficients=doppler)


def test_radar_grid_conventions():
    g = grid(doppler=(-18.5767897, -0.0243354))
    assert g.time_of_line(0) == 800.0
    assert g.time_of_line(2122.3) == pytest.approx(801.0)
    assert g.line_of_time(801.0) == pytest.approx(2122.3)
    assert g.range_of_pixel(10) == pytest.approx(760e3 + 42.913)
    assert g.pixel_of_range(760e3 + 42.913) == pytest.approx(10)
    assert g.doppler_hz(811.7e3) == pytest.approx(-18.5767897 - 0.0243354 * 811.7)
    assert not g.is_zero_doppler and grid().is_zero_doppler
    assert g.mid_time_s == pytest.approx(800.0 + 19999 / 2 / 2122.3)
    with pytest.raises(GeometryError, match="look_side"):
        grid(look_side="up")
    with pytest.raises(Palsar2Error, match="positive"):
        RadarGrid(0.0, -1.0, 7e5, 4.0, 10, 10, "right", WAVELENGTH)


@pytest.mark.parametrize("look_side", ["right", "left"])
@pytest.mark.parametrize("doppler", [(0.0,), (-18.5767897, -0.0243354)])
def test_round_trip_radar_geo_radar(look_side, doppler):
    orbit = circular_orbit()
    g = grid(look_side, doppler)
    rng = np.random.default_rng(3)
    line = rng.uniform(-100, g.lines + 100, 20000)
    pixel = rng.uniform(-100, g.pixels + 100, 20000)
    height = rng.uniform(-100.0, 4000.0, 20000)
    lat, lon = radar_to_geo(g, orbit, line, pixel, height)
    t, r, line2, pixel2 = geo_to_radar(g, orbit, lat, lon, height)
    assert np.max(np.abs(line2 - line)) < 1e-3
    assert np.max(np.abs(pixel2 - pixel)) < 1e-3
    xyz = geodetic_to_ecef(lat, lon, height)
    assert np.all(side_of_track(orbit, t, xyz) == (1 if look_side == "right" else -1))
    # the point really is at that slant range and Doppler
    s, v = orbit.position_velocity(t)
    d = xyz - s
    np.testing.assert_allclose(np.linalg.norm(d, axis=-1), g.range_of_pixel(pixel), atol=1e-3)
    f = 2 / WAVELENGTH * np.sum(v * d, -1) / np.linalg.norm(d, axis=-1)
    np.testing.assert_allclose(f, g.doppler_hz(r), atol=1e-4)


def test_doppler_shifts_along_track_as_expected():
    """A Doppler centroid moves the point along track by about R * lambda * f / (2 V)."""
    orbit = circular_orbit()
    t, r = 1000.0, 811.7e3
    lat0, lon0 = geolocate(orbit, t, r, 0.0, "right")
    lat1, lon1 = geolocate(orbit, t, r, 0.0, "right", WAVELENGTH, -38.3)
    p0, p1 = geodetic_to_ecef(lat0, lon0, 0.0), geodetic_to_ecef(lat1, lon1, 0.0)
    v = np.linalg.norm(orbit.position_velocity(t)[1])
    shift = np.linalg.norm(p1 - p0)
    expected = r * WAVELENGTH * 38.3 / (2 * v)      # about 530 m (satellite speed, not ground)
    assert shift == pytest.approx(expected, rel=0.15)
    with pytest.raises(GeometryError, match="wavelength"):
        geolocate(orbit, t, r, 0.0, "right", None, -38.3)


def test_zero_doppler_from_far_guess_and_nan():
    orbit = circular_orbit()
    lat, lon = geolocate(orbit, np.array([300.0, 900.0, 1400.0]), 800e3, 100.0, "right")
    xyz = geodetic_to_ecef(lat, lon, 100.0)
    xyz = np.vstack([xyz, [np.nan, np.nan, np.nan]])
    t, r = zero_doppler_time(orbit, xyz, 810.0)
    np.testing.assert_allclose(t[:3], [300.0, 900.0, 1400.0], atol=1e-7)
    np.testing.assert_allclose(r[:3], 800e3, atol=1e-4)
    assert np.isnan(t[3]) and np.isnan(r[3])


def test_target_not_covered_by_orbit_raises():
    orbit = circular_orbit()
    # a point on the opposite side of the Earth from the whole arc's middle
    s = orbit.position(800.0)
    far = -s / np.linalg.norm(s) * 6.4e6
    far_lat, far_lon, _ = ecef_to_geodetic(far)
    # its zero-Doppler time is half an orbit away: outside the 27-min arc
    with pytest.raises(OrbitError):
        zero_doppler_time(orbit, geodetic_to_ecef(far_lat + 60, far_lon, 0.0), 800.0)


def test_incidence_and_look_angles():
    orbit = circular_orbit()
    g = grid()
    line = np.full(5, 10000.0)
    pixel = np.linspace(0, g.pixels - 1, 5)
    lat, lon = radar_to_geo(g, orbit, line, pixel, 0.0)
    xyz = geodetic_to_ecef(lat, lon, 0.0)
    t = g.time_of_line(line)
    inc = ellipsoid_incidence_deg(orbit, t, xyz)
    look = look_angle_deg(orbit, t, xyz)
    # incidence grows with range and exceeds the look angle (Earth curvature) by the
    # geocentric angle, which is about ground range / 6371 km
    assert np.all(np.diff(inc) > 0) and np.all(np.diff(look) > 0)
    assert np.all(inc > look)
    # spherical-Earth law of sines: sin(inc) = (R_sat / R_target) sin(look), to 0.2 degrees
    rs = np.linalg.norm(orbit.position(t), axis=-1)
    rt = np.linalg.norm(xyz, axis=-1)
    np.testing.assert_allclose(inc, np.degrees(np.arcsin(rs / rt * np.sin(np.radians(look)))), atol=0.2)
    assert 25 < inc[0] < 40 and 30 < inc[-1] < 45
    # local incidence on a flat facet = ellipsoid incidence; a facet tilted towards the radar is smaller
    to_sensor, rng = look_vectors(orbit, t, xyz)
    np.testing.assert_allclose(rng, g.range_of_pixel(pixel), atol=1e-3)
    _, _, up = enu_basis(lat, lon)
    np.testing.assert_allclose(local_incidence_deg(to_sensor, up), inc, atol=1e-9)
    tilted = up + 0.2 * (to_sensor - np.sum(to_sensor * up, -1)[:, None] * up)
    assert np.all(local_incidence_deg(to_sensor, tilted) < inc - 5)


@pytest.mark.slow
def test_vectorised_million_points():
    """Backward geocoding of 1e6 points in one call (as terrain correction does per tile)."""
    orbit = circular_orbit()
    g = grid()
    corner_lat, corner_lon = radar_to_geo(g, orbit, [0, 0, g.lines - 1, g.lines - 1], [0, g.pixels - 1, 0, g.pixels - 1], 0.0)
    n = 1_000_000
    rng = np.random.default_rng(11)
    lat = rng.uniform(corner_lat.min(), corner_lat.max(), n).reshape(1000, 1000)
    lon = rng.uniform(corner_lon.min(), corner_lon.max(), n).reshape(1000, 1000)
    height = rng.uniform(-100.0, 4000.0, n).reshape(1000, 1000)
    t, r, line, pixel = geo_to_radar(g, orbit, lat, lon, height)
    assert line.shape == (1000, 1000) and np.all(np.isfinite(line)) and np.all(np.isfinite(pixel))
    # the bounding box of the image covers it: some points fall inside, at all four sides outside
    inside = (line >= 0) & (line <= g.lines - 1) & (pixel >= 0) & (pixel <= g.pixels - 1)
    assert 0.3 < inside.mean() < 1.0
    # a sample of them goes back to the same place
    k = rng.choice(n, 2000, replace=False)
    lat2, lon2 = radar_to_geo(g, orbit, line.reshape(-1)[k], pixel.reshape(-1)[k], height.reshape(-1)[k])
    np.testing.assert_allclose(lat2, lat.reshape(-1)[k], atol=1e-8)
    np.testing.assert_allclose(lon2, lon.reshape(-1)[k], atol=1e-8)


def test_impossible_geometry_gives_nan():
    orbit = circular_orbit()
    lat, lon = geolocate(orbit, np.array([900.0, 900.0, 900.0]), np.array([500e3, 800e3, 4000e3]), 0.0, "left")
    assert np.isnan(lat[0]) and np.isnan(lon[0])        # shorter than the altitude (628 km)
    assert np.isfinite(lat[1]) and np.isfinite(lon[1])
    assert np.isnan(lat[2])                              # beyond the horizon (~2900 km)


def test_doppler_grid_with_2d_inputs_and_array_doppler():
    orbit = circular_orbit()
    g = grid("left", (-18.5767897, -0.0243354))
    line, pixel = np.meshgrid(np.linspace(0, g.lines - 1, 4), np.linspace(0, g.pixels - 1, 3), indexing="ij")
    lat, lon = radar_to_geo(g, orbit, line, pixel, 250.0)
    assert lat.shape == (4, 3) and np.all(np.isfinite(lat))
    # the same with the Doppler given as an array per point instead of the grid's polynomial
    fd = g.doppler_hz(g.range_of_pixel(pixel))
    lat2, lon2 = geolocate(orbit, g.time_of_line(line), g.range_of_pixel(pixel), 250.0, "left", WAVELENGTH, fd)
    np.testing.assert_allclose(lat2, lat, atol=1e-10)
    np.testing.assert_allclose(lon2, lon, atol=1e-10)
    t, _ = zero_doppler_time(orbit, geodetic_to_ecef(lat, lon, 250.0), g.mid_time_s, wavelength_m=WAVELENGTH,
                             doppler_hz=fd)
    np.testing.assert_allclose(t, g.time_of_line(line), atol=1e-7)
