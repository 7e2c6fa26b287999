"""Synthetic ALOS-2 orbit: physical sanity, placement, JAXA-like vector layout, interpolation."""

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from palsar2_plugin.geometry.ellipsoid import ecef_to_geodetic, geodetic_to_ecef
from palsar2_plugin.geometry.orbit_model import (first_vector_time, synthetic_alos2_orbit,
                                                 synthetic_alos2_orbit_model)
from palsar2_plugin.geometry.radar_grid import GeometryError, RadarGrid
from palsar2_plugin.geometry.range_doppler import (ellipsoid_incidence_deg, geo_to_radar, radar_to_geo,
                                                   side_of_track, zero_doppler_time)

CENTRE_TIME = datetime(2014, 9, 9, 4, 33, 47, 52000, tzinfo=timezone.utc)
CASES = [(p, s) for p in ("ascending", "descending") for s in ("right", "left")]


def test_vector_layout_like_jaxa():
    orbit = synthetic_alos2_orbit(-11.05, -62.53, CENTRE_TIME, "ascending", "right", 40.573)
    assert orbit.reference_time_utc == datetime(2014, 9, 9, 4, 20, 0, tzinfo=timezone.utc)  # as in the sample
    assert orbit.times_s.size == 28
    np.testing.assert_array_equal(np.diff(orbit.times_s), 60.0)
    assert orbit.start_s < orbit.seconds_from_datetime(CENTRE_TIME) < orbit.stop_s
    assert first_vector_time(datetime(2020, 1, 1, 0, 5, tzinfo=timezone.utc)) == \
        datetime(2019, 12, 31, 23, 51, tzinfo=timezone.utc)


def test_physical_parameters():
    model = synthetic_alos2_orbit_model(35.0, 139.0, CENTRE_TIME, "descending", "right", 35.0)
    assert model.nodal_precession_deg_per_day == pytest.approx(360 / 365.2422, abs=0.01)  # sun-synchronous
    t = np.linspace(-3000, 3000, 2001)                       # more than one revolution
    pos, vel = model.state(t)
    lat, _, h = ecef_to_geodetic(pos)
    assert h.min() == pytest.approx(628e3, abs=500)          # altitude over the equator
    assert 645e3 < h.max() < 652e3                           # over the poles (ellipsoid flattening)
    assert lat.max() == pytest.approx(180 - 97.9, abs=0.1)   # highest latitude = 180 - inclination
    speed = np.linalg.norm(vel, axis=-1)                      # Earth-fixed speed
    assert 7.0e3 < speed.min() and speed.max() < 7.7e3
    period = 2 * np.pi / model.mean_motion_rad_s
    assert period / 60 == pytest.approx(97.3, abs=0.3)


def test_velocity_is_derivative_of_position():
    model = synthetic_alos2_orbit_model(10.0, 20.0, CENTRE_TIME, "ascending", "left", 30.0)
    t = np.linspace(-800, 800, 17)
    dt = 1e-3
    numeric = (model.state(t + dt)[0] - model.state(t - dt)[0]) / (2 * dt)
    np.testing.assert_allclose(model.state(t)[1], numeric, atol=1e-5)


@pytest.mark.parametrize("pass_direction,look_side", CASES)
def test_interpolation_against_analytic_orbit(pass_direction, look_side):
    model = synthetic_alos2_orbit_model(47.0, 8.0, CENTRE_TIME, pass_direction, look_side, 38.0)
    orbit = synthetic_alos2_orbit(47.0, 8.0, CENTRE_TIME, pass_direction, look_side, 38.0)
    offset = (orbit.reference_time_utc - model.reference_time_utc).total_seconds()
    t_mid = orbit.times_s[:-1] + 30.0
    pos, vel = orbit.position_velocity(t_mid)
    ref_pos, ref_vel = model.state(t_mid + offset)
    pos_err = np.linalg.norm(pos - ref_pos, axis=-1).max()
    vel_err = np.linalg.norm(vel - ref_vel, axis=-1).max()
    print(f"{pass_direction}/{look_side}: max mid-interval error {pos_err:.2e} m, {vel_err:.2e} m/s")
    assert pos_err < 0.01
    assert vel_err < 1e-4


@pytest.mark.parametrize("pass_direction,look_side", CASES)
@pytest.mark.parametrize("lat,lon,incidence", [(-11.05, -62.53, 40.573), (36.0, 138.5, 25.0), (65.0, -20.0, 55.0)])
def test_placement(pass_direction, look_side, lat, lon, incidence):
    orbit = synthetic_alos2_orbit(lat, lon, CENTRE_TIME, pass_direction, look_side, incidence, centre_height_m=300.0)
    target = geodetic_to_ecef(lat, lon, 300.0)
    t, rng = zero_doppler_time(orbit, target, 700.0)
    # seen at the centre time (to the microsecond), at the incidence, on the side asked for
    assert abs(t - orbit.seconds_from_datetime(CENTRE_TIME)) < 1e-6
    assert ellipsoid_incidence_deg(orbit, t, target) == pytest.approx(incidence, abs=1e-6)
    assert side_of_track(orbit, t, target) == (1 if look_side == "right" else -1)
    vz = orbit.position_velocity(t)[1][2]
    assert (vz > 0) == (pass_direction == "ascending")
    assert 640e3 < rng < 1400e3


def test_placement_errors():
    with pytest.raises(GeometryError, match="pass_direction"):
        synthetic_alos2_orbit(0, 0, CENTRE_TIME, "north", "right")
    with pytest.raises(GeometryError, match="look_side"):
        synthetic_alos2_orbit(0, 0, CENTRE_TIME, "ascending", "down")
    with pytest.raises(GeometryError, match="latitude"):
        synthetic_alos2_orbit(85.0, 0, CENTRE_TIME)
    with pytest.raises(GeometryError, match="incidence"):
        synthetic_alos2_orbit(0, 0, CENTRE_TIME, incidence_deg=80.0)


@pytest.mark.parametrize("pass_direction,look_side", CASES)
def test_round_trip_on_synthetic_orbit(pass_direction, look_side):
    """radar -> geo -> radar < 1e-3 pixel for a 5-beam-ScanSAR-sized swath, heights -100..4000 m."""
    orbit = synthetic_alos2_orbit(35.36, 138.73, CENTRE_TIME, pass_direction, look_side, 40.0)
    t_c = orbit.seconds_from_datetime(CENTRE_TIME)
    pixels = 40000
    grid = RadarGrid(first_line_time_s=t_c - 25.0, line_interval_s=1 / 2000.0, slant_range_first_m=690e3,
                     range_spacing_m=8.5825, lines=100000, pixels=pixels, look_side=look_side,
                     wavelength_m=0.2424525)
    rng = np.random.default_rng(5)
    n = 50000
    line = rng.uniform(0, grid.lines - 1, n)
    pixel = rng.uniform(0, grid.pixels - 1, n)
    height = rng.uniform(-100.0, 4000.0, n)
    lat, lon = radar_to_geo(grid, orbit, line, pixel, height)
    _, _, line2, pixel2 = geo_to_radar(grid, orbit, lat, lon, height)
    assert np.max(np.abs(line2 - line)) < 1e-3
    assert np.max(np.abs(pixel2 - pixel)) < 1e-3
    # near-to-far incidence across a 343 km slant-range swath
    xyz = geodetic_to_ecef(lat, lon, height)
    inc = ellipsoid_incidence_deg(orbit, grid.time_of_line(line), xyz)
    assert 20 < inc.min() < 30 and 50 < inc.max() < 60
