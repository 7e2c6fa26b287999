"""Orbit interpolation against an analytic circular orbit seen in the Earth-fixed frame."""

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.geometry.orbit import Orbit, OrbitError

GM = 3.986004418e14
OMEGA_E = 7.2921151467e-5
A = 6378137.0 + 628e3
INC = np.radians(97.9)
MEAN_MOTION = np.sqrt(GM / A ** 3)
REF = datetime(2014, 9, 9, 4, 20, 0, tzinfo=timezone.utc)


def analytic_state(t):
    """Exact ECEF position, velocity and acceleration of a circular Keplerian orbit (test reference)."""
    t = np.asarray(t, dtype=float)
    u = MEAN_MOTION * t + 0.3
    r_i = A * np.stack([np.cos(u), np.sin(u) * np.cos(INC), np.sin(u) * np.sin(INC)], -1)
    v_i = A * MEAN_MOTION * np.stack([-np.sin(u), np.cos(u) * np.cos(INC), np.cos(u) * np.sin(INC)], -1)
    a_i = -MEAN_MOTION ** 2 * r_i
    th = OMEGA_E * t + 1.1
    c, s = np.cos(th)[..., None], np.sin(th)[..., None]

    def rot(q):  # inertial -> Earth-fixed (rotation by -theta about z)
        return np.concatenate([c * q[..., :1] + s * q[..., 1:2], -s * q[..., :1] + c * q[..., 1:2], q[..., 2:]], -1)

    w = np.array([0.0, 0.0, OMEGA_E])
    r = rot(r_i)
    v = rot(v_i) - np.cross(w, r)
    acc = rot(a_i) - 2 * np.cross(w, v) - np.cross(w, np.cross(w, r))
    return r, v, acc


def make_orbit(**kw):
    times = np.arange(28) * 60.0
    pos, vel, _ = analytic_state(times)
    return Orbit(REF, times, pos, vel, **kw)


def test_interpolation_accuracy_mid_interval():
    orbit = make_orbit()
    t_mid = np.arange(27) * 60.0 + 30.0        # every mid-interval, including the arc's ends
    pos, vel = orbit.position_velocity(t_mid)
    ref_pos, ref_vel, _ = analytic_state(t_mid)
    pos_err = np.linalg.norm(pos - ref_pos, axis=-1)
    vel_err = np.linalg.norm(vel - ref_vel, axis=-1)
    assert pos_err.max() < 0.01          # < 1 cm
    assert vel_err.max() < 1e-4          # < 0.1 mm/s
    # In fact far better with the default 4-vector window:
    assert pos_err.max() < 1e-4


@pytest.mark.parametrize("window", [4, 6, 8])
def test_interpolation_dense_and_acceleration(window):
    orbit = make_orbit(window=window)
    t = np.linspace(0.0, 27 * 60.0, 5001)
    pos, vel, acc = orbit.position_velocity_acceleration(t)
    ref_pos, ref_vel, ref_acc = analytic_state(t)
    assert np.abs(pos - ref_pos).max() < 0.01
    assert np.abs(vel - ref_vel).max() < 1e-4
    assert np.abs(acc - ref_acc).max() < 1e-5
    # exact at the nodes
    p_nodes, v_nodes = orbit.position_velocity(orbit.times_s)
    np.testing.assert_allclose(p_nodes, orbit.positions_m, atol=1e-5)
    np.testing.assert_allclose(v_nodes, orbit.velocities_m_s, atol=1e-7)


def test_local_not_global_polynomial():
    """A perturbation of one far-away vector must not change the interpolation here."""
    orbit = make_orbit()
    pos = orbit.positions_m.copy()
    pos[0] += 1000.0
    other = Orbit(REF, orbit.times_s, pos, orbit.velocities_m_s)
    t = np.linspace(600.0, 1200.0, 101)
    np.testing.assert_array_equal(orbit.position_velocity(t)[0], other.position_velocity(t)[0])


def test_shapes_nan_and_vectorised_million_points():
    orbit = make_orbit()
    t = np.full((2, 3), 700.0)
    t[1, 2] = np.nan
    pos, vel = orbit.position_velocity(t)
    assert pos.shape == (2, 3, 3) and vel.shape == (2, 3, 3)
    assert np.all(np.isnan(pos[1, 2])) and np.all(np.isfinite(pos[0]))
    scalar_pos, _ = orbit.position_velocity(700.0)
    assert scalar_pos.shape == (3,)
    big = np.random.default_rng(0).uniform(0, 1620, 1_000_000)
    p, v = orbit.position_velocity(big)
    assert p.shape == (1_000_000, 3)
    np.testing.assert_allclose(np.linalg.norm(p[:1000], axis=-1), A, rtol=0, atol=1e-3)


def test_extrapolation_limits():
    orbit = make_orbit()
    orbit.position_velocity(-59.0)           # within one interval: allowed
    orbit.position_velocity(27 * 60.0 + 59.0)
    with pytest.raises(OrbitError, match="outside the orbit state vectors") as info:
        orbit.position_velocity(np.array([100.0, -3600.0]))
    assert isinstance(info.value, Palsar2Error)
    with pytest.raises(OrbitError):
        orbit.position_velocity(27 * 60.0 + 200.0)


def test_time_conversions_and_from_state_vectors():
    orbit = make_orbit()
    vectors = orbit.state_vectors()
    assert vectors[1][0] == REF + timedelta(seconds=60)
    again = Orbit.from_state_vectors(vectors)
    np.testing.assert_array_equal(again.times_s, orbit.times_s)
    np.testing.assert_array_equal(again.positions_m, orbit.positions_m)
    t = orbit.seconds_from_datetime(datetime(2014, 9, 9, 4, 33, 47, 52000, tzinfo=timezone.utc))
    assert t == pytest.approx(827.052, abs=1e-9)
    assert orbit.datetime_from_seconds(827.052) == datetime(2014, 9, 9, 4, 33, 47, 52000, tzinfo=timezone.utc)
    with pytest.raises(OrbitError, match="time zone"):
        orbit.seconds_from_datetime(datetime(2014, 9, 9, 4, 33, 47))


def test_bad_vectors():
    with pytest.raises(OrbitError, match="increasing"):
        Orbit(REF, np.array([0.0, 0.0, 60.0]), np.zeros((3, 3)), np.zeros((3, 3)))
    with pytest.raises(OrbitError, match="shape"):
        Orbit(REF, np.array([0.0, 60.0]), np.zeros((3, 3)), np.zeros((2, 3)))
    with pytest.raises(OrbitError, match="non-finite"):
        Orbit(REF, np.array([0.0, 60.0]), np.full((2, 3), np.nan), np.zeros((2, 3)))
