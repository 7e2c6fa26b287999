"""WGS84 geodetic <-> ECEF: round trip, and agreement with PROJ (an independent implementation)."""

import numpy as np
import pyproj
import pytest

from palsar2_plugin.geometry.ellipsoid import (WGS84_A, WGS84_B, ecef_to_geodetic, enu_basis,
                                               geodetic_to_ecef)


def test_known_points():
    np.testing.assert_allclose(geodetic_to_ecef(0.0, 0.0, 0.0), [WGS84_A, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(geodetic_to_ecef(90.0, 0.0, 100.0), [0.0, 0.0, WGS84_B + 100.0], atol=1e-9)
    np.testing.assert_allclose(geodetic_to_ecef(0.0, 90.0, -50.0), [0.0, WGS84_A - 50.0, 0.0], atol=1e-9)
    lat, lon, h = ecef_to_geodetic(np.array([0.0, 0.0, -(WGS84_B + 628e3)]))
    assert lat == pytest.approx(-90.0, abs=1e-12)
    assert h == pytest.approx(628e3, abs=1e-6)


def test_round_trip_below_a_millimetre():
    rng = np.random.default_rng(42)
    n = 200_000
    lat = rng.uniform(-90, 90, n)
    lon = rng.uniform(-180, 180, n)
    h = rng.uniform(-11_000, 1_000_000, n)
    xyz = geodetic_to_ecef(lat, lon, h)
    assert xyz.shape == (n, 3)
    lat2, lon2, h2 = ecef_to_geodetic(xyz)
    assert np.max(np.abs(h2 - h)) < 1e-4
    assert np.max(np.abs(geodetic_to_ecef(lat2, lon2, h2) - xyz)) < 1e-4
    # latitude error in metres on the ground
    assert np.max(np.abs(lat2 - lat)) * 111_000 < 1e-4


def test_agrees_with_proj():
    rng = np.random.default_rng(7)
    lat = rng.uniform(-89, 89, 1000)
    lon = rng.uniform(-180, 180, 1000)
    h = rng.uniform(-500, 9000, 1000)
    tr = pyproj.Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    x, y, z = tr.transform(lon, lat, h)
    ours = geodetic_to_ecef(lat, lon, h)
    assert np.max(np.abs(ours - np.stack([x, y, z], -1))) < 1e-6


def test_broadcasting_shapes():
    xyz = geodetic_to_ecef(np.zeros((4, 5)), 10.0, np.arange(5.0))
    assert xyz.shape == (4, 5, 3)
    lat, lon, h = ecef_to_geodetic(xyz)
    assert lat.shape == (4, 5)
    np.testing.assert_allclose(h[0], np.arange(5.0), atol=1e-6)


def test_enu_basis_orthonormal_and_up_is_normal():
    e, n, u = enu_basis(np.array([35.0, -60.0]), np.array([139.0, 10.0]))
    for a in (e, n, u):
        np.testing.assert_allclose(np.linalg.norm(a, axis=-1), 1.0, atol=1e-14)
    np.testing.assert_allclose(np.sum(e * n, -1), 0.0, atol=1e-14)
    np.testing.assert_allclose(np.cross(e, n), u, atol=1e-14)
    # up = direction in which the height grows
    d = geodetic_to_ecef(35.0, 139.0, 1.0) - geodetic_to_ecef(35.0, 139.0, 0.0)
    np.testing.assert_allclose(d, u[0], atol=1e-8)
